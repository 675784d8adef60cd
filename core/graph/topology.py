"""The order of a graph: its nodes in topological order, and the cycle that prevents one.

Kahn's algorithm, iterative, so a chain of many thousand gates is fine; nodes
are taken in definition order, never set order, so the order is the same from
one run to the next (string hashing is randomised per process).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.errors import CycleError, GraphError, suggest
from core.graph.node import Node


def topological_order(nodes: Mapping[str, Node], targets: Iterable[str] | None = None
                      ) -> list[str]:
    """Nodes needed for ``targets`` (default: every node) in topological order.

    Raises GraphError for an undefined input or an unknown target, CycleError
    for a cycle (naming one loop).
    """
    for node in nodes.values():
        for i in node.inputs:
            if i not in nodes:
                raise GraphError(f"gate {node.label} reads {i!r}, which is not a node "
                                 f"of the graph{suggest(i, nodes)}")
    ancestors = None if targets is None else _ancestors(nodes, targets)
    wanted = [n for n in nodes if ancestors is None or n in ancestors]
    indegree = {n: len(nodes[n].inputs) for n in wanted}
    readers: dict[str, list[str]] = {n: [] for n in wanted}
    for n in wanted:
        for i in nodes[n].inputs:
            readers[i].append(n)
    ready = [n for n in wanted if indegree[n] == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for r in reversed(readers[n]):
            indegree[r] -= 1
            if indegree[r] == 0:
                ready.append(r)
    if len(order) != len(wanted):
        cycle = _cycle(nodes, [n for n in wanted if indegree[n] > 0])
        raise CycleError(f"the graph has a cycle: {' -> '.join(cycle)} "
                         f"(each node feeds the next)", cycle)
    return order


def _cycle(nodes: Mapping[str, Node], stuck: list[str]) -> list[str]:
    """One cycle among the nodes Kahn's sort could not place, as a closed path.

    Every stuck node reads at least one stuck node, so following stuck
    inputs from any of them must come back to a node already visited.
    """
    blocked = set(stuck)
    where: dict[str, int] = {}  # node -> its position on the walk
    walk: list[str] = []
    n = stuck[0]
    while n not in where:
        where[n] = len(walk)
        walk.append(n)
        n = next(i for i in nodes[n].inputs if i in blocked)
    loop = walk[where[n]:][::-1]  # the walk follows inputs; data flows the other way
    rank = {name: k for k, name in enumerate(nodes)}
    first = min(range(len(loop)), key=lambda k: rank[loop[k]])
    loop = loop[first:] + loop[:first]  # start at the node defined first
    return loop + [loop[0]]


def _ancestors(nodes: Mapping[str, Node], targets: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(targets)
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        if n not in nodes:
            raise GraphError(f"no node named {n!r}{suggest(n, nodes)}")
        seen.add(n)
        stack.extend(nodes[n].inputs)
    return seen
