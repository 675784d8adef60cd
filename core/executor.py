"""The executor: forward in topological order, backward by the chain rule.

Backward starts at every cost with top_diff = 1 and walks the gates in reverse
order. Each gate turns the top_diff it receives into one bottom_diff per input
through its local gradient -- bottom_diff = top_diff x local_diff -- and the
executor sums the bottom_diffs arriving at a node whose output fed several
gates, and sums broadcast gradients back to the input's shape.

The order, and which gradients anybody needs, are compiled once into a Plan per
graph structure, outputs and ``wrt``; repeated steps reuse it.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

import attrs
import numpy as np

from .broadcast import reducible, unbroadcast
from .errors import GateContractError, GraphError, ShapeError, suggest
from .feeds import FeedError, check_feed, check_rates, feed_array  # noqa: F401 (re-exported)
from .graph import Graph, Node

#: ``trace(node, top_diff, local_diffs, bottom_diffs)``, called for each gate on the way back
Trace = Callable[[Node, np.ndarray, Any, Sequence[Any]], None]


@attrs.define
class Plan:
    """What one kind of step needs: gate order, gradient needs, the costs."""

    order: list[Node]  # every node needed, in topological order
    costs: list[str]
    wrt: tuple[str, ...]
    needs_grad: set[str]  # nodes whose gradient somebody needs
    backward: list[tuple[Node, tuple[bool, ...]]]  # gates to visit on the way back


def compile_plan(graph: Graph, outputs: Iterable[str] | None, wrt: Iterable[str] | None,
                 of: Iterable[str] | None = None) -> Plan:
    """``of``: the nodes whose sum J is differentiated; default, every cost gate."""
    costs = graph.costs if of is None else [graph[n].name for n in of]
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
        if node.spec.kind == "cost" and needs[1]:
            raise GraphError(f"cost gate {node.label} gives no gradient for its target "
                             f"{node.inputs[1]!r}, but a parameter or wrt node feeds it")
        back.append((node, needs))
    return Plan(order, costs, wrt, needs_grad, back)


MODES = ("planned", "reference")


class Executor:
    """Runs a graph: forward values, and gradients of the total cost.

    ``mode="planned"`` (the default) compiles a step once per input shapes into
    a flat program with preallocated buffers (``core.plan``); ``"reference"``
    walks the graph gate by gate every time. Both compute the same values; the
    reference path is the one ``trace`` (and so ``explain``) uses.
    """

    def __init__(self, graph: Graph, mode: str = "planned") -> None:
        if mode not in MODES:
            raise GraphError(f"executor mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.graph = graph
        self.mode = mode
        self._last_sgd: tuple | None = None  # what the last sgd_step's step assumed

    def plan(self, outputs: Iterable[str] | None = None,
             wrt: Iterable[str] | None = None, of: Iterable[str] | None = None) -> Plan:
        g = self.graph
        key = (g._version, None if outputs is None else tuple(outputs),
               None if wrt is None else tuple(wrt), None if of is None else tuple(of))
        cache = g.__dict__.setdefault("_plans", {})
        plan = cache.get(key)
        if plan is None:
            if len(cache) > 64 or any(k[0] != g._version for k in cache):
                cache.clear()
            plan = cache[key] = compile_plan(g, outputs, wrt, of)
        return plan

    # -- forward -------------------------------------------------------------
    def _feed(self, plan: Plan, feed: Mapping[str, Any]) -> dict[str, np.ndarray]:
        g = self.graph
        for name in feed:
            node = g.nodes.get(name)
            if node is None or node.op != "input":
                what = "a parameter" if node is not None and node.op == "param" else \
                    "a gate" if node is not None else f"not a node{suggest(name, g.inputs)}"
                raise GraphError(f"fed a value for {name!r}, which is {what}; "
                                 f"the graph's inputs are: {', '.join(g.inputs)}")
        values: dict[str, np.ndarray] = {}
        for node in plan.order:
            if node.op == "param":
                values[node.name] = g.params[node.name]
            elif node.op == "input":
                if node.name not in feed:
                    raise GraphError(f"no value was fed for input {node.name!r}, which "
                                     f"{', '.join(self._readers(node.name)) or 'the output'} "
                                     f"needs")
                value = feed_array(node.name, feed[node.name], g.dtype)
                if node.shape is not None and not _fits(value.shape, node.shape):
                    raise ShapeError(f"input {node.name!r} was declared with shape "
                                     f"{node.shape} but fed shape {value.shape}")
                values[node.name] = value
        return values

    def _readers(self, name: str) -> list[str]:
        return [repr(n) for n, node in self.graph.nodes.items() if name in node.inputs]

    def run_forward(self, plan: Plan, feed: Mapping[str, Any]) -> dict[str, np.ndarray]:
        values = self._feed(plan, feed)
        for node in plan.order:
            if node.op != "gate":
                continue
            xs = [values[i] for i in node.inputs]
            try:
                y = node.gate.forward(*xs)
            except (ValueError, IndexError) as exc:
                raise self._shape_error(node, xs, exc) from exc
            values[node.name] = np.asarray(y)
        return values

    def _shape_error(self, node: Node, xs: list[np.ndarray], exc: Exception) -> ShapeError:
        parts = ", ".join(f"{i!r} ({self.graph.nodes[i].spec.name if self.graph.nodes[i].spec else self.graph.nodes[i].op}) "
                          f"with shape {x.shape}" for i, x in zip(node.inputs, xs))
        return ShapeError(f"gate {node.label} cannot combine its inputs: {parts}: {exc}")

    def forward(self, feed: Mapping[str, Any], outputs: Iterable[str] | None = None
                ) -> dict[str, np.ndarray]:
        """Values of ``outputs``' ancestors; by default of every node the feed reaches."""
        if outputs is None:
            outputs = self.reachable(feed)
        return self.run_forward(self.plan(outputs), feed)

    def reachable(self, feed: Mapping[str, Any]) -> tuple[str, ...]:
        """Nodes computable from the fed inputs and the parameters."""
        ok: set[str] = set()
        for name in self.graph.order():
            node = self.graph.nodes[name]
            if (node.op == "param" or (node.op == "input" and name in feed) or
                    (node.op == "gate" and all(i in ok for i in node.inputs))):
                ok.add(name)
        return tuple(n for n in self.graph.nodes if n in ok)

    # -- backward ------------------------------------------------------------
    def run_backward(self, plan: Plan, values: Mapping[str, np.ndarray],
                     trace: Trace | None = None) -> dict[str, np.ndarray]:
        """dJ/dnode for every node in ``plan.wrt``, J being the sum of the costs."""
        grads: dict[str, np.ndarray] = {}
        owned: set[str] = set()  # diffs the executor allocated and may add into
        for c in plan.costs:
            grads[c] = np.ones_like(values[c])  # dJ/dJ = 1
        for node, needs in plan.backward:
            top_diff = grads.get(node.name)
            if top_diff is None:  # nothing downstream reaches a cost
                continue
            xs = [values[i] for i in node.inputs]
            local_diffs, bottom_diffs = self.bottom_diffs(node, top_diff, xs,
                                                          values[node.name], needs)
            if trace is not None:
                trace(node, top_diff, local_diffs, bottom_diffs)
            if bottom_diffs is None or len(bottom_diffs) != len(node.inputs):
                raise GateContractError(
                    f"gate {node.label} from {node.spec.source} returned "
                    f"{'nothing' if bottom_diffs is None else len(bottom_diffs)} bottom_diffs "
                    f"from its local gradient; it has {len(node.inputs)} inputs")
            for i, (name, need, diff) in enumerate(zip(node.inputs, needs, bottom_diffs)):
                if not need:
                    continue
                diff = self._check(node, i, diff, xs[i])
                if name not in grads:
                    grads[name] = diff  # may be a gate's own array: never add into it
                elif name in owned:
                    np.add(grads[name], diff, out=grads[name])
                else:
                    grads[name] = grads[name] + diff
                    owned.add(name)
        return {w: grads[w] if w in grads else np.zeros_like(values[w]) for w in plan.wrt}

    @staticmethod
    def bottom_diffs(node: Node, top_diff: np.ndarray, xs: list[np.ndarray],
                     y: np.ndarray, needs: tuple[bool, ...]) -> tuple[Any, Sequence[Any]]:
        """(local_diffs, bottom_diffs) of one gate: bottom_diff = top_diff x local_diff."""
        gate, kind = node.gate, node.spec.kind
        if kind == "activation":
            local_diff = gate.derivative(xs[0], y)
            return local_diff, [top_diff * local_diff]
        if kind == "cost":
            local_diff = gate.gradient(xs[0], xs[1])  # dJ/dprediction
            return local_diff, [top_diff * local_diff, None]
        # a general operator gives its vector-Jacobian product directly
        bottom_diffs = gate.local_gradient(top_diff, xs, y, needs)
        return None, bottom_diffs

    def _check(self, node: Node, i: int, diff: Any, x: np.ndarray) -> np.ndarray:
        """A bottom_diff as the contract demands it, summed back to the input's shape."""
        spec = node.spec
        who = f"gate {node.label} from {spec.source}"
        if diff is None:
            raise GateContractError(f"{who} returned no bottom_diff for input {i} "
                                    f"({node.inputs[i]!r}), which needs one")
        diff = np.asarray(diff)
        if diff.shape != x.shape:
            if not reducible(diff.shape, x.shape):
                raise GateContractError(f"{who} returned a bottom_diff of shape {diff.shape} "
                                        f"for input {i} ({node.inputs[i]!r}) of shape {x.shape}")
            diff = unbroadcast(diff, x.shape)
        return diff

    def value_and_grad(self, feed: Mapping[str, Any], wrt: Iterable[str] | None = None,
                       trace: Trace | None = None, of: Iterable[str] | None = None):
        """(J, {name: dJ/dname}) for the parameters, or the nodes named in ``wrt``.

        J is the sum of every cost in the graph, or of the nodes named in ``of``.
        """
        g = self.graph
        if self.mode == "planned" and trace is None:
            from .plan import value_and_grad
            check_feed(g, feed)  # the compiled step converts feeds without asking
            return value_and_grad(g, feed, wrt, of)
        plan = self.plan(None, tuple(g.params) if wrt is None else wrt, of)
        values = self.run_forward(plan, feed)
        grads = self.run_backward(plan, values, trace)
        loss = sum(float(np.sum(values[c])) for c in plan.costs)
        return loss, grads

    def sgd_step(self, feed: Mapping[str, Any], rate: float = 0.1,
                 rates: Mapping[str, float] | None = None) -> float:
        """One training step: forward, backward and W <- W - rate_W dJ/dW in place.

        Returns the loss before the update. ``rates`` overrides the rate per
        parameter (else the graph's own, else ``rate``). When the loss is not
        finite, the parameters are left as they were.
        """
        if self.mode == "planned":
            last, g = self._last_sgd, self.graph  # the hot path: the last call's step
            if last is not None and last[0] == rate and last[1] == rates and \
                    last[2] == g._version and last[3] == g.rates:
                try:
                    loss = last[4](feed)  # (rates that passed check_rates: nan != nan)
                except (TypeError, ValueError):
                    check_feed(g, feed)  # a feed of strings: say which input
                    raise
                if loss is not last[5]:
                    return loss
            check_rates(rate, rates)
            check_feed(g, feed)
            from .plan import cache_of, compiled
            loss = compiled.sgd_step(g, feed, rate, rates)
            step = cache_of(g).last
            if step is not None:  # rates copied: a dict changed in place is seen
                self._last_sgd = (rate, dict(rates) if rates else rates, g._version,
                                  dict(g.rates), step.fn, compiled.STALE)
            return loss
        check_rates(rate, rates)
        g = self.graph
        loss, grads = self.value_and_grad(feed)
        if not np.isfinite(loss):
            return loss
        for name, grad in grads.items():
            param = g.params[name]
            param -= (rates or {}).get(name, g.rates.get(name, rate)) * grad
        return loss


def _fits(shape: tuple[int, ...], declared: tuple[Any, ...]) -> bool:
    return len(shape) == len(declared) and all(d in (None, -1) or d == s
                                               for s, d in zip(shape, declared))
