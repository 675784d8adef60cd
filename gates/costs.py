"""The seed's cost calculator: mean squared error."""
import numpy as np

from core import Cost


def same_shape(gate, prediction, target):
    """Refuse a target that would broadcast against the prediction."""
    if prediction.shape != target.shape:
        raise ValueError(f"{gate} needs the prediction and the target to have the same "
                         f"shape, got {prediction.shape} and {target.shape}")


class MSE(Cost):
    """Mean squared error J = 1/n sum (yhat - y)^2 over all n elements (J = 0 for none)."""

    name = "mse"
    supports_out = True

    def forward(self, prediction, target):
        same_shape(self.name, prediction, target)
        diff = prediction - target
        # an empty batch has no elements to average: J = 0 and an empty gradient,
        # as the packs' costs give (n is taken as at least 1)
        return np.vdot(diff, diff) / max(diff.size, 1)

    def gradient(self, prediction, target, out=None):
        # dJ/dyhat = 2 (yhat - y) / n. (Seed 000 prints 0.48 for yhat = 0.5,
        # y = 0.8, n = 1; the calculus gives 2 (0.5 - 0.8) = -0.6.)
        if out is None:
            out = np.empty_like(prediction, dtype=np.result_type(prediction, target))
        np.subtract(prediction, target, out=out)
        return np.multiply(out, 2.0 / max(prediction.size, 1), out=out)
