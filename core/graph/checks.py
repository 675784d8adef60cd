"""What ``Graph.input`` and ``Graph.param`` take: shapes, values and scales, each refused
with a GraphError naming the node before anything is added (a parameter's shape also
against the size limit of ``core.limits``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import GraphError
from core.graph.params import NUMERIC
from core.limits import over


def param_shape(name: str, shape: Any, dtype: np.dtype) -> tuple[int, ...]:
    """``shape`` as a tuple of whole numbers >= 1 within the size limit, or a GraphError
    naming the parameter."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise GraphError(f"parameter {name!r}: a shape is a sequence of whole numbers such "
                         f"as (2, 3), not {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise GraphError(f"parameter {name!r}: shape {dims!r}: dimensions are whole "
                             f"numbers >= 1, not {d!r}")
    dims = tuple(int(d) for d in dims)
    problem = over("bytes", int(np.prod(dims, dtype=object)) * dtype.itemsize)
    if problem:
        raise GraphError(f"parameter {name!r}: shape {dims} of {dtype} would take {problem}")
    return dims


def input_shape(name: str, shape: Any) -> tuple[int | None, ...] | None:
    """An input's declared shape: None (any), or dimensions that are None or -1 (the batch,
    any size) or whole numbers >= 1."""
    if shape is None:
        return None
    try:
        dims = tuple(shape)
    except TypeError:
        raise GraphError(f"input {name!r}: a shape is a sequence such as (None, 2), not "
                         f"{shape!r}") from None
    for d in dims:
        if d is None or (not isinstance(d, bool) and isinstance(d, (int, np.integer)) and
                         (d == -1 or d >= 1)):
            continue
        raise GraphError(f"input {name!r}: shape {dims!r}: dimensions are None (any size) or "
                         f"whole numbers >= 1, not {d!r}")
    return tuple(None if d is None else int(d) for d in dims)


def param_value(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    """A copy of ``value`` in ``dtype``, or a GraphError saying why it is no parameter."""
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in NUMERIC:
            raise ValueError(f"its values are {raw.dtype}, not numbers")
        return np.array(raw, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise GraphError(f"parameter {name!r}: the value is not a rectangular array of "
                         f"numbers: {exc}") from None


def finite_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) \
        and bool(np.isfinite(x))
