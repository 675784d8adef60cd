"""Building a Graph from a parsed network file, with shapes checked before any data.

Gates are looked up by name in the registry; an unknown gate, a wrong number of
inputs, an attribute a gate does not take, a cycle or two shapes that cannot
combine is reported with the line and key of the file at fault.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .errors import CycleError, GraphError, UnknownGateError
from .graph import Graph
from .netparse import read
from .netspec import NetworkSpec
from .registry import Registry

#: the batch size of the dummy pass that checks shapes: a prime, so that it is
#: unlikely to equal a layer's width and hide a mismatch
CHECK_BATCH = 7


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


def load(path: str | Path, registry: Registry | None = None) -> Graph:
    """Read and build the network file at ``path``.

    Parameters come from their initialisers or, for a saved network (one with a
    ``[saved]`` table), from its checked parameter file, as ``core.load`` does.
    """
    spec = read(path)
    if spec.saved:
        from .persist import load as load_saved
        return load_saved(path, registry)
    return build(spec, registry)


def check(graph: Graph, spec: NetworkSpec) -> None:
    """Run one forward pass on a dummy batch to catch shape mismatches.

    Runs only when every input declares a shape. A failing gate is named with
    the line of the file that declares it, with both inputs' gates and shapes.
    """
    if any(s is None for s in spec.inputs.values()) or not spec.inputs:
        return
    feed = {n: np.full(tuple(CHECK_BATCH if d is None else d for d in s), 0.5)
            for n, s in spec.inputs.items()}
    try:
        with np.errstate(all="ignore"):
            graph.forward(feed)
        return
    except GraphError:
        pass
    for name in graph.order():  # find the first gate at fault
        if graph.nodes[name].op != "gate":
            continue
        try:
            with np.errstate(all="ignore"):
                graph.forward(feed, outputs=[name])
        except GraphError as exc:
            raise spec.error(f"shape mismatch (checked with a batch of {CHECK_BATCH}): {exc}",
                             *spec.key_of(name)) from None


def _init_record(p: Mapping[str, Any], shape: tuple[int, ...]) -> dict[str, Any]:
    if "value" in p:
        return {"init": "value", "shape": list(shape)}
    return {"init": p.get("init", "lecun"), "shape": list(shape), "scale": p.get("scale", 1.0)}
