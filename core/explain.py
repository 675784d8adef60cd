"""The backprop trace: one step of a network, told as the seed tells it.

``explain(graph, feed)`` runs one forward and one backward pass and records,
for every gate in backward order, the top_diff it received, its local gradient
and the bottom_diff it passed to each input -- bottom_diff = top_diff x
local_diff. ``Explanation.text()`` writes that as the chain-rule equations of
seed 000 (B1, B2, ...: ``dJ/da2 = dJ/dz3 . dz3/da2W2 . da2W2/da2``) with the
shape of every factor, as seed 001 tabulates them, and the values when small.

It is built on the executor's ``trace`` hook and knows no gate math: the
numbers are the ones the gates themselves computed.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import attrs
import numpy as np

from .broadcast import reducible, unbroadcast
from .graph import Graph, Node

SMALL = 12  # arrays with at most this many elements are shown in full


@attrs.define
class Passed:
    """One bottom_diff: what a gate passed back to one of its inputs."""

    index: int  # the seed's equation number, B<index>
    input: str
    raw: np.ndarray  # as the gate returned it (may be batch-shaped)
    diff: np.ndarray  # summed back to the input's shape


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

    def text(self, *, small: int = SMALL, precision: int = 4, values: bool = True) -> str:
        return render(self, small=small, precision=precision, show_values=values)


def default_wrt(graph: Graph) -> list[str]:
    """Every parameter, and every input read other than as a cost's target."""
    targets, read = set(), set()
    for node in graph.nodes.values():
        if node.op != "gate":
            continue
        for k, i in enumerate(node.inputs):
            (targets if node.spec.kind == "cost" and k == 1 else read).add(i)
    inputs = [n for n in graph.inputs if n in read and n not in targets]
    return list(graph.params) + inputs


def explain(graph: Graph, feed: Mapping[str, Any], wrt: Iterable[str] | None = None
            ) -> Explanation:
    """Run one step of ``graph`` on ``feed`` and record every gate's backward pass."""
    wrt = default_wrt(graph) if wrt is None else list(wrt)
    values = {k: np.array(v, copy=True) for k, v in graph.forward(feed).items()}
    steps: list[GateStep] = []
    counter = [0]

    def record(node: Node, top_diff, local_diffs, bottom_diffs) -> None:
        passed = []
        for i, diff in zip(node.inputs, bottom_diffs or ()):
            if diff is None:
                continue
            raw = np.array(diff, copy=True)
            shape = values[i].shape
            summed = unbroadcast(raw, shape) if raw.shape != shape and \
                reducible(raw.shape, shape) else raw
            counter[0] += 1
            passed.append(Passed(counter[0], i, raw, np.array(summed, copy=True)))
        local = None if local_diffs is None else np.array(local_diffs, copy=True)
        steps.append(GateStep(node, np.array(top_diff, copy=True), local, passed))

    loss, grads = graph.executor().value_and_grad(feed, wrt=wrt, trace=record)
    return Explanation(graph, float(loss), values, dict(grads), steps)


# -- writing it down -------------------------------------------------------------
def shape_text(shape: tuple[int, ...]) -> str:
    """(4, 3) -> '4x3'; () -> 'scalar'."""
    return "x".join(map(str, shape)) if shape else "scalar"


def value_text(a: np.ndarray, small: int = SMALL, precision: int = 4) -> str:
    """A small array in full, a large one summarised."""
    a = np.asarray(a)
    if a.size <= small:
        if a.ndim == 0:
            return f"{float(a):.{precision}g}"
        return np.array2string(a, precision=precision, suppress_small=False,
                               max_line_width=72, separator=" ",
                               formatter={"float_kind": lambda v: f"{v:.{precision}g}"})
    return (f"{shape_text(a.shape)}: mean {a.mean():.{precision}g}, min {a.min():.{precision}g}, "
            f"max {a.max():.{precision}g}")


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line for line in text.splitlines())


def _chains(ex: Explanation) -> tuple[str, dict[str, list[str]]]:
    """The symbol of the total cost, and for each node the factors of dJ/dnode."""
    costs = [s.node.name for s in ex.steps if s.node.spec.kind == "cost"]
    total = costs[0] if len(costs) == 1 else "J"
    readers = ex.readers()
    chain: dict[str, list[str]] = {c: [] for c in costs}
    for s in ex.steps:
        g = s.node.name
        for p in s.passed:
            factors = chain.get(g, [f"d{total}/d{g}"]) + [f"d{g}/d{p.input}"]
            if len(readers.get(p.input, [])) == 1:
                chain[p.input] = factors
            else:
                chain[p.input] = [f"d{total}/d{p.input}"]
    return total, chain


def render(ex: Explanation, *, small: int = SMALL, precision: int = 4,
           show_values: bool = True) -> str:
    g, values = ex.graph, ex.values
    total, chain = _chains(ex)
    readers = ex.readers()
    val = lambda a: value_text(a, small, precision)  # noqa: E731
    batch = next((values[n].shape[0] for n in g.inputs if values[n].ndim), None)
    out = [f"One step of backprop{f' on a batch of {batch}' if batch else ''}: "
           f"{total} = {ex.loss:.{precision + 2}g}", ""]

    out.append("Forward, in topological order (values in the picture's grey):")
    order = g.order()
    width = max(len(n) for n in order)
    f = 0
    for n in order:
        node = g.nodes[n]
        if node.op != "gate":
            continue
        f += 1
        args = ", ".join(f"{i} {shape_text(values[i].shape)}" for i in node.inputs)
        out.append(f"  F{f:<3d}{n:<{width}} = {node.spec.name}({args}) -> "
                   f"{shape_text(values[n].shape)}")
    out.append("")

    out.append("Shapes (seed 001's tables): every value and its gradient dJ/dnode")
    rows = [["node", "made by", "value", f"d{total}/dnode"]]
    for n in (n for n in g.nodes if n in values):
        node = g.nodes[n]
        made = node.spec.name if node.spec else node.op
        grad = ex.grads.get(n)
        if grad is None:
            grad = next((p.diff for s in ex.steps for p in s.passed if p.input == n), None) \
                if len(readers.get(n, [])) == 1 else None
        rows.append([n, made, shape_text(values[n].shape),
                     shape_text(grad.shape) if grad is not None else "-"])
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    for r in rows:
        out.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    out.append("")

    out.append("Backward, every gate from the cost back to the inputs "
               "(gradients in the picture's green):")
    out.append("  bottom_diff = top_diff x local_diff; a node read by several gates "
               "sums what they pass back")
    for s in ex.steps:
        node, spec = s.node, s.node.spec
        out.append("")
        dist = f"{spec.distribution or '(local)'}{' ' + spec.version if spec.version else ''}"
        out.append(f"  {node.name} = {spec.name}({', '.join(node.inputs)})    "
                   f"{spec.kind} '{spec.name}', plugin '{spec.plugin}' ({dist})")
        doc = node.gate.describe()
        if doc:
            out.append(f"      {doc}")
        top_name = f"d{total}/d{node.name}" if spec.kind != "cost" else f"d{node.name}/d{node.name}"
        out.append(f"    top_diff    = {top_name:<24} {shape_text(s.top_diff.shape)}")
        if show_values:
            out.append(_indent(val(s.top_diff), " " * 8))
        if s.local_diff is not None:
            x = node.inputs[0]
            what = (f"d{node.name}/d{x}" if spec.kind == "cost"
                    else f"d{node.name}/d{x} = {spec.name}'({x})")
            out.append(f"    local_diff  = {what:<24} {shape_text(s.local_diff.shape)}")
            if show_values:
                out.append(_indent(val(s.local_diff), " " * 8))
        for p in s.passed:
            lhs = f"d{total}/d{p.input}"
            if len(readers.get(p.input, [])) > 1:
                lhs = f"{lhs} (the part through {node.name})"
            factors = (chain.get(node.name) or [f"d{node.name}/d{node.name}"]) + \
                [f"d{node.name}/d{p.input}"]
            how = ("top_diff x local_diff, elementwise" if s.local_diff is not None
                   else "top_diff x local_diff, from the gate's local gradient")
            shape = shape_text(p.diff.shape)
            if p.raw.shape != p.diff.shape:
                shape = (f"{shape_text(p.raw.shape)} summed over the batch to "
                         f"{shape_text(p.diff.shape)}")
            out.append(f"    B{p.index:<3d}{lhs} = {' . '.join(factors)}")
            out.append(f"          = {how}    {shape}")
            if show_values:
                out.append(_indent(val(p.diff), " " * 8))
    out.append("")
    fan = [n for n, r in readers.items() if len(r) > 1]
    for n in fan:
        out.append(f"  d{total}/d{n} = sum of the bottom_diffs from {', '.join(readers[n])}"
                   f"    {shape_text(values[n].shape)}")
    params = [n for n in g.params if n in ex.grads]
    if params:
        out.append(f"The update, W_i <- W_i - lambda_i d{total}/dW_i (seed 000, Eq. 1), "
                   "for every parameter:")
        for n in params:
            out.append(f"  d{total}/d{n:<{width}} {shape_text(ex.grads[n].shape):<8}"
                       f" like {n} {shape_text(values[n].shape)}")
    return "\n".join(out) + "\n"
