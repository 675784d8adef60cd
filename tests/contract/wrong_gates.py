"""Wrong gates as a plugin author writes them, one for each class the issue found the suite
missing or misreporting, and one gate that needs (and declares) a looser tolerance.

A support module, not a test module: the failures' reproduction lines import from here
(``python -c "from tests.contract.wrong_gates import ..."``), so they run as printed.
"""
import sys

import numpy as np

from core import Activation, Cost, Operator


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class TailSoftplus(Activation):
    """Softplus whose derivative was 'simplified' to 1 above x = 3 (wrong in that tail)."""
    name = "tail_softplus"

    def forward(self, x, out=None):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def derivative(self, x, y, out=None):
        return np.where(x > 3, 1.0, _sigmoid(x))


class NanForLarge(Activation):
    """Softplus with its derivative as exp(x) / (1 + exp(x)): NaN past x = 709.78."""
    name = "nan_for_large"

    def forward(self, x, out=None):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def derivative(self, x, y, out=None):
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(x)
            return e / (1 + e)


class ClipsLargeInPlace(Activation):
    """tanh that clips its input to +-100 first -- in place."""
    name = "clips_large_in_place"

    def forward(self, x, out=None):
        x[x > 100] = 100.0
        x[x < -100] = -100.0
        return np.tanh(x)

    def derivative(self, x, y, out=None):
        return 1 - y * y


class MeanBiasAdd(Operator):
    """a + b, reducing a broadcast gradient with a mean where a sum is right."""
    name = "mean_bias_add"

    def forward(self, a, b, out=None):
        return a + b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return tuple(top_diff if x.shape == top_diff.shape else
                     np.reshape(top_diff.mean(axis=0), x.shape) for x in inputs)


class OutTanh(Activation):
    """tanh through out= buffers, like the pack's before issue 11: crashes on 0-d inputs."""
    name = "out_tanh"

    def forward(self, x, out=None):
        return np.tanh(x, out=out)

    def derivative(self, x, y, out=None):
        out = np.multiply(y, y, out=out)
        return np.subtract(1.0, out, out=out)


class MeanByHand(Cost):
    """Mean squared error divided by the element count by hand: an empty batch divides by 0."""
    name = "mean_by_hand"

    def forward(self, prediction, target):
        d = prediction - target
        return np.sum(d * d) / prediction.dtype.type(max(d.size, 1))

    def gradient(self, prediction, target, out=None):
        return (prediction - target) * (2.0 / prediction.size)


class SharedGradientAdd(Operator):
    """2 (a + b), handing one array to both inputs."""
    name = "shared_gradient_add"

    def forward(self, a, b, out=None):
        return 2 * (a + b)

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        g = 2 * top_diff
        return g, g


class ViewOfInput(Operator):
    """Identity on its first input, returning a view of it; b is ignored."""
    name = "view_of_input"

    def forward(self, a, b, out=None):
        return a.reshape(a.shape)

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff.copy(), np.zeros_like(inputs[1])


class Noisy(Activation):
    """x plus a little noise."""
    name = "noisy"

    def forward(self, x, out=None):
        return x + (1e-9 * np.random.standard_normal(x.shape)).astype(x.dtype)

    def derivative(self, x, y, out=None):
        return np.ones_like(x)


class Doubling(Activation):
    """2x, computed in place in its input."""
    name = "doubling"

    def forward(self, x, out=None):
        x *= 2
        return x.copy()

    def derivative(self, x, y, out=None):
        return np.full_like(x, 2.0)


class OverwritesTopDiff(Operator):
    """a * b, writing its first bottom_diff into top_diff."""
    name = "overwrites_top_diff"

    def forward(self, a, b, out=None):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        db = top_diff * a
        return np.multiply(top_diff, b, out=top_diff), db


class WrongShape(Operator):
    """a * b, whose second bottom_diff is flattened."""
    name = "wrong_shape"

    def forward(self, a, b, out=None):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        return top_diff * b, (top_diff * a).ravel()


class Exits(Activation):
    """x, but forward ends the process."""
    name = "exits"

    def forward(self, x, out=None):
        sys.exit(0)

    def derivative(self, x, y, out=None):
        return np.ones_like(x)


class SeriesArctan(Activation):
    """arctan with a derivative accurate to 2e-4 (a series approximation), declared."""
    name = "series_arctan"
    tolerances = {
        "gradient_matches_finite_differences": {"rtol": 1e-3,
                                                "reason": "derivative from a series, 2e-4"},
        "gradient_random_projection": {"rtol": 1e-3, "reason": "derivative from a series, 2e-4"},
        "edge_shapes": {"rtol": 1e-3, "reason": "derivative from a series, 2e-4"},
    }

    def forward(self, x, out=None):
        return np.arctan(x)

    def derivative(self, x, y, out=None):
        return (1 + 2e-4) / (1 + x * x)


class SeriesArctanUndeclared(SeriesArctan):
    """The same arctan, with no tolerance declared."""
    name = "series_arctan_undeclared"
    tolerances = {}
