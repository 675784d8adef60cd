"""Undoing numpy broadcasting on the way back, in one place for every gate.

A bias of shape (1, 3) added over a batch of 4 receives a (4, 3) bottom_diff;
its gradient is that diff summed over the batch (seed 001). The executor calls
``unbroadcast`` on every bottom_diff, so no gate has to think about it.
"""
from __future__ import annotations

import numpy as np


def reducible(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """True when a value of ``shape`` broadcasts to ``grad_shape``."""
    extra = len(grad_shape) - len(shape)
    if extra < 0:
        return False
    return all(s == g or s == 1 for s, g in zip(shape, grad_shape[extra:]))


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` back to ``shape``; the caller has checked ``reducible``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, (s, g) in enumerate(zip(shape, grad.shape)) if s == 1 and g != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad
