"""A graph through pickle: its network, parameter values and provenance, nothing else.

``graph_state`` is what ``Graph.__getstate__`` returns: the nodes in definition
order (gates by registered name, with their attributes and the plugin,
distribution and version that provided them), the parameter values, rates,
initialiser records, outputs, name, description, dtype and random generator.
No registry (it holds plugin modules), no engine caches or compiled steps.
``rebuild`` makes the graph again in the receiving process, resolving every
gate name in that process's default registry, so a gate whose plugin is not
installed there is an error naming the distribution to install.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from core.errors import GraphError, UnknownGateError
from core.registry.discovery import default_registry
from core.registry.manager import LOCAL

if TYPE_CHECKING:
    from core.graph.graph import Graph

FORMAT = 1


def graph_state(graph: Graph) -> dict[str, Any]:
    """The picklable description of ``graph`` (see the module docstring)."""
    nodes = []
    for node in graph.nodes.values():
        entry: dict[str, Any] = {"name": node.name, "op": node.op, "inputs": node.inputs,
                                 "shape": node.shape}
        if node.op == "gate":
            spec = node.spec
            entry.update(gate=spec.name, attributes=dict(node.attributes), plugin=spec.plugin,
                         distribution=spec.distribution or LOCAL, version=spec.version or "")
        nodes.append(entry)
    return {"format": FORMAT, "name": graph.name, "description": graph.description,
            "dtype": graph.dtype.name, "seed": graph.seed, "rng": graph.rng, "nodes": nodes,
            "params": {k: np.array(v, copy=True) for k, v in graph.params.items()},
            "rates": dict(graph.rates), "inits": dict(graph.inits),
            "outputs": list(graph.outputs), "counter": graph._counter}


def rebuild(graph: Graph, state: dict[str, Any]) -> None:
    """Make ``graph`` (a bare instance) the graph ``state`` describes."""
    if state.get("format") != FORMAT:
        raise GraphError(f"cannot unpickle this graph: it was pickled in format "
                         f"{state.get('format')!r}; this version reads format {FORMAT}")
    graph.__init__(default_registry(), dtype=state["dtype"], seed=state["seed"])  # type: ignore[misc]
    for entry in state["nodes"]:
        name = entry["name"]
        if entry["op"] == "input":
            graph.input(name, shape=entry["shape"])
        elif entry["op"] == "param":
            graph.param(name, state["params"][name], rate=state["rates"].get(name))
        else:
            _gate(graph, entry)
    graph.inits.update(state["inits"])
    graph.output(*state["outputs"])
    graph.name, graph.description = state["name"], state["description"]
    graph.rng, graph._counter = state["rng"], state["counter"]


def _gate(graph: Graph, entry: dict[str, Any]) -> None:
    try:
        graph.gate(entry["gate"], *entry["inputs"], name=entry["name"], **entry["attributes"])
    except UnknownGateError:
        where = entry["distribution"]
        hint = (f"install {where} in this process" if where != LOCAL else
                "register its plugin in this process (it was registered locally)")
        raise GraphError(f"cannot unpickle the graph: gate {entry['gate']!r} (node "
                         f"{entry['name']!r}) was provided by plugin {entry['plugin']!r} of "
                         f"{where} {entry['version']}".rstrip() + f" when it was pickled, and "
                         f"no plugin here registers it; {hint}") from None
