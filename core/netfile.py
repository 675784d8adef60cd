"""Network files: a declarative TOML description of a graph, by registered gate name.

A network file lists the inputs (with shapes; ``"batch"`` for any size), the
parameters (shape and initialiser, or an explicit value), the gates and their
wiring (with attributes), and the cost::

    [network]
    name = "seed"
    dtype = "float64"
    seed = 0

    [inputs]
    X = { shape = ["batch", 2] }
    Y = { shape = ["batch", 1] }

    [params]
    W1 = { shape = [2, 3], init = "lecun" }
    b1 = { shape = [1, 3], init = "zeros" }

    [gates]
    XW1 = { gate = "matmul", inputs = ["X", "W1"] }
    z2 = { gate = "add", inputs = ["XW1", "b1"] }

    [cost]
    J = { gate = "mse", inputs = ["z2", "Y"] }

Reading a file never runs code from it: TOML is data, and every gate is looked
up by name in the registry. Every error names the file, the line and the key at
fault. ``dumps`` writes a graph back in the same format.
"""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping

import attrs
import numpy as np

from .errors import GatesError, GraphError, UnknownGateError, suggest
from .graph import Graph
from .registry import Registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FORMAT = 1
SECTIONS = {"format", "network", "inputs", "params", "gates", "cost", "saved"}
NETWORK_KEYS = {"name", "dtype", "seed", "description"}
INPUT_KEYS = {"shape"}
PARAM_KEYS = {"shape", "init", "scale", "value", "rate"}
GATE_KEYS = {"gate", "inputs", "attributes", "plugin", "distribution", "version"}
BATCH = "batch"


class NetworkFileError(GraphError):
    """A network file that cannot be read or built; the message names line and key."""

    def __init__(self, message: str, *, source: str = "<network>", line: int | None = None,
                 key: str | None = None) -> None:
        self.source, self.line, self.key = source, line, key
        where = source + (f":{line}" if line else "")
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")


@attrs.define
class GateEntry:
    """One gate of a network file, with the provenance it was saved with."""

    name: str
    gate: str
    inputs: tuple[str, ...]
    attributes: dict[str, Any]
    section: str  # "gates" or "cost"
    plugin: str | None = None
    distribution: str | None = None
    version: str | None = None


@attrs.define
class NetworkSpec:
    """A parsed network file, checked for form but not yet built."""

    name: str
    dtype: str
    seed: int | None
    inputs: dict[str, tuple[int | None, ...] | None]
    params: dict[str, dict[str, Any]]
    gates: list[GateEntry]
    saved: dict[str, Any]
    text: str
    source: str
    description: str = ""

    def error(self, message: str, *path: str) -> NetworkFileError:
        """An error pointing at the line of ``path`` (a key path) in the file."""
        return NetworkFileError(message, source=self.source, line=locate(self.text, path),
                                key=".".join(path) if path else None)

    def key_of(self, node: str) -> tuple[str, ...]:
        """The key path that declares ``node``."""
        if node in self.inputs:
            return ("inputs", node)
        if node in self.params:
            return ("params", node)
        for g in self.gates:
            if g.name == node:
                return (g.section, node)
        return ()


# -- reading -----------------------------------------------------------------
def parse(text: str, source: str = "<network>") -> NetworkSpec:
    """Parse and check the form of a network file's text."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise NetworkFileError(f"not valid TOML: {exc}", source=source,
                               line=int(m.group(1)) if m else None) from None
    err = lambda msg, *path: NetworkFileError(msg, source=source,  # noqa: E731
                                              line=locate(text, path), key=".".join(path))
    _known(doc, SECTIONS, err)
    if doc.get("format", FORMAT) != FORMAT:
        raise err(f"this is network file format {doc['format']!r}; this version of "
                  f"gates reads format {FORMAT}", "format")
    net = _table(doc, "network", err)
    _known(net, NETWORK_KEYS, err, "network")
    dtype = net.get("dtype", "float64")
    if dtype not in ("float64", "float32"):
        raise err(f"dtype must be \"float64\" or \"float32\", not {dtype!r}", "network", "dtype")
    seed = net.get("seed", 0)
    if seed is not None and not isinstance(seed, int):
        raise err(f"seed must be an integer, not {seed!r}", "network", "seed")

    inputs: dict[str, Any] = {}
    for name, entry in _table(doc, "inputs", err).items():
        entry = _entry(entry, err, "inputs", name)
        _known(entry, INPUT_KEYS, err, "inputs", name)
        inputs[name] = _shape(entry["shape"], err, True, "inputs", name, "shape") \
            if "shape" in entry else None

    params: dict[str, dict[str, Any]] = {}
    for name, entry in _table(doc, "params", err).items():
        entry = _entry(entry, err, "params", name)
        _known(entry, PARAM_KEYS, err, "params", name)
        if name in inputs:
            raise err(f"{name!r} is declared both as an input and as a parameter",
                      "params", name)
        if "value" not in entry and "shape" not in entry:
            raise err("a parameter needs a shape (with an init) or a value", "params", name)
        p = dict(entry)
        if "shape" in entry:
            p["shape"] = _shape(entry["shape"], err, False, "params", name, "shape")
        if "value" in entry:
            try:
                value = np.array(entry["value"], dtype=float)
            except (TypeError, ValueError) as exc:
                raise err(f"value is not a rectangular array of numbers: {exc}",
                          "params", name, "value") from None
            if "shape" in entry and value.shape != p["shape"]:
                raise err(f"value has shape {value.shape} but shape says {p['shape']}",
                          "params", name, "value")
        if "rate" in entry and not _number(entry["rate"]):
            raise err(f"rate must be a number, not {entry['rate']!r}", "params", name, "rate")
        params[name] = p

    gates: list[GateEntry] = []
    seen = set(inputs) | set(params)
    for section in ("gates", "cost"):
        for name, entry in _table(doc, section, err).items():
            entry = _entry(entry, err, section, name)
            _known(entry, GATE_KEYS, err, section, name)
            if name in seen:
                raise err(f"a node named {name!r} is declared twice", section, name)
            seen.add(name)
            if not isinstance(entry.get("gate"), str):
                raise err("needs gate = \"<registered gate name>\"", section, name)
            ins = entry.get("inputs", [])
            if not isinstance(ins, list) or not all(isinstance(i, str) for i in ins):
                raise err(f"inputs must be a list of node names, not {ins!r}",
                          section, name, "inputs")
            attributes = entry.get("attributes", {})
            if not isinstance(attributes, dict):
                raise err("attributes must be a table", section, name, "attributes")
            gates.append(GateEntry(name, entry["gate"], tuple(ins), dict(attributes), section,
                                   entry.get("plugin"), entry.get("distribution"),
                                   entry.get("version")))
    spec = NetworkSpec(net.get("name", Path(source).stem), dtype, seed, inputs, params, gates,
                       _table(doc, "saved", err), text, source, net.get("description", ""))
    for g in gates:  # wiring: every input is a declared node
        for i, name in enumerate(g.inputs):
            if name not in seen:
                raise spec.error(f"input {i + 1} of gate {g.name!r} is {name!r}, which is not "
                                 f"declared in [inputs], [params], [gates] or [cost]"
                                 f"{suggest(name, seen)}", g.section, g.name, "inputs")
    return spec


def read(path: str | Path) -> NetworkSpec:
    """Parse the network file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NetworkFileError(f"cannot read the network file: {exc.strerror}",
                               source=str(path)) from None
    return parse(text, str(path))


def build(spec: NetworkSpec, registry: Registry | None = None, *,
          values: Mapping[str, np.ndarray] | None = None, check_shapes: bool = True) -> Graph:
    """A Graph from a parsed file; ``values`` replace the parameters' initialisers."""
    g = Graph(registry, dtype=spec.dtype, seed=spec.seed)
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
        if entry.section == "cost" and g.nodes[entry.name].spec.kind != "cost":
            raise spec.error(f"gate {entry.gate!r} is a{'n' if g.nodes[entry.name].spec.kind[0] in 'ao' else ''} "
                             f"{g.nodes[entry.name].spec.kind}, not a cost; move it to [gates]",
                             "cost", entry.name, "gate")
    try:
        g.order()
    except GraphError as exc:
        stuck = [n for n in g.nodes if repr(n) in str(exc)]
        raise spec.error(str(exc), *spec.key_of(stuck[0]) if stuck else ()) from None
    if check_shapes:
        check(g, spec)
    return g


def load(path: str | Path, registry: Registry | None = None) -> Graph:
    """Read and build the network file at ``path`` (parameters from their initialisers)."""
    return build(read(path), registry)


def check(graph: Graph, spec: NetworkSpec) -> None:
    """Run one forward pass on a dummy batch to catch shape mismatches.

    Runs only when every input declares a shape. A failing gate is named with
    the line of the file that declares it.
    """
    if any(s is None for s in spec.inputs.values()) or not spec.inputs:
        return
    feed = {n: np.full(tuple(3 if d is None else d for d in s), 0.5) for n, s in
            spec.inputs.items()}
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
            raise spec.error(f"shape mismatch (checked with a batch of 3): {exc}",
                             *spec.key_of(name)) from None


def _init_record(p: Mapping[str, Any], shape: tuple[int, ...]) -> dict[str, Any]:
    if "value" in p:
        return {"init": "value", "shape": list(shape)}
    return {"init": p.get("init", "lecun"), "shape": list(shape), "scale": p.get("scale", 1.0)}


def _table(doc: Mapping[str, Any], key: str, err) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise err(f"[{key}] must be a table", key)
    return value


def _entry(entry: Any, err, *path: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise err(f"must be a table such as {{ gate = \"add\", inputs = [...] }}, "
                  f"not {entry!r}", *path)
    return entry


def _known(entry: Mapping[str, Any], allowed: Iterable[str], err, *path: str) -> None:
    for key in entry:
        if key not in allowed:
            raise err(f"unknown key {key!r}{suggest(key, allowed)}; known keys: "
                      f"{', '.join(sorted(allowed))}", *path, key)


def _shape(value: Any, err, batch_ok: bool, *path: str) -> tuple[int | None, ...]:
    if not isinstance(value, list):
        raise err(f"a shape is a list such as [2, 3], not {value!r}", *path)
    out = []
    for d in value:
        if batch_ok and (d == BATCH or d == -1):
            out.append(None)
        elif isinstance(d, int) and not isinstance(d, bool) and d >= 1:
            out.append(d)
        else:
            allowed = f"positive integers or \"{BATCH}\"" if batch_ok else "positive integers"
            raise err(f"shape {value!r}: dimensions are {allowed}, not {d!r}", *path)
    return tuple(out)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# -- locating keys in the text -------------------------------------------------
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)', key)
    return tuple(a or b or c for a, b, c in parts)


def _key_re(key: str) -> re.Pattern:
    k = re.escape(key)
    return re.compile(rf'^\s*(?:{k}|"{k}"|\'{k}\')\s*(?:=|\.)')


def locate(text: str, path: Iterable[str]) -> int | None:
    """The 1-based line that declares the key ``path``, or the nearest enclosing one."""
    path = tuple(path)
    if not path:
        return None
    lines = text.splitlines()
    headers = [(i, _split_key(m.group(1))) for i, line in enumerate(lines)
               if (m := _HEADER.match(line))]
    for k in range(len(path), 0, -1):
        for i, head in headers:
            if head != path[:k]:
                continue
            if k == len(path):
                return i + 1
            end = next((j for j, _ in headers if j > i), len(lines))
            pattern = _key_re(path[k])
            for j in range(i + 1, end):
                if pattern.match(lines[j]):
                    return j + 1
            return i + 1
    if len(path) == 1:  # a top-level key
        pattern = _key_re(path[0])
        end = headers[0][0] if headers else len(lines)
        for j in range(end):
            if pattern.match(lines[j]):
                return j + 1
    return None


# -- writing -------------------------------------------------------------------
def dumps(graph: Graph, *, name: str = "network", provenance: bool = False,
          saved: Mapping[str, Any] | None = None, comment: str = "") -> str:
    """The network file text for ``graph``; ``provenance`` records each gate's plugin."""
    lines = [f"# {c}".rstrip() for c in comment.splitlines()]
    lines += [f"format = {FORMAT}", "", "[network]", f"name = {_value(name)}",
              f"dtype = {_value(graph.dtype.name)}"]
    seed = getattr(graph, "seed", None)
    if isinstance(seed, int):
        lines.append(f"seed = {seed}")
    graph.order()  # refuses a cycle or an undefined input before writing
    order = list(graph.nodes)  # declaration order, as a person wrote it
    inputs = [n for n in order if graph.nodes[n].op == "input"]
    params = [n for n in order if graph.nodes[n].op == "param"]
    gates = [n for n in order if graph.nodes[n].op == "gate"]
    lines += ["", "[inputs]"]
    for n in inputs:
        shape = graph.nodes[n].shape
        entry = {} if shape is None else {"shape": [BATCH if d in (None, -1) else d
                                                    for d in shape]}
        lines.append(f"{_key(n)} = {_value(entry)}")
    lines += ["", "[params]"]
    for n in params:
        record = dict(graph.inits.get(n) or {"init": "value"})
        entry: dict[str, Any] = {"shape": list(graph.params[n].shape)}
        if record.get("init") == "value":
            if saved is None:
                entry["value"] = graph.params[n].tolist()
        else:
            entry["init"] = record["init"]
            if record.get("scale", 1.0) != 1.0:
                entry["scale"] = record["scale"]
        if n in graph.rates:
            entry["rate"] = graph.rates[n]
        lines.append(f"{_key(n)} = {_value(entry)}")
    for section, names in (("gates", [n for n in gates if graph.nodes[n].spec.kind != "cost"]),
                           ("cost", [n for n in gates if graph.nodes[n].spec.kind == "cost"])):
        if not names:
            continue
        lines += ["", f"[{section}]"]
        for n in names:
            node = graph.nodes[n]
            entry = {"gate": node.spec.name, "inputs": list(node.inputs)}
            if node.attributes:
                entry["attributes"] = dict(node.attributes)
            if provenance:
                entry.update(plugin=node.spec.plugin,
                             distribution=node.spec.distribution or "(local)",
                             version=node.spec.version or "")
            try:
                lines.append(f"{_key(n)} = {_value(entry)}")
            except TypeError as exc:
                raise GraphError(f"gate {node.label}: {exc}; a network file holds only "
                                 f"numbers, strings, booleans and lists of them") from None
    if saved:
        lines += ["", "[saved]"] + [f"{_key(k)} = {_value(v)}" for k, v in saved.items()]
    return "\n".join(lines) + "\n"


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} {v!r}")
