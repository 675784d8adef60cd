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

from core.views.values import SMALL, shape_text, value_text

if TYPE_CHECKING:
    from core.views.backprop import Explanation


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
           show_values: bool = True) -> str:
    g, values = ex.graph, ex.values
    total, chain = _chains(ex)
    readers = ex.readers()
    val = lambda a: value_text(a, small, precision)  # noqa: E731
    batch = next((values[n].shape[0] for n in g.inputs if n in values and values[n].ndim),
                 None)
    out = [f"One step of backprop{f' on a batch of {batch}' if batch else ''}: "
           f"{total} = {ex.loss:.{precision + 2}g}", ""]

    out.append("Forward, in topological order (values in the picture's grey):")
    order = g.order()
    width = max(len(n) for n in order)
    f = 0
    for n in order:
        node = g.nodes[n]
        if node.op != "gate" or n not in values:
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
        made = node.what
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
    parts: dict[str, list[tuple[str, int]]] = {}  # node: (reader label, B number)
    for s in ex.steps:
        for p in s.passed:
            label = _through(s.node, p, "{gate} (input {k})")
            parts.setdefault(p.input, []).append((label, p.index))
    last = {ps[-1][1]: n for n, ps in parts.items() if len(ps) > 1}  # the sum's place
    for s in ex.steps:
        node, spec = s.node, s.node.spec
        out.append("")
        out.append(f"  {node.name} = {spec.name}({', '.join(node.inputs)})    "
                   f"{spec.kind} '{spec.name}', plugin '{spec.plugin}' ({spec.origin})")
        doc = node.gate.describe()
        if doc:
            out.append(f"      {doc}")
        top_name = (f"d{total}/d{node.name}" if spec.kind != "cost"
                    else f"d{node.name}/d{node.name}")
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
        else:  # an operator applies its local gradient to top_diff itself (a VJP)
            what = ", ".join(f"d{node.name}/d{p.input}" for p in s.passed) or "-"
            out.append(f"    local_diff  = {what:<24} by the gate's rule above, applied to "
                       f"top_diff")
        for p in s.passed:
            lhs = f"d{total}/d{p.input}"
            if len(readers.get(p.input, [])) > 1:
                lhs = f"{lhs} (the part through {_through(node, p)})"
            factors = chain.get(node.name, [f"d{total}/d{node.name}"]) + \
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
        for n in (last[p.index] for p in s.passed if p.index in last):
            # every part of dJ/dn is in: the sum comes before anything uses it
            total_diff = sum(p.diff for t in ex.steps for p in t.passed if p.input == n)
            out.append("")
            out.append(f"  d{total}/d{n} = sum of the bottom_diffs from "
                       f"{', '.join(r for r, _ in parts[n])} "
                       f"({' + '.join(f'B{b}' for _, b in parts[n])})    "
                       f"{shape_text(values[n].shape)}")
            if show_values:
                out.append(_indent(val(total_diff), " " * 8))
    out.append("")
    params = [n for n in g.params if n in ex.grads]
    if params:
        out.append(f"The update, W_i <- W_i - lambda_i d{total}/dW_i (seed 000, Eq. 1), "
                   "for every parameter:")
        for n in params:
            out.append(f"  d{total}/d{n:<{width}} {shape_text(ex.grads[n].shape):<8}"
                       f" like {n} {shape_text(values[n].shape)}")
    return "\n".join(out) + "\n"
