"""What a network file says, once parsed: the spec, its errors, and where each key sits.

``NetworkSpec`` is a parsed network file, checked for form but not yet built
(``reader`` makes one, ``builder`` turns one into a Graph). Every error
about a file is a ``NetworkFileError`` naming the file, the line and the key
at fault; ``locate`` finds the line that declares a key path in the TOML text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from core.errors import GraphError

FORMAT = 1
SECTIONS = {"format", "network", "inputs", "params", "gates", "cost", "saved"}
NETWORK_KEYS = {"name", "dtype", "seed", "description", "outputs"}
INPUT_KEYS = {"shape"}
PARAM_KEYS = {"shape", "init", "scale", "value", "rate"}
GATE_KEYS = {"gate", "inputs", "attributes", "plugin", "distribution", "version"}
#: attribute names a gate cannot take in a file: Graph.gate uses them itself
RESERVED_ATTRIBUTES = {"name", "gate_name"}
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
    outputs: list[str] = attrs.field(factory=list)

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

    def nodes(self) -> list[str]:
        """Every declared node name."""
        return [*self.inputs, *self.params, *(g.name for g in self.gates)]


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
