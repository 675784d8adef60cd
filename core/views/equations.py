"""The backprop trace written down: seed 000's chain-rule equations, seed 001's shapes.

``render(explanation)`` writes one recorded step as text: the forward pass in
topological order, a table of every value's shape and its gradient's shape
(seed 001's tables), then every gate from the cost back to the inputs with
its top_diff, its local gradient and each bottom_diff it passes on, numbered
B1, B2, ... like seed 000's equations and written as chains of factors
(``dJ/dW2 = dJ/dz3 . dz3/da2W2 . da2W2/dW2``). Shapes are always shown,
values when an array is small.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.views.values import SMALL, shape_text, value_text

if TYPE_CHECKING:
    from core.views.backprop import Explanation, GateStep, Passed


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line for line in text.splitlines())


def _through(node, p, form: str = "{gate}, input {k}") -> str:
    """The gate a part of a sum came through, with the input position if it reads twice."""
    if node.inputs.count(p.input) == 1:
        return node.name
    return form.format(gate=node.name, k=p.position)


def _chains(ex: Explanation) -> tuple[str, dict[str, list[str]]]:
    """The symbol of the total cost, and for each node the factors of dJ/dnode."""
    costs = [s.node.name for s in ex.steps if s.node.spec.kind == "cost"]
    total = costs[0] if len(costs) == 1 else "J"
    readers = ex.readers()
    # one cost is J itself (seed 000's B1 is dJ/dz3); several add up to J
    chain: dict[str, list[str]] = {c: [] if len(costs) == 1 else [f"d{total}/d{c}"]
                                   for c in costs}
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
           show_values: bool = True, batch: int | None = None) -> str:
    """The recorded step as text: forward, shapes, backward gate by gate, the update.

    Without values nothing computed is shown, not even J. ``batch``: the size of a dummy
    batch the step ran on (no data), written ``n`` in every shape.
    """
    w = _Writer(ex, small, precision, show_values, batch)
    w.forward()
    w.shapes()
    w.backward()
    w.update()
    return "\n".join(w.out) + "\n"


class _Writer:
    """Writes one Explanation section by section into ``out``."""

    def __init__(self, ex: Explanation, small: int, precision: int, show_values: bool,
                 batch: int | None = None) -> None:
        self.ex, self.values, self.show_values = ex, ex.values, show_values
        self.small, self.precision, self.batch = small, precision, batch
        self.total, self.chain = _chains(ex)
        self.readers = ex.readers()
        self.width = max(len(n) for n in ex.graph.order())
        g, values = ex.graph, ex.values
        rows = next((values[n].shape[0] for n in g.inputs if n in values and values[n].ndim),
                    None)
        on = "" if rows is None else f" on a batch of {'n' if batch else rows}"
        result = f": {self.total} = {ex.loss:.{precision + 2}g}" if show_values else \
            " (shapes only" + (", no data)" if batch else ")")
        self.out = [f"One step of backprop{on}{result}", ""]

    def shape(self, shape: tuple[int, ...]) -> str:
        """'4x3'; on a dummy batch, 'nx3'."""
        if self.batch is None:
            return shape_text(shape)
        return shape_text(tuple("n" if d == self.batch else d for d in shape))

    def value(self, a: np.ndarray) -> None:
        """An array's values, indented under its line, when values are shown."""
        if self.show_values:
            self.out.append(_indent(value_text(a, self.small, self.precision), " " * 8))

    def forward(self) -> None:
        g, values = self.ex.graph, self.values
        self.out.append("Forward, in topological order (values in the picture's grey):")
        f = 0
        for n in g.order():
            node = g.nodes[n]
            if node.op != "gate" or n not in values:
                continue
            f += 1
            args = ", ".join(f"{i} {self.shape(values[i].shape)}" for i in node.inputs)
            self.out.append(f"  F{f:<3d}{n:<{self.width}} = {node.spec.name}({args}) -> "
                            f"{self.shape(values[n].shape)}")
        self.out.append("")

    def shapes(self) -> None:
        ex, values = self.ex, self.values
        self.out.append("Shapes (seed 001's tables): every value and its gradient dJ/dnode")
        rows = [["node", "made by", "value", f"d{self.total}/dnode"]]
        for n in (n for n in ex.graph.nodes if n in values):
            grad = ex.grads.get(n)
            if grad is None and len(self.readers.get(n, [])) == 1:
                grad = next((p.diff for s in ex.steps for p in s.passed if p.input == n), None)
            rows.append([n, ex.graph.nodes[n].what, self.shape(values[n].shape),
                         self.shape(grad.shape) if grad is not None else "-"])
        widths = [max(len(r[k]) for r in rows) for k in range(4)]
        for r in rows:
            self.out.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        self.out.append("")

    def backward(self) -> None:
        self.out.append("Backward, every gate from the cost back to the inputs "
                        "(gradients in the picture's green):")
        self.out.append("  bottom_diff = top_diff x local_diff; a node read by several gates "
                        "sums what they pass back")
        parts: dict[str, list[tuple[str, int]]] = {}  # node: (reader label, B number)
        for s in self.ex.steps:
            for p in s.passed:
                parts.setdefault(p.input, []).append((_through(s.node, p, "{gate} (input {k})"),
                                                      p.index))
        last = {ps[-1][1]: n for n, ps in parts.items() if len(ps) > 1}  # the sum's place
        for s in self.ex.steps:
            self.gate(s)
            for p in s.passed:
                self.part(s, p)
            for n in (last[p.index] for p in s.passed if p.index in last):
                self.fanout_sum(n, parts[n])  # every part is in: the sum, before any use

    def gate(self, s: GateStep) -> None:
        """A gate's header, its top_diff and its local_diff."""
        node, spec, total = s.node, s.node.spec, self.total
        self.out.append("")
        self.out.append(f"  {node.name} = {spec.name}({', '.join(node.inputs)})    "
                        f"{spec.kind} '{spec.name}', plugin '{spec.plugin}' ({spec.origin})")
        doc = node.gate.describe()
        if doc:
            self.out.append(f"      {doc}")
        top_name = (f"d{total}/d{node.name}" if spec.kind != "cost"
                    else f"d{node.name}/d{node.name}")
        self.out.append(f"    top_diff    = {top_name:<24} {self.shape(s.top_diff.shape)}")
        self.value(s.top_diff)
        if s.local_diff is not None:
            x = node.inputs[0]
            what = (f"d{node.name}/d{x}" if spec.kind == "cost"
                    else f"d{node.name}/d{x} = {spec.name}'({x})")
            self.out.append(f"    local_diff  = {what:<24} {self.shape(s.local_diff.shape)}")
            self.value(s.local_diff)
        else:  # an operator applies its local gradient to top_diff itself (a VJP)
            what = ", ".join(f"d{node.name}/d{p.input}" for p in s.passed) or "-"
            self.out.append(f"    local_diff  = {what:<24} by the gate's rule above, applied "
                            f"to top_diff")

    def part(self, s: GateStep, p: Passed) -> None:
        """One bottom_diff, as the chain of factors it multiplies out (B1, B2, ...)."""
        node, total = s.node, self.total
        lhs = f"d{total}/d{p.input}"
        if len(self.readers.get(p.input, [])) > 1:
            lhs = f"{lhs} (the part through {_through(node, p)})"
        factors = self.chain.get(node.name, [f"d{total}/d{node.name}"]) + \
            [f"d{node.name}/d{p.input}"]
        how = ("top_diff x local_diff, elementwise" if s.local_diff is not None
               else "top_diff x local_diff, from the gate's local gradient")
        shape = self.shape(p.diff.shape)
        if p.raw.shape != p.diff.shape:
            shape = (f"{self.shape(p.raw.shape)} summed over the batch to "
                     f"{self.shape(p.diff.shape)}")
        self.out.append(f"    B{p.index:<3d}{lhs} = {' . '.join(factors)}")
        self.out.append(f"          = {how}    {shape}")
        self.value(p.diff)

    def fanout_sum(self, n: str, parts: list[tuple[str, int]]) -> None:
        """dJ/dn for a node read by several gates: the sum of their parts."""
        total_diff = sum(p.diff for t in self.ex.steps for p in t.passed if p.input == n)
        self.out.append("")
        self.out.append(f"  d{self.total}/d{n} = sum of the bottom_diffs from "
                        f"{', '.join(r for r, _ in parts)} "
                        f"({' + '.join(f'B{b}' for _, b in parts)})    "
                        f"{self.shape(self.values[n].shape)}")
        self.value(np.asarray(total_diff))

    def update(self) -> None:
        ex, total = self.ex, self.total
        self.out.append("")
        params = [n for n in ex.graph.params if n in ex.grads]
        if not params:
            return
        self.out.append(f"The update, W_i <- W_i - lambda_i d{total}/dW_i (seed 000, Eq. 1), "
                        "for every parameter:")
        for n in params:
            self.out.append(f"  d{total}/d{n:<{self.width}} {self.shape(ex.grads[n].shape):<8}"
                            f" like {n} {self.shape(self.values[n].shape)}")
