"""What goes into a step: fed values as numeric arrays, and learning rates,
checked with errors that name the input or the parameter at fault."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from core.errors import GraphError
from core.rules import rate_problem

if TYPE_CHECKING:
    from core.graph.graph import Graph


class FeedError(GraphError, TypeError):
    """A fed value that is not numbers: strings, objects, a ragged nesting."""


#: dtype kinds a feed may hold: booleans, integers and floats
NUMERIC = "biuf"


def feed_array(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    """The fed ``value`` for input ``name`` as an array of ``dtype``, or a FeedError."""
    try:
        raw = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise FeedError(f"input {name!r} was fed a value that is not a rectangular "
                        f"array of numbers: {exc}") from None
    if raw.dtype.kind not in NUMERIC:
        sample = raw.flat[0] if raw.size else None
        sample = sample.item() if isinstance(sample, np.generic) else sample
        raise FeedError(f"input {name!r} was fed values of dtype {raw.dtype} "
                        f"({'e.g. ' + repr(sample) if raw.size else 'empty'}); "
                        f"inputs take numbers (bool, int or float)")
    if raw.size == 0:
        raise FeedError(f"input {name!r} was fed an empty array (shape {raw.shape}); a batch "
                        f"needs at least one row, and every axis at least one element")
    return np.asarray(raw, dtype=dtype)


def check_feed(graph: Graph, feed: Mapping[str, Any]) -> None:
    """Raise FeedError if the feed is no mapping, or a value fed for one of ``graph``'s
    inputs is not numbers or is empty."""
    if type(feed) is not dict and not isinstance(feed, Mapping):
        raise FeedError(f"a feed is a mapping of input names to arrays, such as "
                        f"{{{', '.join(f'{n!r}: ...' for n in graph.inputs)}}}, not "
                        f"{type(feed).__name__}")
    for name, value in feed.items():
        if type(value) is np.ndarray and value.dtype.kind in NUMERIC and value.size:
            continue  # the common case, checked without converting anything
        node = graph.nodes.get(name)
        if node is not None and node.op == "input":
            feed_array(name, value, graph.dtype)


def check_rates(rate: Any, rates: Mapping[str, Any] | None = None,
                params: Iterable[str] | None = None) -> None:
    """Refuse a learning rate that is not a finite number >= 0, naming which one, and (given
    the ``params``) a rate for a name that is no parameter."""
    problem = rate_problem(rate)
    if problem:
        raise GraphError(f"rate: {problem}")
    if rates is not None and not isinstance(rates, Mapping):
        raise GraphError(f"rates= is a mapping of parameter names to rates, such as "
                         f"{{'W1': 0.1}}, not {type(rates).__name__}")
    if params is not None and rates:
        unknown = sorted(set(rates) - set(params))
        if unknown:
            raise GraphError(f"rates given for {unknown}, which are not parameters; the "
                             f"parameters are: {', '.join(params)}")
    for name, r in (rates or {}).items():
        problem = rate_problem(r)
        if problem:
            raise GraphError(f"rate for parameter {name!r}: {problem}")
