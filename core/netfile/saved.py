"""Saving and loading a trained network: a network file plus an ``.npz`` of parameters.

``save(graph, "net.toml")`` writes ``net.toml`` (the network file, with the
plugin, distribution and version of every gate) and ``net-<hash>.npz`` (the
parameter arrays, exactly as they are), where ``<hash>`` starts the SHA-256 of
the ``.npz`` that the network file records in full. A network file therefore
names the one parameter file it was saved with: saving again writes a new
``.npz`` beside the old one, replaces the network file, and only then removes
parameter files that no network file in the folder names; each file is written
to a temporary file and moved into place, so a save that fails part-way leaves
the previous network loadable. Saves of one path take turns under an advisory
file lock (``lock``), and loads hold it shared, so concurrent saves from threads
or processes leave one whole network and a load sees the old one or the new
one; a save also removes what killed saves left (``tidy``). The same network
always gives the same bytes.

``load`` refuses a parameter file whose SHA-256 does not match or that is not a
regular file (a symbolic link, a device), reads it member by member without
pickle (``npz.read_npz``) so that no code in a file is ever run, within the size
limits, and checks every array's name, shape and dtype against the network file.
Values come back bit for bit.

A gate whose plugin is not installed fails the load with an error naming the
gate and the distribution that provided it at save time; a gate whose
distribution has another version now is reported with a ``VersionWarning``.
The layout follows the safetensors idea (plain arrays beside a plain-text
description, nothing executable), with numpy's own ``.npz`` container.
"""
from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from core.graph.graph import Graph
from core.limits import ARCHIVE_SLACK, FileProblem, read_limited
from core.netfile.builder import build
from core.netfile.lock import locked
from core.netfile.npz import PersistError, atomic_write, npz_bytes, read_npz
from core.netfile.reader import read
from core.netfile.spec import NetworkSpec, locate
from core.netfile.tidy import leftovers, orphans, parameter_name, remove, sync_folder
from core.netfile.writer import dumps
from core.registry.discovery import default_registry
from core.registry.manager import LOCAL, Registry

__all__ = ["MissingPluginError", "PersistError", "SaveError", "VersionWarning", "check_plugins",
           "load", "load_file", "load_parameters", "network_path", "read_npz", "save"]
RESERVED_NOTES = {"parameters", "sha256"}


class MissingPluginError(PersistError):
    """A saved network needs a gate that no installed plugin provides."""


class VersionWarning(UserWarning):
    """A gate is provided by another version (or distribution) than at save time."""


def network_path(path: str | Path) -> Path:
    """The network file for ``path``: ``net`` and ``net.toml`` both give net.toml."""
    path = Path(path)
    return path if path.suffix == ".toml" else path.with_name(path.name + ".toml")


def save(graph: Graph, path: str | Path, *, name: str | None = None,
         notes: Mapping[str, Any] | None = None) -> tuple[Path, Path]:
    """Write ``graph`` as a network file and an ``.npz`` of its parameters.

    Returns (network file, parameter file). Nothing is written unless both can be.
    Saves of one path, from threads or processes, take turns under its lock
    (``core.netfile.lock``); each removes what killed saves left (``tidy``). A
    write that fails is a ``SaveError`` (also an ``OSError``) saying where and why.
    """
    toml_path = network_path(path)
    with graph.lock:  # the parameters as they are between two steps of another thread
        for key, value in graph.params.items():
            if value.dtype != graph.dtype:
                raise PersistError(f"cannot save: parameter {key!r} is {value.dtype} but the "
                                   f"graph is {graph.dtype}; a saved network has one dtype")
        clash = RESERVED_NOTES & set(notes or {})
        if clash:
            raise PersistError(f"cannot save: notes may not use the reserved key(s) "
                               f"{', '.join(sorted(clash))}")
        blob = npz_bytes(graph.params)
        digest = hashlib.sha256(blob).hexdigest()
        npz_path = parameter_name(toml_path, digest)
        saved = {"parameters": npz_path.name, "sha256": digest, **(notes or {})}
        comment = (f"A trained gates network. Its parameters are in {npz_path.name}; "
                   f"load it with core.load().")
        try:
            text = dumps(graph, name=name or graph.name or toml_path.stem, provenance=True,
                         saved=saved, comment=comment)
        except TypeError as exc:  # a note (or an attribute) TOML cannot hold
            raise PersistError(f"cannot save: {exc}; notes and gate attributes are "
                               f"strings, numbers, booleans, or lists and tables of "
                               f"them") from None
    try:
        toml_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(toml_path, exc, f"cannot make the folder {toml_path.parent}") from exc
    with locked(toml_path):
        remove(leftovers(toml_path))
        for target, data in ((npz_path, blob), (toml_path, text.encode("utf-8"))):
            try:  # the parameters first: the network file must never name a missing one
                atomic_write(target, data)
            except OSError as exc:
                raise _failed(toml_path, exc, f"cannot write {target}") from exc
        remove(orphans(toml_path, npz_path))
        sync_folder(toml_path.parent)
    return toml_path, npz_path


class SaveError(PersistError, OSError):
    """A save that could not write its files; the message says where and why, in one line,
    and the network file already on disk (if any) is still whole."""

    def __str__(self) -> str:  # the message, not OSError's "[Errno n] ..." form
        return str(self.args[0]) if self.args else ""


def _failed(toml_path: Path, exc: OSError, what: str) -> SaveError:
    err = SaveError(f"cannot save {toml_path}: {what}: {exc.strerror or exc}")
    err.errno, err.strerror, err.filename = exc.errno, exc.strerror, exc.filename
    return err


def load_file(path: str | Path, registry: Registry | None = None) -> Graph:
    """Read and build the network file at ``path`` (``core.netfile.load``).

    Parameters come from their initialisers or, for a saved network (one with a
    ``[saved]`` table), from its checked parameter file, as ``core.load`` does.
    """
    spec = read(path)
    if spec.saved:
        return load(path, registry)
    return build(spec, registry)


def load(path: str | Path, registry: Registry | None = None) -> Graph:
    """Load a network saved by ``save``; parameters come back bit-identical."""
    toml_path = network_path(path)
    with locked(toml_path, shared=True):  # no save replaces them between the two reads
        spec = read(toml_path)
        registry = default_registry() if registry is None else registry
        check_plugins(spec, registry)
        values = load_parameters(spec, toml_path.parent)
    return build(spec, registry, values=values, check_shapes=False)


def check_plugins(spec: NetworkSpec, registry: Registry) -> list[str]:
    """Refuse a gate nobody provides; warn (and return) every version difference."""
    missing, notes = [], []
    for g in spec.gates:
        if g.gate not in registry:
            was = (f"distribution {g.distribution!r} {g.version or ''}".rstrip()
                   if g.distribution else "an unrecorded distribution")
            missing.append(f"gate {g.gate!r} (node {g.name!r}, line "
                           f"{locate(spec.text, (g.section, g.name))}) was provided by "
                           f"{was}, plugin {g.plugin!r}, when the network was saved")
            continue
        now = registry.get(g.gate)
        dist_now = now.distribution or LOCAL
        if g.distribution and g.distribution != dist_now:
            notes.append(f"gate {g.gate!r} (node {g.name!r}) was saved from distribution "
                         f"{g.distribution!r} {g.version or ''} but is now provided by "
                         f"{dist_now!r} {now.version or ''}")
        elif g.version is not None and g.version != (now.version or ""):
            notes.append(f"gate {g.gate!r} (node {g.name!r}) was saved with "
                         f"{g.distribution} {g.version or '(no version)'}; "
                         f"installed is {now.version or '(no version)'}")
    if missing:
        dists = sorted({g.distribution for g in spec.gates
                        if g.gate not in registry and g.distribution
                        and g.distribution != LOCAL})
        hint = f"; install {', '.join(dists)} (pip install {' '.join(dists)})" if dists else \
            "; register the plugin that provides it before loading"
        raise MissingPluginError(f"{spec.source}: cannot load: " + "; ".join(missing) + hint)
    for note in notes:
        warnings.warn(f"{spec.source}: {note}", VersionWarning, stacklevel=3)
    return notes


def load_parameters(spec: NetworkSpec, folder: Path) -> dict[str, np.ndarray]:
    """The parameter arrays named by ``spec``'s [saved] table, checked and pickle-free."""
    saved = spec.saved
    if not saved:
        raise PersistError(f"{spec.source}: not a saved network (it has no [saved] table "
                           f"naming its parameters); build it with core.netfile.load(), "
                           f"which draws the parameters from their initialisers")
    name = saved.get("parameters")
    if not isinstance(name, str) or not name:
        raise spec.error("a saved network names its parameter file here "
                         "(parameters = \"net.npz\")", "saved", "parameters")
    if Path(name).name != name or name in (".", ".."):
        raise spec.error(f"the parameter file must sit beside the network file; {name!r} "
                         f"is a path", "saved", "parameters")
    npz = folder / name
    try:
        blob = read_limited(npz, "bytes", symlinks=False, slack=ARCHIVE_SLACK)
    except FileProblem as exc:
        raise PersistError(f"{npz}: the parameter file {exc}") from None
    recorded = saved.get("sha256")
    if not isinstance(recorded, str) or not re.fullmatch(r"[0-9a-f]{64}", recorded):
        raise spec.error("a saved network records the SHA-256 of its parameter file here "
                         "(64 hex digits); without it the parameters cannot be trusted",
                         "saved", "sha256")
    digest = hashlib.sha256(blob).hexdigest()
    if recorded != digest:
        raise PersistError(f"{npz}: refused: its SHA-256 {digest[:16]}... does not match "
                           f"the {str(saved.get('sha256'))[:16]}... recorded in "
                           f"{spec.source}; the file was changed after it was saved")
    arrays = read_npz(blob, str(npz))
    dtype = np.dtype(spec.dtype)
    declared = set(spec.params)
    if set(arrays) != declared:
        extra, lacking = sorted(set(arrays) - declared), sorted(declared - set(arrays))
        raise PersistError(f"{npz}: holds {sorted(arrays)} but {spec.source} declares "
                           f"{sorted(declared)}" + (f"; missing {lacking}" if lacking else "")
                           + (f"; unexpected {extra}" if extra else ""))
    for key, value in arrays.items():
        want = spec.params[key].get("shape")
        if want is not None and value.shape != tuple(want):
            raise PersistError(f"{npz}: parameter {key!r} has shape {value.shape} but "
                               f"{spec.source} declares {tuple(want)}")
        if value.dtype != dtype:
            raise PersistError(f"{npz}: parameter {key!r} is {value.dtype} but the network "
                               f"is {dtype}")
    return arrays
