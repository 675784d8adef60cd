"""The reference path: a step gate by gate, every value and bottom_diff checked.

Forward walks the plan's order; backward starts at every cost with top_diff = 1
and walks the gates in reverse. Each gate turns the top_diff it receives into
one bottom_diff per input by its kind's rule (``core.gate.backward``):

    bottom_diff = top_diff x local_diff

and a node read by several gates gets the sum of what they pass back (its
fan-out sum; docs/design.md, "Glossary"). This path defines what a step
computes: the planned path is checked against it when it compiles a step, and
``explain`` watches it through the ``trace`` hook. Every gate's output, local
diff and bottom_diffs are checked by ``core.gate.diffs`` on every step; the
first time a plan runs a gate, its arguments are also compared with copies
taken before the call, so a gate that changes its inputs is named.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from core.engine.feeds import feed_array
from core.engine.plan import Plan
from core.errors import GateContractError, GraphError, ShapeError, suggest
from core.gate.backward import RULES, bottom_diffs
from core.gate.diffs import (
    DiffProblem,
    changed,
    check_bottom_diff,
    check_count,
    check_local_diff,
    check_output,
    snapshot,
)

if TYPE_CHECKING:
    from core.graph.graph import Graph
    from core.graph.node import Node

#: ``trace(node, top_diff, local_diff, bottom_diffs)``, called for each gate on the way back
Trace = Callable[["Node", np.ndarray, Any, Sequence[Any]], None]


def fed_values(graph: Graph, plan: Plan, feed: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The parameters and the fed inputs the plan needs, checked against their declarations."""
    for name in feed:
        node = graph.nodes.get(name)
        if node is None or node.op != "input":
            what = "a parameter" if node is not None and node.op == "param" else \
                "a gate" if node is not None else f"not a node{suggest(name, graph.inputs)}"
            raise GraphError(f"fed a value for {name!r}, which is {what}; "
                             f"the graph's inputs are: {', '.join(graph.inputs)}")
    values: dict[str, np.ndarray] = {}
    for node in plan.order:
        if node.op == "param":
            values[node.name] = graph.params[node.name]
        elif node.op == "input":
            if node.name not in feed:
                readers = [repr(n) for n, other in graph.nodes.items() if node.name in other.inputs]
                raise GraphError(f"no value was fed for input {node.name!r}, which "
                                 f"{', '.join(readers) or 'the output'} needs")
            value = feed_array(node.name, feed[node.name], graph.dtype)
            if node.shape is not None and not _fits(value.shape, node.shape):
                raise ShapeError(f"input {node.name!r} was declared with shape "
                                 f"{node.shape} but fed shape {value.shape}")
            values[node.name] = value
    return values


def run_forward(graph: Graph, plan: Plan, feed: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Every value the plan needs, gate by gate in topological order."""
    values = fed_values(graph, plan, feed)
    dtype, watch = graph.dtype, "forward" not in plan.watched
    for node in plan.order:
        if node.op != "gate":
            continue
        xs = [values[i] for i in node.inputs]
        before = snapshot(xs) if watch else None
        try:
            y = node.gate.forward(*xs)
        except (ValueError, IndexError) as exc:
            raise _shape_error(graph, node, xs, exc) from exc
        if before is None and type(y) is np.ndarray and (y.dtype is dtype or y.dtype == dtype) \
                and (y.shape == xs[0].shape or node.kind == "operator"):
            values[node.name] = y  # the common case, which check_output passes
            continue
        try:
            _unchanged(before, xs, node, "forward")
            values[node.name] = check_output(node.kind, y, xs, dtype)
        except DiffProblem as exc:
            raise GateContractError(f"gate {node.label} from {node.spec.source} {exc}") from None
    plan.watched.add("forward")  # every gate's forward left its inputs as they were
    return values


def _unchanged(before: list[Any] | None, args: Sequence[Any], node: Node, method: str) -> None:
    k = None if before is None else changed(before, args)
    if k is not None:
        what = f"input {k} ({node.inputs[k]!r})" if k < len(node.inputs) else \
            ("its output", "top_diff")[k - len(node.inputs)]
        raise DiffProblem(f"changed {what} in place in {method}; a gate must not modify "
                          f"the arrays it is handed (the executor shares them with other "
                          f"gates)")


def run_backward(plan: Plan, values: Mapping[str, np.ndarray],
                 trace: Trace | None = None) -> dict[str, np.ndarray]:
    """dJ/dnode for every node in ``plan.wrt``, J being the sum of the plan's costs."""
    grads: dict[str, np.ndarray] = {}
    owned: set[str] = set()  # sums the executor allocated and may add into
    for c in plan.costs:
        grads[c] = np.ones_like(values[c])  # dJ/dJ = 1
    watch = "backward" not in plan.watched
    for node, needs, kind in plan.backward:
        top_diff = grads.get(node.name)
        if top_diff is None:  # nothing downstream reaches a cost
            continue
        xs, y = [values[i] for i in node.inputs], values[node.name]
        before = snapshot([*xs, y, top_diff]) if watch else None
        local, diffs = bottom_diffs(node.gate, kind, top_diff, xs, y, needs)
        if trace is not None:
            trace(node, top_diff, local, diffs or ())
        try:
            if before is not None:
                _unchanged(before, [*xs, y, top_diff], node, RULES[kind].method)
            if local is not None and not (type(local) is np.ndarray and
                                          local.shape == xs[0].shape and
                                          local.dtype is xs[0].dtype):
                check_local_diff(RULES[kind].method, local, xs[0])
            if diffs is None or len(diffs) != len(xs):
                diffs = check_count(diffs, xs)  # raises: the count is wrong
            for i, name in enumerate(node.inputs):
                if needs[i]:
                    _accumulate(grads, owned, name, _checked(diffs[i], xs, y, i, name))
        except DiffProblem as exc:
            raise GateContractError(f"gate {node.label} from {node.spec.source} {exc}") from None
    plan.watched.add("backward")
    return _distinct({w: grads[w] if w in grads else np.zeros_like(values[w])
                      for w in plan.wrt})


def _distinct(grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The gradients with no two sharing memory: the caller may change one freely.

    A distributor hands top_diff on as it is (add's two bottom_diffs are one
    array), and a node's gradient may be a gate's own array: a gradient whose
    memory another one already uses is copied. Arrays are told apart by the
    array that owns their memory, so this costs one dictionary lookup each.
    """
    seen: set[int] = set()
    for name, grad in grads.items():
        root = _owner(grad)
        if id(root) in seen:
            grads[name] = grad = np.array(grad, copy=True)
            root = grad
        seen.add(id(root))
    return grads


def _owner(a: np.ndarray) -> object:
    """The object that owns an array's memory (the array itself, or its innermost base)."""
    owner: object = a
    while isinstance(getattr(owner, "base", None), np.ndarray):
        owner = owner.base  # type: ignore[attr-defined]
    return owner


def _checked(diff: Any, xs: Sequence[np.ndarray], y: np.ndarray, index: int,
             name: str) -> np.ndarray:
    """A bottom_diff with its input's shape and dtype as it is, else through the checker."""
    x = xs[index]
    if type(diff) is np.ndarray and diff.shape == x.shape and diff.dtype is x.dtype:
        return diff  # (a dtype equal but not the same object goes through the checker)
    return check_bottom_diff(diff, x, index, name, dtype=True,
                             forward=(*(v.shape for v in xs), y.shape))


def _accumulate(grads: dict[str, np.ndarray], owned: set[str], name: str,
                diff: np.ndarray) -> None:
    """Add one bottom_diff into dJ/dname: the fan-out sum, in an array the executor owns."""
    if name not in grads:
        grads[name] = diff  # may be a gate's own array: never add into it
    elif name in owned:
        np.add(grads[name], diff, out=grads[name])
    else:  # a new array, 0-d included (np.add with out= needs an array, not a scalar)
        grads[name] = np.asarray(np.add(grads[name], diff))
        owned.add(name)


def loss_of(plan: Plan, values: Mapping[str, np.ndarray]) -> float:
    """J: the sum of the plan's costs."""
    return sum(float(np.sum(values[c])) for c in plan.costs)


def _shape_error(graph: Graph, node: Node, xs: list[np.ndarray], exc: Exception) -> ShapeError:
    parts = ", ".join(f"{i!r} ({graph.nodes[i].what}) with shape {x.shape}"
                      for i, x in zip(node.inputs, xs))
    return ShapeError(f"gate {node.label} cannot combine its inputs: {parts}: {exc}")


def _fits(shape: tuple[int, ...], declared: tuple[Any, ...]) -> bool:
    return len(shape) == len(declared) and all(d in (None, -1) or d == s
                                               for s, d in zip(shape, declared))
