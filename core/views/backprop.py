"""The backprop trace: one step of a network, told as the seed tells it.

``explain(graph, feed)`` runs one forward and one backward pass and records,
for every gate in backward order, the top_diff it received, its local gradient
and the bottom_diff it passed to each input -- bottom_diff = top_diff x
local_diff. ``Explanation.text()`` (``core.views.equations``) writes that as the
chain-rule equations of seed 000 (B1, B2, ...: ``dJ/da2 = dJ/dz3 . dz3/da2W2 .
da2W2/da2``) with the shape of every factor, as seed 001 tabulates them, and the values when small.

It is built on the executor's ``trace`` hook and knows no gate math: the
numbers are the ones the gates themselves computed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from core.gate.diffs import reducible, unbroadcast
from core.graph.graph import Graph
from core.graph.node import Node
from core.views.equations import render
from core.views.values import SMALL, shape_text, value_text  # noqa: F401 (re-exported)


@attrs.define
class Passed:
    """One bottom_diff: what a gate passed back to one of its inputs."""

    index: int  # the seed's equation number, B<index>
    input: str
    raw: np.ndarray  # as the gate returned it (may be batch-shaped)
    diff: np.ndarray  # summed back to the input's shape
    position: int = 0  # which of the gate's inputs: mul(a, a) passes to a twice


@attrs.define
class GateStep:
    """One gate on the way back."""

    node: Node
    top_diff: np.ndarray
    local_diff: np.ndarray | None  # activations and costs; operators give a VJP
    passed: list[Passed]


@attrs.define
class Explanation:
    """A recorded forward and backward step of a graph."""

    graph: Graph
    loss: float
    values: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    steps: list[GateStep]

    def edge_diffs(self) -> dict[tuple[str, str], np.ndarray]:
        """{(gate, input): the bottom_diff that gate passed to that input}."""
        return {(s.node.name, p.input): p.diff for s in self.steps for p in s.passed}

    def readers(self) -> dict[str, list[str]]:
        """For each node, the gates that passed it a bottom_diff."""
        out: dict[str, list[str]] = {}
        for s in self.steps:
            for p in s.passed:
                out.setdefault(p.input, []).append(s.node.name)
        return out

    def text(self, *, small: int = SMALL, precision: int = 4, values: bool = True,
             batch: int | None = None) -> str:
        """The step as the seed's chain-rule equations (see ``core.views.equations``);
        ``values=False``: shapes only; ``batch``: a dummy batch's size, written n."""
        return render(self, small=small, precision=precision, show_values=values,
                      batch=batch)


def default_wrt(graph: Graph) -> list[str]:
    """Every parameter, and every input read other than as a cost's target."""
    targets: set[str] = set()
    read: set[str] = set()
    for node in graph.nodes.values():
        if node.op != "gate":
            continue
        for k, i in enumerate(node.inputs):
            (targets if node.spec.kind == "cost" and k == 1 else read).add(i)
    inputs = [n for n in graph.inputs if n in read and n not in targets]
    return list(graph.params) + inputs


def explain(graph: Graph, feed: Mapping[str, Any], wrt: Iterable[str] | None = None
            ) -> Explanation:
    """Run one step of ``graph`` on ``feed`` and record every gate's backward pass.

    Only what the costs need must be fed: an input that feeds no cost may be
    left out (its gates then have no value in the record).
    """
    costs = graph.costs
    needed = set(graph.order(costs)) if costs else set()
    wrt = [w for w in default_wrt(graph) if w in needed] if wrt is None else list(wrt)
    executor = graph.executor()
    plan = executor.plan(costs, wrt)  # raises a clear error for a graph with no cost
    values: dict[str, np.ndarray] = {}
    steps: list[GateStep] = []
    counter = [0]

    def record(node: Node, top_diff, local_diffs, bottom_diffs) -> None:
        passed = []
        for k, (i, diff) in enumerate(zip(node.inputs, bottom_diffs or ())):
            if diff is None:
                continue
            raw = np.array(diff, copy=True)
            shape = values[i].shape
            summed = unbroadcast(raw, shape) if raw.shape != shape and \
                reducible(raw.shape, shape) else raw
            counter[0] += 1
            passed.append(Passed(counter[0], i, raw, np.array(summed, copy=True), k))
        local = None if local_diffs is None else np.array(local_diffs, copy=True)
        steps.append(GateStep(node, np.array(top_diff, copy=True), local, passed))

    with graph.lock:  # the forward values and the backward from them, as one step
        values.update((k, np.array(v, copy=True)) for k, v in executor.forward(feed).items())
        run = executor.run_forward(plan, feed)
        grads = executor.run_backward(plan, run, record)
    loss = sum(float(np.sum(run[c])) for c in plan.costs)
    return Explanation(graph, loss, values, dict(grads), steps)
