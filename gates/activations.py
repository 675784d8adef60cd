"""The seed's layers: sigmoid (numerically stable) and identity."""
import numpy as np

from core import Activation

#: exp overflows past these; sigmoid there is below the smallest normal number
_EXP_LIMIT = {np.dtype(np.float64): 709.0, np.dtype(np.float32): 88.0}


class Sigmoid(Activation):
    """Logistic sigmoid 1 / (1 + exp(-x)), stable for large |x|; derivative y (1 - y)."""

    name = "sigmoid"
    supports_out = True
    backward_reads = ("output",)

    def forward(self, x, out=None):
        # 1 / (1 + e^-x) keeps its relative accuracy in both tails; capping -x
        # where e^-x would overflow keeps it finite and warning-free.
        out = np.negative(x, out=np.empty_like(x) if out is None else out)
        np.minimum(out, _EXP_LIMIT.get(out.dtype, 80.0), out=out)
        np.exp(out, out=out)
        np.add(out, 1.0, out=out)
        return np.divide(1.0, out, out=out)

    def derivative(self, x, y, out=None):
        out = np.subtract(1.0, y, out=np.empty_like(y) if out is None else out)
        return np.multiply(out, y, out=out)


class Identity(Activation):
    """Identity y = x (the seed's output layer); derivative 1."""

    name = "identity"
    supports_out = True
    backward_reads = ()

    def forward(self, x, out=None):
        if out is None:
            return x.copy()
        out[...] = x
        return out

    def derivative(self, x, y, out=None):
        if out is not None:
            out.fill(1.0)
            return out
        if x is None:  # handed nothing (backward_reads = ()): top_diff x 1 keeps its shape
            return 1.0
        return np.ones_like(x)
