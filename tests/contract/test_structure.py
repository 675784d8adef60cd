"""The structure checks (core.contract.structure): gates that break the contract in one way
each are caught by the right check, and the message names the gate, the fault and how to
reproduce it."""
import numpy as np
import pytest

from core import Activation, Cost
from tests.contract.planted import Mul


class OneDiff(Mul):
    """Returns one bottom_diff for two inputs."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (top_diff * inputs[1],)


class WrongShape(Mul):
    """Returns a bottom_diff that cannot be summed to the input's shape."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1], (top_diff * inputs[0]).ravel()


class Upcasts(Mul):
    """Returns float64 bottom_diffs for float32 inputs."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return [np.asarray(d, np.float64) for d in super().local_gradient(
            top_diff, inputs, output, needs)]


class Squares(Mul):
    """Not linear in top_diff."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff ** 2 * inputs[1], top_diff * inputs[0]


class Offset(Mul):
    """A zero top_diff gives a non-zero bottom_diff."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1] + 0 * top_diff + (top_diff == 0), top_diff * inputs[0]


class IgnoresNeeds(Mul):
    """Gives input 1 a wrong gradient when input 0 needs none."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (top_diff * inputs[1] if needs[0] else None,
                top_diff * inputs[0] * (1 if needs[0] else 2))


class Counter(Mul):
    """Forward depends on how often it was called."""
    calls = 0

    def forward(self, a, b, out=None):
        Counter.calls += 1
        return a * b + 1e-3 * Counter.calls


class InPlace(Mul):
    """Scales its first input in place."""
    def forward(self, a, b, out=None):
        a *= 1.0001
        return a * b


class Float64Only(Mul):
    """Always computes in float64."""
    def forward(self, a, b, out=None):
        return np.multiply(a, b, dtype=np.float64)


class BadOut(Mul):
    """Claims out= support but writes the wrong thing into it."""
    supports_out = True

    def forward(self, a, b, out=None):
        if out is None:
            return a * b
        out[...] = a + b
        return out

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1], top_diff * inputs[0]


@pytest.mark.parametrize("gate, check, words", [
    (OneDiff(), "bottom_diffs_match_inputs",
     "returned 1 bottom_diffs from its local gradient; it has 2 inputs"),
    (WrongShape(), "bottom_diffs_match_inputs",
     "returned a bottom_diff of shape (20,) for input 1 of shape (4, 5)"),
    (Upcasts(), "bottom_diffs_match_inputs", "bottom_diff 0 is float64 for a float32 input"),
    (Squares(), "linear_in_top_diff", "bottom_diff 0 is not linear in top_diff"),
    (Offset(), "zero_top_diff_gives_zero", "bottom_diff 0 is 1 at (0, 0) for a zero top_diff"),
    (IgnoresNeeds(), "needs_respected", "with needs=[False, True] bottom_diff 1 differs"),
    (Counter(), "deterministic", "two forward calls on the same inputs differ at element"),
    (InPlace(), "inputs_not_modified", "forward modified input 0 in place: element (0,) was"),
    (Float64Only(), "bottom_diffs_match_inputs", "forward returned float64 for float32 inputs"),
    (BadOut(), "out_matches_plain", "forward with out= differs from the plain call"),
])
def test_structure_checks_catch_their_fault(failed, gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]
    assert "gate 'mul_variant'" in msgs[check] and "reproduce:" in msgs[check]


class WidthScaled(Activation):
    """x times the width of its input: consistent derivative, but not elementwise."""
    name = "width_scaled"

    def forward(self, x, out=None):
        return x * x.shape[-1]

    def derivative(self, x, y, out=None):
        return np.full_like(x, x.shape[-1])


class Tanh32(Activation):
    """tanh, computed in float32 as tanh(1.01 x): float32 disagrees with float64."""
    name = "tanh32"

    def forward(self, x, out=None):
        return np.tanh(x if x.dtype == np.float64 else x * np.float32(1.01))

    def derivative(self, x, y, out=None):
        return 1 - np.tanh(x) ** 2


class DerivativeUpcasts(Activation):
    """x squared, its derivative always float64."""
    name = "derivative_upcasts"

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        return 2 * x.astype(np.float64)


class RowGradientCost(Cost):
    """Squared error summed; its gradient summed over the last axis (the wrong shape)."""
    name = "row_gradient"

    def forward(self, prediction, target):
        return np.sum((prediction - target) ** 2)

    def gradient(self, prediction, target, out=None):
        return 2 * (prediction - target).sum(axis=-1)


class GradientUpcasts(RowGradientCost):
    """Squared error summed; its gradient always float64."""
    name = "gradient_upcasts"

    def gradient(self, prediction, target, out=None):
        return 2 * (prediction - target).astype(np.float64)


@pytest.mark.parametrize("gate, check, words", [
    (GradientUpcasts(), "bottom_diffs_match_inputs",
     "bottom_diff 0 is float64 for a float32 input"),
    (WidthScaled(), "elementwise",
     "the output for a sub-batch x[1:3, 1:] (shape (2, 4)) differs from the same elements"),
    (Tanh32(), "float32_matches_float64", "forward in float32 disagrees with float64"),
    (DerivativeUpcasts(), "bottom_diffs_match_inputs",
     "bottom_diff 0 is float64 for a float32 input"),
    (RowGradientCost(), "bottom_diffs_match_inputs",
     "returned a bottom_diff of shape () for input 0 of shape (8,)"),
])
def test_more_planted_faults_are_caught(failed, gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]


class RowDerivative(Activation):
    """x squared, its derivative one row only: the executor would broadcast it silently."""
    name = "row_derivative"

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        return 2 * x[..., 0, :] if x.ndim > 1 else 2 * x


def test_an_activation_derivative_of_the_wrong_shape_is_named(failed):
    m = failed(RowDerivative())["bottom_diffs_match_inputs"]
    assert "derivative has shape (5,) for an input shaped (4, 5), float64" in m


class ClipsTopDiff(Mul):
    """a * b, clipping a large top_diff: not linear in it."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        t = np.clip(top_diff, -10, 10)
        return t * inputs[1], t * inputs[0]


class OutWrongInFloat32(Activation):
    """tanh, whose out= path is off in float32 only."""
    name = "out_wrong_in_float32"
    supports_out = True

    def forward(self, x, out=None):
        y = np.tanh(x)
        if out is None:
            return y
        out[...] = y * (1.01 if x.dtype == np.float32 else 1.0)
        return out

    def derivative(self, x, y, out=None):
        return 1 - y * y


def test_top_diffs_and_dtypes_over_the_whole_range(failed):
    assert "bottom_diff 0 is not linear in top_diff" in \
        failed(ClipsTopDiff())["linear_in_top_diff"]
    m = failed(OutWrongInFloat32())["out_matches_plain"]
    assert "forward with out= differs from the plain call" in m and "float32" in m
