"""The memory plan: logical buffers onto as few arrays as their lifetimes allow.

Every logical buffer is live from the first op that touches it to the last
(``Buffer.first`` .. ``Buffer.last``, both included; the tracer extends them
through every value that may share the buffer's memory). Two logical buffers
of the same size and dtype may share one array when one's life ends strictly
before the other's begins -- linear-scan allocation, as register allocators and
static-runtime memory planners (PyTorch's static runtime, XLA's buffer
assignment) do it. ``verify`` re-checks the result independently.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

import attrs
import numpy as np

from core.engine.planned.trace import Buffer


@attrs.define
class MemoryPlan:
    """Which array each logical buffer lives in."""

    views: dict[int, np.ndarray]  # logical buffer id -> its view
    arrays: list[np.ndarray]  # the arrays actually allocated

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays)


def assign(buffers: Sequence[Buffer]) -> MemoryPlan:
    """Linear scan: reuse a free array of the same size and dtype, else allocate one."""
    free: dict[tuple[int, str], list] = defaultdict(list)  # key -> heap of (last, n, array)
    views: dict[int, np.ndarray] = {}
    shaped: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}  # one view per array and shape
    arrays: list[np.ndarray] = []
    for buf in sorted(buffers, key=lambda b: (b.first, b.id)):
        if buf.first < 0:  # never touched by the program: it needs no memory
            continue
        size = int(np.prod(buf.shape, dtype=np.int64))
        heap = free[(size, buf.dtype.str)]
        if heap and heap[0][0] < buf.first:  # the array freed earliest is free now
            _, n, array = heapq.heappop(heap)
        else:
            n, array = len(arrays), np.empty(size, buf.dtype)
            arrays.append(array)
        heapq.heappush(heap, (buf.last, n, array))
        view = shaped.get((n, buf.shape))
        if view is None:
            view = shaped[(n, buf.shape)] = array.reshape(buf.shape)
        views[buf.id] = view
    return MemoryPlan(views, arrays)


def overlapping(a: Buffer, b: Buffer) -> bool:
    """True when the two lifetimes share an op."""
    return a.first >= 0 and b.first >= 0 and a.first <= b.last and b.first <= a.last


def verify(buffers: Sequence[Buffer], plan: MemoryPlan) -> None:
    """Raise when two buffers alive at the same time share memory.

    Buffers are grouped by the memory their views actually occupy (not by what
    ``assign`` intended), and within a group no two lifetimes may overlap.
    """
    groups: dict[tuple[int, int], list[Buffer]] = defaultdict(list)
    for b in buffers:
        if b.first >= 0:
            view = plan.views[b.id]
            start = view.__array_interface__["data"][0]
            groups[(start, start + view.nbytes)].append(b)
    spans = sorted(groups)
    for (lo, hi), (lo2, _) in zip(spans, spans[1:]):
        if lo2 < hi and hi > lo:
            raise AssertionError(f"memory plan error: arrays at {lo}..{hi} and {lo2} overlap "
                                 f"partially")
    for group in groups.values():
        group.sort(key=lambda b: b.first)
        for a, b in zip(group, group[1:]):
            if overlapping(a, b):
                raise AssertionError(
                    f"memory plan error: buffers {a.name} (ops {a.first}..{a.last}) and "
                    f"{b.name} (ops {b.first}..{b.last}) are alive together but share memory")
