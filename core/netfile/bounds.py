"""A network file's bounds, checked before anything is parsed deeply or allocated.

``nesting`` finds where ``[`` and ``{`` nest deeper than the limit (outside strings
and comments) before the TOML parser recurses into them; ``sizes`` adds up the
bytes the declared shapes ask for -- each parameter, the parameters together,
and each input for the shape check's dummy batch -- before any initialiser or
dummy batch allocates them. Both limits live in ``core.limits``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from core.graph.shapes import CHECK_BATCH
from core.limits import LIMITS, limit, over
from core.netfile.spec import NetworkFileError

#: the pieces of TOML text that matter for nesting: strings and comments (skipped whole)
#: and brackets
_TOKENS = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                     r"'[^'\n]*'|#[^\n]*|[\[\]{}]", re.S)


def nesting(text: str, source: str) -> None:
    """Refuse text whose brackets nest deeper than the limit, at the line and column."""
    most = limit("nesting")
    if text.count("[") + text.count("{") <= most:
        return  # it cannot nest deeper than it has brackets
    depth = 0
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > most:
                line = text.count("\n", 0, m.start()) + 1
                column = m.start() - text.rfind("\n", 0, m.start())
                raise too_deep(source, line, column, most)
        elif token in "]}":
            depth = max(0, depth - 1)


def too_deep(source: str, line: int | None, column: int | None, most: int) -> NetworkFileError:
    at = f"column {column}: " if column else ""
    return NetworkFileError(f"{at}arrays and tables nest more than {most} levels deep; a "
                            f"network file needs a few ({LIMITS['nesting'].env} sets the "
                            f"limit)", source=source, line=line)


def sizes(params: Mapping[str, Mapping[str, Any]], inputs: Mapping[str, Any], dtype: str,
          err: Callable[..., NetworkFileError]) -> None:
    """Refuse shapes asking for more array data than the limit, naming the key."""
    itemsize = np.dtype(dtype).itemsize
    total = 0
    for name, p in params.items():
        shape = p.get("shape")
        if shape is None:
            continue
        asked = _count(shape) * itemsize
        total += asked
        problem = over("bytes", asked) or over("bytes", total)
        if problem:
            whose = "this parameter" if over("bytes", asked) else "the parameters so far"
            raise err(f"shape {list(shape)} of {dtype}: {whose} would take {problem}",
                      "params", name, "shape")
    for name, shape in inputs.items():
        if shape is None:
            continue
        asked = _count(CHECK_BATCH if d is None else d for d in shape) * itemsize
        problem = over("bytes", asked)
        if problem:
            shown = ["batch" if d is None else d for d in shape]
            raise err(f"shape {shown} of {dtype}: a batch of {CHECK_BATCH} rows (the shape "
                      f"check's) would take {problem}", "inputs", name, "shape")


def _count(dims) -> int:
    n = 1
    for d in dims:
        n *= int(d)
    return n
