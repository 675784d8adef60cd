"""What a bottom_diff must be, checked in one place; broadcasting undone on the way back.

A gate returns one bottom_diff per input. Each must be an array shaped like
its input, or like a broadcast of it: a bias of shape (1, 3) added over a batch
of 4 receives a (4, 3) bottom_diff, and its gradient is that diff summed over
the batch (seed 001). ``check_count`` and ``check_bottom_diff`` raise a
``DiffProblem`` saying what is wrong; each caller (the reference path, the
planned tracer, the contract suite) adds who returned it. The message is built
only when a check fails: the checks run on every reference step.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class DiffProblem(Exception):
    """A bottom_diff the contract does not allow; the message names the input, not the gate."""


def reducible(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """True when a value of ``shape`` broadcasts to ``grad_shape``."""
    extra = len(grad_shape) - len(shape)
    if extra < 0:
        return False
    return all(s == g or s == 1 for s, g in zip(shape, grad_shape[extra:]))


def reduced_axes(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of a ``grad_shape`` gradient that sum it back to ``shape`` (keepdims)."""
    extra = len(grad_shape) - len(shape)
    return tuple(range(extra)) + tuple(extra + k for k, s in enumerate(shape)
                                       if s == 1 and grad_shape[extra + k] != 1)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` back to ``shape``; the caller has checked ``reducible``."""
    if grad.shape == shape:
        return grad
    axes = reduced_axes(grad.shape, shape)
    summed = np.add.reduce(grad, axis=axes, keepdims=True) if axes else grad
    return np.asarray(summed).reshape(shape)


def check_count(diffs: Sequence[Any] | None, inputs: Sequence[Any]) -> Sequence[Any]:
    """The gate's bottom_diffs, if there is one per input."""
    if diffs is None or len(diffs) != len(inputs):
        got = "nothing" if diffs is None else len(diffs)
        raise DiffProblem(f"returned {got} bottom_diffs from its local gradient; it has "
                          f"{len(inputs)} inputs")
    return diffs


def check_bottom_diff(diff: Any, x: np.ndarray, index: int, name: str = "",
                      dtype: bool = False) -> np.ndarray:
    """bottom_diff ``index`` as an array shaped like its input ``x`` (broadcasting undone).

    ``name`` is the input node's name, for the message; ``dtype`` also
    requires the input's dtype.
    """
    if diff is None:
        raise DiffProblem(f"returned no bottom_diff for input {index}{_named(name)}, which "
                          f"needs one")
    diff = np.asarray(diff)
    if dtype and diff.dtype != x.dtype:
        raise DiffProblem(f"returned a {diff.dtype} bottom_diff for input {index}"
                          f"{_named(name)}, which is {x.dtype}")
    if diff.shape != x.shape:
        if not reducible(diff.shape, x.shape):
            raise DiffProblem(f"returned a bottom_diff of shape {diff.shape} for input "
                              f"{index}{_named(name)} of shape {x.shape}")
        diff = unbroadcast(diff, x.shape)
    return diff


def _named(name: str) -> str:
    return f" ({name!r})" if name else ""
