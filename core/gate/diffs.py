"""What a gate's results must be, checked in one place; broadcasting undone on the way back.

A gate returns one bottom_diff per input. Each must be an array of its input's
dtype, shaped like the input or like a broadcast of it that the forward made: a
bias of shape (1, 3) added over a batch of 4 receives a (4, 3) bottom_diff, and
its gradient is that diff summed over the batch (seed 001). Every axis summed
away must be one that the forward's inputs or output had, with that size
(``broadcast_made``), so a bottom_diff with an axis nobody made -- a (4, 4, 3)
diff for a (4, 3) input, four times the gradient once summed -- is refused, not
summed. Besides: a gate's output has the graph's dtype (an activation's also its
input's shape; a cost's J is a floating scalar), an activation's derivative and a
cost's gradient are shaped like their input, and no gate method changes an array
it was handed (``snapshot``, ``changed``).

``check_output``, ``check_local_diff``, ``check_count`` and ``check_bottom_diff``
raise a ``DiffProblem`` saying what is wrong; each caller (the reference path,
the planned tracer, the contract suite) adds which node, gate type and plugin
returned it. Messages are built only when a check fails: the cheap checks run on
every reference step, the copies of ``snapshot`` only on a node's first run.
"""
from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1024)
def broadcast_made(grad_shape: tuple[int, ...], shape: tuple[int, ...],
                   forward: tuple[tuple[int, ...], ...]) -> bool:
    """True when ``grad_shape`` sums back to ``shape`` over axes the forward had.

    ``forward`` holds the shapes of the gate's inputs and output. Every summed
    axis, counted from the right, must have its size in one of them: the
    broadcast the forward made, not one the gate's backward invented.
    """
    if not reducible(grad_shape, shape) or len(grad_shape) > max(map(len, forward), default=0):
        return False
    right = len(grad_shape)
    return all(any(len(f) >= right - k and f[k - right] == grad_shape[k] for f in forward)
               for k in reduced_axes(grad_shape, shape))


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
                      dtype: bool = False,
                      forward: Sequence[tuple[int, ...]] | None = None) -> np.ndarray:
    """bottom_diff ``index`` as an array shaped like its input ``x`` (broadcasting undone).

    ``name`` is the input node's name, for the message; ``dtype`` also
    requires the input's dtype; ``forward``, the shapes of the gate's inputs
    and output, limits the broadcasting undone to what the forward made
    (``broadcast_made``; without it, any broadcast of ``x``).
    """
    if diff is None:
        raise DiffProblem(f"returned no bottom_diff for input {index}{_named(name)}, which "
                          f"needs one")
    diff = np.asarray(diff)
    if dtype and diff.dtype != x.dtype:
        raise DiffProblem(f"returned a {diff.dtype} bottom_diff for input {index}"
                          f"{_named(name)}, which is {x.dtype}")
    if diff.shape != x.shape:
        made = reducible(diff.shape, x.shape) if forward is None else \
            broadcast_made(diff.shape, x.shape, tuple(map(tuple, forward)))
        if not made:
            seen = "" if forward is None else \
                f" (the forward's shapes: {', '.join(map(str, forward))})"
            raise DiffProblem(f"returned a bottom_diff of shape {diff.shape} for input "
                              f"{index}{_named(name)} of shape {x.shape}{seen}")
        diff = unbroadcast(diff, x.shape)
    return diff


def check_output(kind: str, y: Any, inputs: Sequence[Any], dtype: np.dtype) -> np.ndarray:
    """The output of a gate of ``kind``, as an array, if it keeps the contract.

    Every output has the graph's ``dtype`` (a cost's J: any floating scalar); an
    activation's output is also shaped like its input.
    """
    y = np.asarray(y)
    if kind == "cost":
        if y.ndim != 0 or y.dtype.kind != "f":
            raise DiffProblem(f"returned {_described(y)} from forward for inputs shaped "
                              f"{_shapes(inputs)}; a cost returns J, a floating-point scalar")
    elif y.dtype != dtype or (kind == "activation" and y.shape != np.shape(inputs[0])):
        shaped = "its input's shape and " if kind == "activation" else ""
        raise DiffProblem(f"returned {_described(y)} from forward for inputs shaped "
                          f"{_shapes(inputs)}; its output must have {shaped}the graph's dtype "
                          f"{dtype}")
    return y


def check_local_diff(method: str, local: Any, x: np.ndarray) -> None:
    """An activation's derivative or a cost's gradient: shaped like ``x``, of its dtype."""
    if type(local) is np.ndarray and local.shape == x.shape and local.dtype == x.dtype:
        return
    local = np.asarray(local)
    if local.shape != x.shape or local.dtype != x.dtype:
        raise DiffProblem(f"returned {_described(local)} from {method} for input 0 shaped "
                          f"{x.shape}, {x.dtype}; it must have its input's shape and dtype "
                          f"(top_diff x local_diff is taken elementwise)")


def snapshot(arrays: Sequence[Any]) -> list[Any]:
    """Copies of the arrays a gate method is about to be handed (None stays None)."""
    return [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in arrays]


def changed(before: Sequence[Any], arrays: Sequence[Any]) -> int | None:
    """The index of the first array that differs from its ``snapshot``, or None."""
    for k, (old, now) in enumerate(zip(before, arrays)):
        if old is not None and not np.array_equal(old, now, equal_nan=True):
            return k
    return None


def _described(a: np.ndarray) -> str:
    return f"an array of {a.dtype} shaped {a.shape}"


def _shapes(xs: Sequence[Any]) -> str:
    return ", ".join(str(np.shape(x)) for x in xs)


def _named(name: str) -> str:
    return f" ({name!r})" if name else ""
