"""What one kind of step needs: the gates in order, which gradients anybody needs.

A ``Plan`` is made once per graph version, outputs, ``wrt`` and ``of`` (the
engine's per-graph state keeps it) and read by both paths: the reference path
walks it gate by gate, the planned path's tracer compiles it.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from core.errors import GraphError
from core.gate.backward import RULES
from core.gate.kinds import Kind

if TYPE_CHECKING:
    from core.graph.graph import Graph
    from core.graph.node import Node


@attrs.define
class Plan:
    """What one kind of step needs: gate order, gradient needs, the costs."""

    order: list[Node]  # every node needed, in topological order
    costs: list[str]  # the nodes whose sum J is differentiated
    wrt: tuple[str, ...]
    needs_grad: set[str]  # nodes whose gradient somebody needs
    #: gates to visit on the way back: (gate node, which inputs need a gradient, its kind)
    backward: list[tuple[Node, tuple[bool, ...], Kind]]
    #: the methods ("forward", "backward") whose every call the reference path has watched
    #: for changes to their arguments, in one whole run of this plan (the copies cost)
    watched: set[str] = attrs.field(factory=set, eq=False)


def names_of(what: str, names: Iterable[str] | None) -> tuple[str, ...] | None:
    """``names`` (``wrt=``, ``of=``, ``outputs=``) as a tuple of node names, or a GraphError
    for a single string (which would be read letter by letter) or a name that is no string."""
    if names is None:
        return None
    if isinstance(names, str):
        raise GraphError(f"{what}= is a list of node names, such as [{names!r}], not the "
                         f"string {names!r}")
    try:
        found = tuple(names)
    except TypeError:
        raise GraphError(f"{what}= is a list of node names, not {type(names).__name__} "
                         f"{names!r}") from None
    for name in found:
        if not isinstance(name, str):
            raise GraphError(f"{what}= names nodes by name (strings), not "
                             f"{type(name).__name__} {name!r}")
    return found


def compile_plan(graph: Graph, outputs: Iterable[str] | None, wrt: Iterable[str] | None,
                 of: Iterable[str] | None = None) -> Plan:
    """``of``: the nodes whose sum J is differentiated; default, every cost gate."""
    costs = graph.costs if of is None else [graph[n].name for n in of]
    twice = sorted({c for c in costs if costs.count(c) > 1})
    if twice:  # J would count it twice, while its gradient is dJ/dJ = 1 once
        raise GraphError(f"of= names {', '.join(map(repr, twice))} more than once; J is the "
                         f"sum of the nodes named, each once")
    targets = list(outputs) if outputs is not None else list(graph.nodes)
    if wrt is not None:
        targets = targets + costs
    order = [graph.nodes[n] for n in graph.order(targets)]
    if wrt is None:
        return Plan(order, [c for c in costs if c in targets], (), set(), [])
    if not costs:
        raise GraphError("the graph has no cost gate to differentiate; add one "
                         "(e.g. 'mse') reading the prediction and the target, or "
                         "(for value_and_grad) name the node to differentiate with of=[...]")
    wrt = tuple(wrt)
    for w in wrt:
        graph[w]  # unknown names raise with a suggestion
    needs_grad = set(wrt)
    for node in order:
        if node.op == "gate" and any(i in needs_grad for i in node.inputs):
            needs_grad.add(node.name)
    back = []
    for node in reversed(order):
        if node.op != "gate" or node.name not in needs_grad:
            continue
        needs = tuple(i in needs_grad for i in node.inputs)
        rule = RULES[node.kind]
        for i, need in enumerate(needs):
            if need and not rule.gets_gradient(i):
                raise GraphError(f"{rule.kind} gate {node.label} gives no gradient for its "
                                 f"input {i} {node.inputs[i]!r}, but a parameter or wrt node "
                                 f"feeds it")
        back.append((node, needs, rule.kind))
    return Plan(order, costs, wrt, needs_grad, back)
