"""Swish and hinge: a gate plugin written as a third party writes one.

Only the public plugin API is used: ``core.Activation``, ``core.Cost`` and
``core.hookimpl``. The ``gates`` entry point in pyproject.toml names this
module.
"""
import numpy as np

from core import Activation, Cost, hookimpl


def _sigmoid(x):
    # exp(-softplus(-x)): finite for every x
    return np.exp(-np.logaddexp(x.dtype.type(0), -x))


class Swish(Activation):
    """Swish x * sigmoid(x) (Ramachandran et al., 2017); derivative s + x s (1 - s)."""

    name = "swish"

    def forward(self, x, out=None):
        return x * _sigmoid(x)

    def derivative(self, x, y, out=None):
        s = _sigmoid(x)
        return y + s * (1 - y)


class Hinge(Cost):
    """Hinge loss mean(max(0, 1 - t p)) for targets t in {-1, +1}."""

    name = "hinge"

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        # targets are signs; keep the margins t p away from the kink at 1
        t = rng.choice([-1.0, 1.0], shape)
        p = scale * rng.standard_normal(shape)
        near = np.abs(1 - t * p) < 0.05
        p = np.where(near, p + 0.2 * t, p)
        return p.astype(dtype), t.astype(dtype)

    def forward(self, prediction, target):
        if prediction.shape != target.shape:
            raise ValueError(f"hinge needs a target shaped like the prediction "
                             f"{prediction.shape}, got {target.shape}")
        margin = 1 - target * prediction
        return np.sum(np.maximum(margin, 0)) / prediction.dtype.type(max(prediction.size, 1))

    def gradient(self, prediction, target, out=None):
        active = (target * prediction < 1).astype(prediction.dtype)
        return -target * active / prediction.dtype.type(max(prediction.size, 1))


@hookimpl
def register_gates(register):
    register(Swish)
    register(Hinge)
