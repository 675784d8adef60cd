"""Building a Graph from a parsed network file, with shapes checked before any data.

Gates are looked up by name in the registry; an unknown gate, a wrong number of
inputs, an attribute a gate does not take, a cycle or two shapes that cannot
combine is reported with the line and key of the file at fault.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from core.errors import CycleError, GraphError, UnknownGateError
from core.graph.graph import Graph
from core.graph.shapes import CHECK_BATCH, shape_error
from core.netfile.spec import NetworkSpec
from core.registry.manager import Registry


def build(spec: NetworkSpec, registry: Registry | None = None, *,
          values: Mapping[str, np.ndarray] | None = None, check_shapes: bool = True) -> Graph:
    """A Graph from a parsed file; ``values`` replace the parameters' initialisers."""
    g = Graph(registry, dtype=spec.dtype, seed=spec.seed)
    g.name, g.description = spec.name, spec.description
    for name, shape in spec.inputs.items():
        g.input(name, shape=shape)
    for name, p in spec.params.items():
        try:
            if values is not None and name in values:
                g.param(name, values[name], rate=p.get("rate"))
                g.inits[name] = _init_record(p, values[name].shape)
            elif "value" in p:
                g.param(name, p["value"], rate=p.get("rate"))
            else:
                g.param(name, shape=p["shape"], init=p.get("init", "lecun"),
                        scale=p.get("scale", 1.0), rate=p.get("rate"))
        except GraphError as exc:
            raise spec.error(str(exc), "params", name) from None
    for entry in spec.gates:
        try:
            g.gate(entry.gate, *entry.inputs, name=entry.name, **entry.attributes)
        except UnknownGateError as exc:
            raise spec.error(str(exc), entry.section, entry.name, "gate") from None
        except GraphError as exc:
            key = "attributes" if "attribute" in str(exc) else "inputs"
            raise spec.error(str(exc), entry.section, entry.name, key) from None
        kind = g.nodes[entry.name].spec.kind
        if entry.section == "cost" and kind != "cost":
            raise spec.error(f"gate {entry.gate!r} is a{'n' if kind[0] in 'ao' else ''} "
                             f"{kind}, not a cost; move it to [gates]",
                             "cost", entry.name, "gate")
    try:
        g.order()
    except CycleError as exc:  # the line of the loop's first gate, at its inputs
        raise spec.error(str(exc), *spec.key_of(exc.cycle[0]), "inputs") from None
    except GraphError as exc:
        stuck = [n for n in g.nodes if repr(n) in str(exc)]
        raise spec.error(str(exc), *spec.key_of(stuck[0]) if stuck else ()) from None
    g.output(*(spec.outputs or default_outputs(g)))
    if check_shapes:
        check(g, spec)
    return g


def default_outputs(graph: Graph) -> list[str]:
    """Without declared outputs: what each cost reads as its prediction."""
    out = []
    for c in graph.costs:
        prediction = graph.nodes[c].inputs[0]
        if prediction not in out:
            out.append(prediction)
    return out


def check(graph: Graph, spec: NetworkSpec) -> None:
    """Catch shape mismatches with one forward pass on a dummy batch (``core.graph.shapes``).

    Runs only when every input declares a shape. A failing gate is named with
    the line of the file that declares it, with both inputs' gates and shapes.
    """
    found = shape_error(graph)
    if found is not None:
        name, exc = found
        raise spec.error(f"shape mismatch (checked with a batch of {CHECK_BATCH}): {exc}",
                         *spec.key_of(name)) from None


def _init_record(p: Mapping[str, Any], shape: tuple[int, ...]) -> dict[str, Any]:
    if "value" in p:
        return {"init": "value", "shape": list(shape)}
    return {"init": p.get("init", "lecun"), "shape": list(shape), "scale": p.get("scale", 1.0)}
