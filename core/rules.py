"""The naming and rate rules that graphs, executors and network files share."""
from __future__ import annotations

import math
import re
from numbers import Real
from typing import Any

#: node names are identifier-like, so they read the same in TOML, DOT and Python
#: (``\Z``, not ``$``: a ``$`` would let a name end in a newline)
NODE_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")
NODE_NAME_RULE = "use letters, digits and _, not starting with a digit (like a Python identifier)"


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a node (in a graph or a network file), or None."""
    if not isinstance(name, str) or not name:
        return f"node names must be non-empty strings, got {name!r}"
    if not NODE_NAME.match(name):
        return f"{name!r} is not a valid node name: {NODE_NAME_RULE}"
    return None


def rate_problem(rate: Any) -> str | None:
    """Why ``rate`` cannot be a learning rate (a finite number >= 0), or None."""
    if not isinstance(rate, Real) or isinstance(rate, bool):
        return f"a learning rate must be a number, not {rate!r}"
    if not math.isfinite(rate) or rate < 0:
        return f"a learning rate must be a finite number >= 0, not {rate!r}"
    return None
