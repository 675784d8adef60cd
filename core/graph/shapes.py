"""Shape inference: every node's shape, found by a forward pass on a dummy batch.

When every input declares its shape, a forward pass on a batch of 0.5s gives
every node's shape; two such passes with different batch sizes (5 and 7 rows)
show which dimension follows the batch, written ``n``. A network file's shapes
are checked by the same pass (``shape_error``, a batch of 7: a prime, unlikely
to equal a layer's width and hide a mismatch), and a picture of a network
labels its edges with them before any data is seen.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import GatesError, GraphError
from core.graph.graph import Graph

#: the batch sizes of the two passes; the second is the one a network file is checked with
BATCHES = (5, 7)
CHECK_BATCH = BATCHES[1]


def dummy_feed(graph: Graph, batch: int) -> dict[str, np.ndarray] | None:
    """A feed of 0.5s with ``batch`` rows where the batch goes; None if a shape is unknown."""
    inputs = [graph.nodes[n] for n in graph.inputs]
    if not inputs or any(node.shape is None for node in inputs):
        return None
    return {node.name: np.full(tuple(batch if d in (None, -1) else d for d in node.shape or ()),
                               0.5, dtype=graph.dtype) for node in inputs}


def free_batch(graph: Graph, least: int = CHECK_BATCH) -> int:
    """A batch size of at least ``least`` that no declared shape uses, so that in shapes
    computed from a dummy batch of that size, a dimension of that size is the batch."""
    sizes = {d for node in graph.nodes.values() for d in (node.shape or ())}
    sizes |= {d for value in graph.params.values() for d in np.shape(value)}
    batch = least
    while batch in sizes:
        batch += 1
    return batch


def _forward(graph: Graph, feed: dict[str, np.ndarray], outputs: list[str] | None = None
             ) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):
        return graph.forward(feed, outputs)


def static_shapes(graph: Graph) -> dict[str, tuple[int | str, ...]]:
    """{node: shape} with ``"n"`` for the batch dimension; {} when it cannot be known."""
    runs: list[dict[str, Any]] = []
    for batch in BATCHES:
        feed = dummy_feed(graph, batch)
        if feed is None:
            return {}
        try:
            runs.append(_forward(graph, feed))
        except (GatesError, ValueError, TypeError, IndexError):
            return {}
    first, second = runs
    shapes = {}
    for name, value in first.items():
        other = second.get(name)
        if other is None or np.ndim(value) != np.ndim(other):
            continue
        shapes[name] = tuple("n" if a != b else a for a, b in
                             zip(np.shape(value), np.shape(other)))
    return shapes


def shape_error(graph: Graph) -> tuple[str, GraphError] | None:
    """(the first gate at fault, its error) when the dummy batch does not go through, or None.

    Checked only when every input declares a shape.
    """
    feed = dummy_feed(graph, CHECK_BATCH)
    if feed is None:
        return None
    try:
        _forward(graph, feed)
        return None
    except GraphError:
        pass
    for name in graph.order():  # the first gate at fault, in topological order
        if graph.nodes[name].op != "gate":
            continue
        try:
            _forward(graph, feed, [name])
        except GraphError as exc:
            return name, exc
    return None
