"""Writing a Graph as a network file: everything needed to build it again.

The text records the name, description, dtype and seed of the graph, its
declared outputs, every input's shape, every parameter's shape and initialiser
(or its value) and rate, every gate's registered name, wiring and attributes
and, for a saved network, the plugin, distribution and version that provided
each gate. The output is deterministic: the same graph gives the same text.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import GraphError
from core.graph.graph import Graph
from core.netfile.spec import BATCH, FORMAT
from core.netfile.tomltext import key, string, value
from core.registry.manager import LOCAL
from core.rules import NODE_NAME_RULE, name_problem


def dumps(graph: Graph, *, name: str | None = None, provenance: bool = False,
          saved: Mapping[str, Any] | None = None, comment: str = "") -> str:
    """The network file text for ``graph``; ``provenance`` records each gate's plugin."""
    graph.order()  # refuses a cycle or an undefined input before writing
    bad = [n for n in graph.nodes if name_problem(n)]
    if bad:
        raise GraphError(f"cannot write a network file: node name(s) "
                         f"{', '.join(map(repr, bad))} are not identifier-like "
                         f"({NODE_NAME_RULE}); rename them")
    lines = [f"# {c}".rstrip() for c in comment.splitlines()]
    name = name or getattr(graph, "name", "") or "network"
    lines += [f"format = {FORMAT}", "", "[network]", f"name = {string(name)}"]
    description = getattr(graph, "description", "")
    if description:
        lines.append(f"description = {string(description)}")
    lines.append(f"dtype = {string(graph.dtype.name)}")
    if isinstance(graph.seed, int):
        lines.append(f"seed = {graph.seed}")
    if graph.outputs:
        lines.append(f"outputs = {value(list(graph.outputs))}")
    order = list(graph.nodes)  # declaration order, as a person wrote it
    lines += ["", "[inputs]"]
    for n in (n for n in order if graph.nodes[n].op == "input"):
        shape = graph.nodes[n].shape
        entry = {} if shape is None else {"shape": [BATCH if d in (None, -1) else d
                                                    for d in shape]}
        lines.append(f"{key(n)} = {value(entry)}")
    lines += ["", "[params]"]
    for n in (n for n in order if graph.nodes[n].op == "param"):
        lines.append(f"{key(n)} = {value(_param(graph, n, keep_value=saved is None))}")
    gates = [n for n in order if graph.nodes[n].op == "gate"]
    for section, names in (("gates", [n for n in gates if graph.nodes[n].spec.kind != "cost"]),
                           ("cost", [n for n in gates if graph.nodes[n].spec.kind == "cost"])):
        if names:
            lines += ["", f"[{section}]"] + [_gate(graph, n, provenance) for n in names]
    if saved:
        lines += ["", "[saved]"] + [f"{key(k)} = {value(v)}" for k, v in saved.items()]
    return "\n".join(lines) + "\n"


def _param(graph: Graph, n: str, keep_value: bool) -> dict[str, Any]:
    record = dict(graph.inits.get(n) or {"init": "value"})
    entry: dict[str, Any] = {"shape": list(graph.params[n].shape)}
    if record.get("init") == "value":
        if keep_value:  # a saved network keeps its values in the .npz instead
            entry["value"] = graph.params[n].tolist()
    else:
        entry["init"] = record["init"]
        if record.get("scale", 1.0) != 1.0:
            entry["scale"] = record["scale"]
    if n in graph.rates:
        entry["rate"] = graph.rates[n]
    return entry


def _gate(graph: Graph, n: str, provenance: bool) -> str:
    node = graph.nodes[n]
    entry: dict[str, Any] = {"gate": node.spec.name, "inputs": list(node.inputs)}
    if node.attributes:
        entry["attributes"] = dict(node.attributes)
    if provenance:
        entry.update(plugin=node.spec.plugin, distribution=node.spec.distribution or LOCAL,
                     version=node.spec.version or "")
    try:
        return f"{key(n)} = {value(entry)}"
    except TypeError as exc:
        raise GraphError(f"gate {node.label}: {exc}; a network file holds only numbers, "
                         f"strings, booleans and lists of them") from None
