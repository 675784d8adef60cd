"""Cost pack: cross-entropy, fused softmax-cross-entropy, BCE from logits, L1, Huber.

Written only with the public plugin API and registered through the ``costs``
entry point of the ``gates`` group. Conventions:

* the target always has the prediction's shape (a one-hot row, a probability
  row, or one value per prediction); a different shape is refused;
* the cross-entropies average over rows (samples, the last axis being the
  classes); the elementwise costs (BCE, L1, Huber) average over all elements.

Every formula stays finite and warning-free for inputs up to |x| = 1e3 in
float64: log-sum-exp is shifted by the row maximum, BCE uses
max(z, 0) + log1p(e^-|z|), and no exponential is computed where it would
underflow (plugins/_stable.py).
"""
import attrs
import numpy as np

from core import Cost, hookimpl

from . import _stable


def _same_shape(gate, prediction, target):
    if prediction.shape != target.shape:
        raise ValueError(f"{gate} needs the prediction and the target to have the same "
                         f"shape, got {prediction.shape} and {target.shape}")


def _rows(x):
    """Number of samples: every axis but the last (the classes)."""
    return max(1, x.size // x.shape[-1]) if x.ndim else 1


def _distributions(rng, shape, dtype):
    """Rows that are probability distributions (positive, summing to 1)."""
    return _stable.softmax(rng.standard_normal(shape)).astype(dtype)


def _buffer(like, out):
    """``out``, or a new array shaped like ``like``: for 0-d inputs numpy's ufuncs return a
    scalar, which the in-place steps that follow could not write into."""
    return np.empty_like(like) if out is None else out


def _result(value, out):
    if out is None:
        return value
    np.copyto(out, value)
    return out


class CrossEntropy(Cost):
    """Cross-entropy -1/n sum t log p of probabilities p against target distributions t.

    The prediction must hold probabilities: a value below 0, above 1 or NaN is
    refused with a ValueError naming the gate and the element (scores or logits
    belong in ``softmax_cross_entropy``). A probability of exactly 0 is taken
    as the dtype's smallest normal number, so J and the gradient stay finite
    (-log of it is about 708 in float64, 87 in float32) instead of infinite.
    """

    name = "cross_entropy"
    supports_out = True

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        # the domain is probabilities, whatever the scale asked for
        return _distributions(rng, shape, dtype), _distributions(rng, shape, dtype)

    def forward(self, prediction, target):
        p = self._probabilities(prediction, target)
        return -np.sum(target * np.log(p)) / prediction.dtype.type(_rows(prediction))

    def gradient(self, prediction, target, out=None):
        p = self._probabilities(prediction, target)
        return _result(-target / p / prediction.dtype.type(_rows(prediction)), out)

    def _probabilities(self, prediction, target):
        _same_shape(self.name, prediction, target)
        bad = ~((prediction >= 0) & (prediction <= 1))  # NaN included
        if bad.any():
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"{self.name} takes probabilities in [0, 1], got "
                             f"{prediction[at]!r} at {at} of a prediction shaped "
                             f"{prediction.shape}; for scores or logits use "
                             f"softmax_cross_entropy (or bce_with_logits)")
        return np.maximum(prediction, np.finfo(prediction.dtype).tiny)


class SoftmaxCrossEntropy(Cost):
    """Softmax then cross-entropy, fused on logits z; gradient (softmax(z) - t) / rows.

    J = 1/n sum over the n rows of sum(t) lse(z) - t.z, with the log-sum-exp
    lse shifted by the row maximum.
    """

    name = "softmax_cross_entropy"
    supports_out = True

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        return (scale * rng.standard_normal(shape)).astype(dtype), \
            _distributions(rng, shape, dtype)

    def forward(self, prediction, target):
        _same_shape(self.name, prediction, target)
        z = prediction
        top = z.max(axis=-1, keepdims=True)
        lse = top + np.log(_stable.exp(z - top).sum(axis=-1, keepdims=True))
        # -sum t log softmax(z) = sum(t) lse - t.z per row; with one-hot t, lse - z_class
        per_row = target.sum(axis=-1, keepdims=True) * lse - (target * z).sum(-1, keepdims=True)
        return np.sum(per_row) / z.dtype.type(_rows(z))

    def gradient(self, prediction, target, out=None):
        _same_shape(self.name, prediction, target)
        # (softmax(z) sum(t) - t) / n: softmax - onehot for one-hot targets
        s = _stable.softmax(prediction) * target.sum(axis=-1, keepdims=True)
        out = np.subtract(s, target, out=out)
        out /= prediction.dtype.type(_rows(prediction))
        return out


class BinaryCrossEntropy(Cost):
    """Binary cross-entropy on logits z, targets t in [0, 1]: mean(softplus(z) - t z).

    The gradient is (sigmoid(z) - t) / n, n the number of elements.
    """

    name = "bce_with_logits"
    supports_out = True

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        return (scale * rng.standard_normal(shape)).astype(dtype), \
            rng.uniform(0.0, 1.0, shape).astype(dtype)

    def forward(self, prediction, target):
        _same_shape(self.name, prediction, target)
        z = prediction
        return np.sum(_stable.softplus(z) - target * z) / z.dtype.type(max(z.size, 1))

    def gradient(self, prediction, target, out=None):
        _same_shape(self.name, prediction, target)
        z = prediction
        out = np.subtract(_stable.sigmoid(z), target, out=out)
        out /= z.dtype.type(max(z.size, 1))
        return out


def _away_from_zero(rng, shape, dtype, scale, margin=0.1):
    """Prediction and target whose differences keep a margin from 0, the kink of |r|."""
    prediction = scale * rng.standard_normal(shape)
    gap = rng.uniform(margin, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return prediction.astype(dtype), (prediction - scale * gap).astype(dtype)


class L1(Cost):
    """Mean absolute error mean |p - t|; gradient sign(p - t) / n (0 where p == t)."""

    name = "l1"
    supports_out = True

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        return _away_from_zero(rng, shape, dtype, scale)

    def forward(self, prediction, target):
        _same_shape(self.name, prediction, target)
        return np.sum(np.abs(prediction - target)) / prediction.dtype.type(max(prediction.size, 1))

    def gradient(self, prediction, target, out=None):
        _same_shape(self.name, prediction, target)
        out = np.subtract(prediction, target, out=_buffer(prediction, out))
        np.sign(out, out=out)
        out /= prediction.dtype.type(max(prediction.size, 1))
        return out


@attrs.frozen
class Huber(Cost):
    """Huber loss: r^2/2 for |r| <= delta, else delta (|r| - delta/2), averaged; r = p - t."""

    name = "huber"
    supports_out = True

    delta: float = attrs.field(default=1.0, converter=float)

    @delta.validator
    def _check_delta(self, attribute, value):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"huber's delta must be a positive number, got {value!r}")

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        # keep |r| away from delta, where the second derivative jumps
        p, t = _away_from_zero(rng, shape, dtype, scale, margin=0.05)
        r = np.abs(p.astype(float) - t)
        near = np.abs(r - self.delta) < 0.05
        return p, np.where(near, t - np.sign(p - t) * 0.2, t).astype(dtype)

    def forward(self, prediction, target):
        _same_shape(self.name, prediction, target)
        r = np.abs(prediction - target)
        d = prediction.dtype.type(self.delta)
        loss = np.where(r <= d, 0.5 * r * r, d * (r - 0.5 * d))
        return np.sum(loss) / prediction.dtype.type(max(prediction.size, 1))

    def gradient(self, prediction, target, out=None):
        _same_shape(self.name, prediction, target)
        d = prediction.dtype.type(self.delta)
        out = np.subtract(prediction, target, out=_buffer(prediction, out))
        np.clip(out, -d, d, out=out)
        out /= prediction.dtype.type(max(prediction.size, 1))
        return out


@hookimpl
def register_gates(register):
    for gate_type in (CrossEntropy, SoftmaxCrossEntropy, BinaryCrossEntropy, L1, Huber):
        register(gate_type)
