"""Matrix product: the seed's mul gate on matrices (seed 001's transposes)."""
import numpy as np

from core import Operator


class MatMul(Operator):
    """Matrix product a @ b; backward, dJ/da = top_diff @ b.T and dJ/db = a.T @ top_diff."""

    name = "matmul"
    arity = 2
    supports_out = True
    backward_reads = ("inputs",)

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        # for the contract suite: a shaped as asked, b with a's last axis first
        a = scale * rng.standard_normal(shape)
        b = scale * rng.standard_normal((shape[-1], 2))
        return a.astype(dtype), b.astype(dtype)

    def forward(self, a, b, out=None):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul needs arrays of at least one dimension, got shapes "
                             f"{a.shape} and {b.shape}")
        return np.matmul(a, b, out=out)

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        out_a, out_b = out if out is not None else (None, None)
        if a.ndim == 2 and b.ndim == 2:  # the common case, seed 001's equations
            return (np.matmul(top_diff, b.T, out=out_a) if needs[0] else None,
                    np.matmul(a.T, top_diff, out=out_b) if needs[1] else None)
        if a.ndim == 1 and b.ndim == 1:  # a dot product: the switcher again
            return (top_diff * b if needs[0] else None,
                    top_diff * a if needs[1] else None)
        # treat vectors as a row (a) or a column (b), as numpy's matmul does
        a2 = a[np.newaxis, :] if a.ndim == 1 else a
        b2 = b[:, np.newaxis] if b.ndim == 1 else b
        t = top_diff
        if a.ndim == 1:
            t = np.expand_dims(t, -2)
        if b.ndim == 1:
            t = np.expand_dims(t, -1)
        da = db = None
        if needs[0]:
            da = t @ np.swapaxes(b2, -1, -2)
            if a.ndim == 1:
                da = da[..., 0, :]
        if needs[1]:
            db = np.swapaxes(a2, -1, -2) @ t
            if b.ndim == 1:
                db = db[..., 0]
        return da, db
