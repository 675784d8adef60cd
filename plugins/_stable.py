"""Helpers the packs share: exponentials that neither overflow nor underflow.

Underflow to zero is the right answer far in a tail, but numpy reports it
under ``np.errstate(all="raise")``; ``exp`` returns that zero without
computing it, so the packs raise no overflow, invalid-value or divide-by-zero
warning for |x| up to 1e3 and beyond. A later division of a value just above
the floor (a softmax divided by the batch size) may still underflow gradually,
which numpy ignores by default: the result is the right tiny number or zero.
"""
import numpy as np


def exp(v, out=None):
    """exp(v), with 0 where the result would underflow below the dtype's smallest normal."""
    v = np.asarray(v)
    floor = np.log(np.finfo(v.dtype).tiny)
    if out is None:
        out = np.zeros_like(v)
        return np.exp(v, out=out, where=v > floor)
    keep = v > floor  # computed before out is written: out may be v itself
    np.exp(v, out=out, where=keep)
    out[~keep] = 0
    return out


def softplus(x):
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|)."""
    return np.maximum(x, 0) + np.log1p(exp(-np.abs(x)))


def sigmoid(x):
    """1 / (1 + e^-x), through e^-|x| so that nothing overflows."""
    e = exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z):
    """Softmax over the last axis, shifted by the row maximum."""
    e = exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
