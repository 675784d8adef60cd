"""Activation pack: tanh, ReLU, leaky ReLU, softplus, arctan and softmax.

The CMU slides' list of activations, written only with the public plugin API
(``core.Activation``, ``core.Operator``, ``core.hookimpl``) and registered
through the ``activations`` entry point of the ``gates`` group, exactly as a
third party's pack would be. Every formula stays finite and warning-free for
inputs up to |x| = 1e3 in float64.
"""
import attrs
import numpy as np

from core import Activation, Operator, hookimpl

from . import _stable


def _buffer(like, out):
    """``out``, or a new array shaped like ``like``: numpy's ufuncs return a scalar, not a
    0-d array, for a 0-d input, and a scalar cannot be written into with ``out=``."""
    return np.empty_like(like) if out is None else out


class Tanh(Activation):
    """Hyperbolic tangent; derivative 1 - y^2."""

    name = "tanh"
    backward_reads = ("output",)  # what the backward uses; the rest is freed early
    supports_out = True

    def forward(self, x, out=None):
        return np.tanh(x, out=_buffer(x, out))

    def derivative(self, x, y, out=None):
        out = np.multiply(y, y, out=_buffer(y, out))
        return np.subtract(1.0, out, out=out)


class ReLU(Activation):
    """Rectified linear unit max(x, 0); derivative 1 for x > 0, else 0 (0 at the kink)."""

    name = "relu"
    backward_reads = ("inputs",)
    kinks = (0.0,)
    supports_out = True

    def forward(self, x, out=None):
        return np.maximum(x, 0, out=out)

    def derivative(self, x, y, out=None):
        # np.greater gives bools; cast into the input's dtype (float32 stays float32)
        if out is None:
            return (x > 0).astype(x.dtype)
        np.greater(x, 0, out=out)
        return out


@attrs.frozen
class LeakyReLU(Activation):
    """Leaky ReLU: x for x > 0, slope * x otherwise; the slope is an attribute (default 0.01)."""

    name = "leaky_relu"
    backward_reads = ("inputs",)
    kinks = (0.0,)
    supports_out = True

    slope: float = attrs.field(default=0.01, converter=float)

    @slope.validator
    def _check_slope(self, attribute, value):
        if not np.isfinite(value):
            raise ValueError(f"leaky_relu's slope must be finite, got {value!r}")

    def forward(self, x, out=None):
        y = np.where(x > 0, x, x * x.dtype.type(self.slope))
        if out is None:
            return y
        np.copyto(out, y)
        return out

    def derivative(self, x, y, out=None):
        one, slope = x.dtype.type(1), x.dtype.type(self.slope)
        if out is None:
            return np.where(x > 0, one, slope)
        np.copyto(out, np.where(x > 0, one, slope))
        return out


class Softplus(Activation):
    """Softplus log(1 + e^x) = max(x, 0) + log1p(e^-|x|); derivative the sigmoid of x."""

    name = "softplus"
    backward_reads = ("inputs",)
    supports_out = True

    def forward(self, x, out=None):
        y = _stable.softplus(x)
        if out is None:
            return y
        np.copyto(out, y)
        return out

    def derivative(self, x, y, out=None):
        s = _stable.sigmoid(x)
        if out is None:
            return s
        np.copyto(out, s)
        return out


class Arctan(Activation):
    """Arctangent, ranging over (-pi/2, pi/2); derivative 1 / (1 + x^2)."""

    name = "arctan"
    backward_reads = ("inputs",)
    supports_out = True

    def forward(self, x, out=None):
        return np.arctan(x, out=_buffer(x, out))

    def derivative(self, x, y, out=None):
        out = np.multiply(x, x, out=_buffer(x, out))
        np.add(1.0, out, out=out)
        return np.divide(1.0, out, out=out)


class Softmax(Operator):
    """Softmax over the last axis, exp(x - max) / sum exp(x - max): a general operator."""

    name = "softmax"
    backward_reads = ("output",)
    arity = 1
    supports_out = True

    def forward(self, x, out=None):
        if x.ndim == 0:  # numpy would take axis -1 of a 0-d array as no axis at all
            raise ValueError("softmax normalises the last axis; a 0-d input has none")
        out = np.subtract(x, x.max(axis=-1, keepdims=True), out=out)
        _stable.exp(out, out=out)
        out /= out.sum(axis=-1, keepdims=True)
        return out

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        # dJ/dx = y * (top_diff - <top_diff, y>) row by row: the softmax Jacobian
        # diag(y) - y y^T applied to top_diff, without building it
        buf = out[0] if out is not None and out[0] is not None else None
        inner = np.sum(top_diff * output, axis=-1, keepdims=True)
        buf = np.subtract(top_diff, inner, out=buf)
        return (np.multiply(buf, output, out=buf),)


@hookimpl
def register_gates(register):
    for gate_type in (Tanh, ReLU, LeakyReLU, Softplus, Arctan, Softmax):
        register(gate_type)
