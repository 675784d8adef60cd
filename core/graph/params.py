"""A graph's parameter arrays: the graph owns them, and new values are copied into them.

``Params`` is the mapping behind ``Graph.params``: reading is a plain dict
lookup (the compiled step's guard reads it on every step), and every way of
writing -- ``params[name] = value``, ``update``, ``Graph.set_params`` -- checks
the names, shapes and dtypes first and then copies into the arrays the graph
already holds, so that a compiled step, which was compiled for those arrays,
stays valid. A new parameter is added with ``Graph.param``; a parameter is
never removed.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from core.errors import GraphError, suggest

#: dtype kinds a parameter value may have: booleans, integers and floats
NUMERIC = "biuf"


class Params(dict[str, np.ndarray]):
    """{parameter name: the array the graph owns}; writing copies into the owned arrays.

    A write holds the graph's lock, so no step of another thread sees it half made.
    """

    def __init__(self, lock: Any = None) -> None:
        super().__init__()
        self._lock = threading.RLock() if lock is None else lock

    def __setitem__(self, name: str, value: Any) -> None:
        self.assign({name: value})

    def update(self, *args: Any, **kw: Any) -> None:
        self.assign(dict(*args, **kw))

    def __ior__(self, other: Any) -> Params:  # type: ignore[override,misc]
        self.assign(dict(other))
        return self

    def setdefault(self, name: str, value: Any = None) -> np.ndarray:
        if name not in self:
            raise self._unknown(name)
        return self[name]

    def __delitem__(self, name: str) -> None:
        raise GraphError(f"parameter {name!r} cannot be removed from a graph; build the "
                         f"graph again without it")

    def pop(self, name: str, *default: Any) -> np.ndarray:
        raise GraphError(f"parameter {name!r} cannot be removed from a graph; build the "
                         f"graph again without it")

    def popitem(self) -> tuple[str, np.ndarray]:
        raise GraphError("parameters cannot be removed from a graph")

    def clear(self) -> None:
        raise GraphError("parameters cannot be removed from a graph")

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))  # a copy elsewhere is a plain dict of arrays

    def adopt(self, name: str, array: np.ndarray) -> None:
        """Hold ``array`` as the new parameter ``name`` (``Graph.param`` made it)."""
        dict.__setitem__(self, name, array)

    def assign(self, values: Mapping[str, Any]) -> None:
        """Copy ``values`` into the owned arrays, after checking every one of them."""
        if not isinstance(values, Mapping):
            raise GraphError(f"parameters are set from a mapping of names to arrays, such as "
                             f"{{'W1': array}}, not {type(values).__name__}")
        checked = [(name, self._checked(name, value)) for name, value in values.items()]
        with self._lock:
            for name, array in checked:
                np.copyto(dict.__getitem__(self, name), array, casting="unsafe")

    def _checked(self, name: str, value: Any) -> np.ndarray:
        if name not in self:
            raise self._unknown(name)
        owned = dict.__getitem__(self, name)
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as exc:
            raise GraphError(f"parameter {name!r}: the new value is not a rectangular array "
                             f"of numbers: {exc}") from None
        if array.dtype.kind not in NUMERIC:
            raise GraphError(f"parameter {name!r}: the new value is {array.dtype}, not "
                             f"numbers; parameters are {owned.dtype}")
        if array.shape != owned.shape:
            raise GraphError(f"parameter {name!r} has shape {owned.shape}; the new value has "
                             f"shape {array.shape}")
        return array

    def _unknown(self, name: str) -> GraphError:
        return GraphError(f"no parameter named {name!r}{suggest(name, self, 'the parameters are')}"
                          f"; add a parameter with Graph.param(...)")


