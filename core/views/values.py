"""Arrays as text, for the trace and the pictures: shapes as 4x3, small arrays in full."""
from __future__ import annotations

import numpy as np

SMALL = 12  # arrays with at most this many elements are shown in full


def shape_text(shape: tuple[int | str, ...]) -> str:
    """(4, 3) -> '4x3'; ("n", 3) -> 'nx3'; () -> 'scalar'."""
    return "x".join(map(str, shape)) if shape else "scalar"


def value_text(a: np.ndarray, small: int = SMALL, precision: int = 4) -> str:
    """A small array in full, a large one summarised."""
    a = np.asarray(a)
    if a.size <= small:
        if a.ndim == 0:
            return f"{float(a):.{precision}g}"
        return np.array2string(a, precision=precision, suppress_small=False,
                               max_line_width=72, separator=" ",
                               formatter={"float_kind": lambda v: f"{v:.{precision}g}"})
    return (f"{shape_text(a.shape)}: mean {a.mean():.{precision}g}, min {a.min():.{precision}g}, "
            f"max {a.max():.{precision}g}")
