"""The executor: the one way to run a graph, over two paths that compute the same step.

``Executor(graph)`` runs the planned path (``core.engine.planned``: a step
compiled once per input shapes); ``Executor(graph, mode="reference")`` runs
the reference path (``core.engine.reference``: gate by gate), which is also
what a trace (and so ``explain``) watches and what the planned path falls back
to. Plans and compiled steps live in the graph's engine state
(``core.engine.state``), shared by every executor of that graph.

Every call holds the graph's lock (``Graph.lock``, re-entrant) for the whole
step: a compiled step writes into buffers shared by every caller and SGD
updates the parameters in place, so threads sharing a graph take turns, each
seeing and leaving whole steps (docs/design.md, "Threading and pickling").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from core.engine import reference
from core.engine.feeds import check_feed, check_rates
from core.engine.plan import Plan, names_of
from core.engine.planned.program import STALE
from core.engine.reference import Trace
from core.engine.state import state_of
from core.errors import GraphError
from core.rules import rate_for

if TYPE_CHECKING:
    from core.graph.graph import Graph

MODES = ("planned", "reference")


class Executor:
    """Runs a graph: forward values, and gradients of the total cost.

    ``mode="planned"`` (the default) compiles a step once per input shapes into
    a flat program with preallocated buffers; ``"reference"`` walks the graph
    gate by gate every time. Both compute the same values.
    """

    def __init__(self, graph: Graph, mode: str = "planned") -> None:
        if mode not in MODES:
            raise GraphError(f"executor mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.graph = graph
        self.mode = mode
        self._last_sgd: tuple | None = None  # what the last sgd_step's step assumed

    def plan(self, outputs: Iterable[str] | None = None,
             wrt: Iterable[str] | None = None, of: Iterable[str] | None = None) -> Plan:
        """The plan of a step computing ``outputs`` and differentiating ``of`` by ``wrt``."""
        with self.graph.lock:
            return state_of(self.graph).plan(self.graph, outputs, wrt, of)

    # -- forward -------------------------------------------------------------
    def run_forward(self, plan: Plan, feed: Mapping[str, Any]) -> dict[str, np.ndarray]:
        check_feed(self.graph, feed)
        with self.graph.lock:
            return reference.run_forward(self.graph, plan, feed)

    def forward(self, feed: Mapping[str, Any], outputs: Iterable[str] | None = None
                ) -> dict[str, np.ndarray]:
        """Values of ``outputs``' ancestors; by default of every node the feed reaches."""
        check_feed(self.graph, feed)
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
        with self.graph.lock:
            return reference.run_backward(plan, values, trace)

    def value_and_grad(self, feed: Mapping[str, Any], wrt: Iterable[str] | None = None,
                       trace: Trace | None = None, of: Iterable[str] | None = None
                       ) -> tuple[float, dict[str, np.ndarray]]:
        """(J, {name: dJ/dname}) for the parameters, or the nodes named in ``wrt``.

        J is the sum of every cost in the graph, or of the nodes named in ``of``.
        """
        g = self.graph
        wrt, of = names_of("wrt", wrt), names_of("of", of)
        check_feed(g, feed)  # the compiled step converts feeds without asking
        with g.lock:
            if self.mode == "planned" and trace is None:
                return state_of(g).steps.run(g, ("grad", wrt, of), feed,
                                             lambda f: self._reference_grad(f, wrt, None, of),
                                             wrt=wrt, of=of)
            return self._reference_grad(feed, wrt, trace, of)

    def _reference_grad(self, feed: Mapping[str, Any], wrt: tuple[str, ...] | None,
                        trace: Trace | None, of: tuple[str, ...] | None
                        ) -> tuple[float, dict[str, np.ndarray]]:
        plan = self.plan(None, tuple(self.graph.params) if wrt is None else wrt, of)
        values = reference.run_forward(self.graph, plan, feed)
        grads = reference.run_backward(plan, values, trace)
        return reference.loss_of(plan, values), grads

    # -- training ------------------------------------------------------------
    def sgd_step(self, feed: Mapping[str, Any], rate: float = 0.1,
                 rates: Mapping[str, float] | None = None) -> float:
        """One training step: forward, backward and W <- W - rate_W dJ/dW in place.

        Returns the loss before the update. ``rates`` overrides the rate per
        parameter (else the graph's own, else ``rate``; ``core.rules.rate_for``).
        When the loss is not finite, the parameters are left as they were.
        """
        with self.graph.lock:
            if self.mode == "planned":
                loss = self._repeat_sgd(feed, rate, rates)
                if loss is not STALE:
                    return loss
            check_rates(rate, rates, self.graph.params)
            check_feed(self.graph, feed)
            if self.mode == "planned":
                return self._planned_sgd(feed, rate, rates)
            return self._reference_sgd(feed, rate, rates)

    def _repeat_sgd(self, feed: Mapping[str, Any], rate: float,
                    rates: Mapping[str, float] | None) -> Any:
        """The hot path: the last call's compiled step, if it still fits; else STALE."""
        last, g = self._last_sgd, self.graph
        if last is None or last[0] != rate or last[1] != rates or last[3] != g.rates or \
                last[2] is not state_of(g):
            return STALE
        try:
            return last[4](feed)  # (rates that passed check_rates: nan != nan)
        except Exception:
            check_feed(g, feed)  # a feed of strings, or no mapping: say so
            raise

    def _planned_sgd(self, feed: Mapping[str, Any], rate: float,
                     rates: Mapping[str, float] | None) -> float:
        g = self.graph
        per = {n: rate_for(n, rate, rates, g.rates) for n in g.params}
        state = state_of(g)
        loss = state.steps.run(g, ("sgd", tuple(per.items())), feed,
                               lambda f: self._reference_sgd(f, rate, rates), rates=per)
        step = state.steps.last
        if step is not None:  # rates copied: a dict changed in place is seen
            self._last_sgd = (rate, dict(rates) if rates else rates, state, dict(g.rates),
                              step.fn)
        return loss

    def _reference_sgd(self, feed: Mapping[str, Any], rate: float,
                       rates: Mapping[str, float] | None) -> float:
        g = self.graph
        loss, grads = self._reference_grad(feed, None, None, None)
        if not np.isfinite(loss):
            return loss
        for name, grad in grads.items():
            param = g.params[name]
            param -= rate_for(name, rate, rates, g.rates) * grad
        return loss
