"""Reading a network file: TOML text to a ``NetworkSpec``, every key checked for form.

Reading never runs code from the file: TOML is data, gates are names looked up
later in the registry, and initialisers are names from a fixed table. Each
mistake is a ``NetworkFileError`` with the file, the line and the key at fault,
and a suggestion when a name is close to a known one.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import suggest
from core.graph.init import INITIALISERS
from core.limits import FileProblem, limit, read_limited
from core.netfile.bounds import nesting, sizes, too_deep
from core.netfile.spec import (
    BATCH,
    FORMAT,
    GATE_KEYS,
    INPUT_KEYS,
    NETWORK_KEYS,
    PARAM_KEYS,
    RESERVED_ATTRIBUTES,
    SECTIONS,
    GateEntry,
    NetworkFileError,
    NetworkSpec,
    locate,
)
from core.rules import name_problem, rate_problem

#: makes the error for a message and a key path (the file, its line, the key)
Err = Callable[..., NetworkFileError]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def read(path: str | Path) -> NetworkSpec:
    """Parse the network file at ``path`` (a regular file within the text limit)."""
    path = Path(path)
    try:
        data = read_limited(path, "text")
    except FileProblem as exc:
        raise NetworkFileError(f"the network file {exc}", source=str(path)) from None
    try:
        text = data.decode("utf-8-sig")  # an editor's BOM is not TOML
    except UnicodeDecodeError as exc:
        raise NetworkFileError(f"not UTF-8 text (byte {exc.start}); a network file is TOML",
                               source=str(path)) from None
    return parse(text, str(path))


def parse(text: str, source: str = "<network>") -> NetworkSpec:
    """Parse and check the form of a network file's text."""
    nesting(text, source)
    try:
        doc = tomllib.loads(text)
    except RecursionError:  # deeper than this thread's stack, though within the limit
        raise too_deep(source, None, None, limit("nesting")) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        twice = _declared_twice(text, line) if "overwrite" in str(exc).lower() else None
        if twice:
            raise NetworkFileError(twice, source=source, line=line) from None
        raise NetworkFileError(f"not valid TOML: {exc}", source=source, line=line) from None

    def err(msg: str, *path: str) -> NetworkFileError:
        return NetworkFileError(msg, source=source, line=locate(text, path), key=".".join(path))

    net, dtype, seed, outputs = _network(doc, err)
    seen: dict[str, tuple[str, ...]] = {}  # node name -> the key that declared it

    def declare(name: str, *path: str) -> None:
        problem = name_problem(name)
        if problem:
            raise err(problem, *path)
        if name in seen:
            raise err(f"a node named {name!r} is declared twice: here and as "
                      f"{'.'.join(seen[name])}", *path)
        seen[name] = path

    inputs: dict[str, Any] = {}
    for name, entry in _table(doc, err, "inputs").items():
        entry = _entry(entry, err, "inputs", name)
        declare(name, "inputs", name)
        _known(entry, INPUT_KEYS, err, "inputs", name)
        inputs[name] = _shape(entry["shape"], err, True, "inputs", name, "shape") \
            if "shape" in entry else None
    params = {name: _param(name, entry, err, declare)
              for name, entry in _table(doc, err, "params").items()}
    gates: list[GateEntry] = []
    for section in ("gates", "cost"):
        for name, entry in _table(doc, err, section).items():
            gates.append(_gate(section, name, _entry(entry, err, section, name), err, declare))
    _check_wiring(gates, outputs, seen, err)
    sizes(params, inputs, dtype, err)
    return NetworkSpec(net.get("name", Path(source).stem), dtype, seed, inputs, params, gates,
                       _table(doc, err, "saved"), text, source, net.get("description", ""),
                       list(outputs))


def _network(doc: dict[str, Any], err: Err) -> tuple[dict[str, Any], str, int, list[str]]:
    """The [network] table, checked: (the table, dtype, seed, outputs)."""
    _known(doc, SECTIONS, err)
    if doc.get("format", FORMAT) != FORMAT:
        raise err(f"this is network file format {doc['format']!r}; this version of "
                  f"gates reads format {FORMAT}", "format")
    net = _table(doc, err, "network")
    _known(net, NETWORK_KEYS, err, "network")
    dtype = net.get("dtype", "float64")
    if dtype not in ("float64", "float32"):
        raise err(f"dtype must be \"float64\" or \"float32\", not {dtype!r}", "network", "dtype")
    seed = net.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise err(f"seed must be a non-negative integer, not {seed!r}", "network", "seed")
    for key in ("name", "description"):
        if not isinstance(net.get(key, ""), str):
            raise err(f"{key} must be a string, not {net[key]!r}", "network", key)
    outputs = net.get("outputs", [])
    if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
        raise err(f"outputs must be a list of node names, not {outputs!r}", "network", "outputs")
    return net, dtype, seed, outputs


def _check_wiring(gates: list[GateEntry], outputs: list[str], seen: Mapping[str, Any],
                  err: Err) -> None:
    """Every gate input and every output is a declared node."""
    for g in gates:
        for i, name in enumerate(g.inputs):
            if name not in seen:
                raise err(f"input {i + 1} of gate {g.name!r} is {name!r}, which is not "
                          f"declared in [inputs], [params], [gates] or [cost]"
                          f"{suggest(name, seen)}", g.section, g.name, "inputs")
    for name in outputs:
        if name not in seen:
            raise err(f"output {name!r} is not a declared node{suggest(name, seen)}",
                      "network", "outputs")


_NODE_SECTIONS = ("inputs", "params", "gates", "cost")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*[=.]')


def _declared_twice(text: str, line: int | None) -> str | None:
    """"node 'NAME' is declared twice" when ``line`` redeclares a node key, else None."""
    if not line:
        return None
    lines = text.splitlines()
    if line > len(lines):
        return None
    m = _KEY.match(lines[line - 1])
    if not m:
        return None
    name = m.group(1).strip("\"'")
    section, first = None, None
    for i in range(line - 1):  # the table this line sits in, and the first declaration
        head = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", lines[i])
        if head:
            section, first = head.group(1).strip("\"'"), None
        else:
            k = _KEY.match(lines[i])
            if k and first is None and k.group(1).strip("\"'") == name:
                first = i + 1
    if section not in _NODE_SECTIONS:
        return None
    return (f"node {name!r} is declared twice in [{section}]"
            + (f" (first at line {first})" if first else ""))


def _param(name: str, entry: Any, err, declare) -> dict[str, Any]:
    entry = _entry(entry, err, "params", name)
    declare(name, "params", name)
    _known(entry, PARAM_KEYS, err, "params", name)
    if "value" not in entry and "shape" not in entry:
        raise err("a parameter needs a shape (with an init) or a value", "params", name)
    if "value" in entry and "init" in entry:
        raise err("give a value or an init, not both", "params", name, "init")
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
    init = entry.get("init", "lecun")
    if not isinstance(init, str) or init not in INITIALISERS:
        raise err(f"unknown initialiser {init!r}"
                  f"{suggest(str(init), INITIALISERS, 'the initialisers are')}",
                  "params", name, "init")
    for key in ("rate", "scale"):
        if key in entry and not _number(entry[key]):
            raise err(f"{key} must be a number, not {entry[key]!r}", "params", name, key)
    if "rate" in entry and rate_problem(entry["rate"]):
        raise err(rate_problem(entry["rate"]), "params", name, "rate")
    return p


def _gate(section: str, name: str, entry: dict[str, Any], err, declare) -> GateEntry:
    declare(name, section, name)
    _known(entry, GATE_KEYS, err, section, name)
    if not isinstance(entry.get("gate"), str):
        raise err("needs gate = \"<registered gate name>\"", section, name)
    ins = entry.get("inputs", [])
    if not isinstance(ins, list) or not all(isinstance(i, str) for i in ins):
        raise err(f"inputs must be a list of node names, not {ins!r}", section, name, "inputs")
    attributes = entry.get("attributes", {})
    if not isinstance(attributes, dict):
        raise err("attributes must be a table", section, name, "attributes")
    for key in attributes:
        if key in RESERVED_ATTRIBUTES:
            raise err(f"{key!r} is reserved (the node's name is its key); a gate cannot "
                      f"take an attribute of that name", section, name, "attributes")
    for key in ("plugin", "distribution", "version"):
        if not isinstance(entry.get(key, ""), str):
            raise err(f"{key} must be a string", section, name, key)
    return GateEntry(name, entry["gate"], tuple(ins), dict(attributes), section,
                     entry.get("plugin"), entry.get("distribution"), entry.get("version"))


def _table(doc: Mapping[str, Any], err, key: str) -> dict[str, Any]:
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
            raise err(f"unknown key {key!r}{suggest(key, sorted(allowed), 'the keys are')}",
                      *path, key)


def _shape(value: Any, err, batch_ok: bool, *path: str) -> tuple[int | None, ...]:
    if not isinstance(value, list):
        raise err(f"a shape is a list such as [2, 3], not {value!r}", *path)
    out: list[int | None] = []
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
