"""Writing TOML values: keys, strings, numbers, arrays and inline tables.

Only what network files need, written to the TOML 1.0 grammar: a basic string
escapes the backslash, the quote and every control character (U+0000-U+001F
and U+007F) and keeps all other text, non-ASCII included, as UTF-8; floats keep
every bit (``repr``), with ``inf`` and ``nan`` spelled as TOML spells them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
          '"': '\\"', "\\": "\\\\"}
_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def string(s: str) -> str:
    """A TOML basic string."""
    return '"' + _ESCAPE.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04X}"),
                             s) + '"'


def key(k: str) -> str:
    """A bare key when the TOML grammar allows one, else a quoted key."""
    return k if _BARE.match(k) else string(k)


def value(v: Any) -> str:
    """A TOML value; a TypeError for anything else."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{key(str(k))} = {value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} {v!r}")
