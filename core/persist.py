"""Saving and loading a trained network: a network file plus an ``.npz`` of parameters.

``save(graph, "net.toml")`` writes ``net.toml`` (the network file, with the
plugin, distribution and version of every gate) and ``net.npz`` (the parameter
arrays, exactly as they are). The network file records the SHA-256 of the
``.npz``; ``load`` refuses a parameter file that does not match it, reads arrays
with ``np.load(allow_pickle=False)`` so that no code in a file is ever run, and
checks every array's name, shape and dtype against the network file. Values come
back bit for bit.

A gate whose plugin is not installed fails the load with an error naming the
gate and the distribution that provided it at save time; a gate whose
distribution has another version now is reported with a ``VersionWarning``.
The layout follows the safetensors idea (plain arrays beside a plain-text
description, nothing executable), with numpy's own ``.npz`` container.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from . import netfile
from .errors import GatesError
from .graph import Graph
from .registry import Registry


class PersistError(GatesError):
    """A saved network that cannot be loaded safely or faithfully."""


class MissingPluginError(PersistError):
    """A saved network needs a gate that no installed plugin provides."""


class VersionWarning(UserWarning):
    """A gate is provided by another version (or distribution) than at save time."""


def paths(path: str | Path) -> tuple[Path, Path]:
    """(network file, parameter file) for ``path``; ``net`` and ``net.toml`` give net.toml, net.npz."""
    path = Path(path)
    if path.suffix != ".toml":
        path = path.with_name(path.name + ".toml")
    return path, path.with_suffix(".npz")


def save(graph: Graph, path: str | Path, *, name: str | None = None,
         notes: Mapping[str, Any] | None = None) -> tuple[Path, Path]:
    """Write ``graph`` as a network file and an ``.npz`` of its parameters."""
    toml_path, npz_path = paths(path)
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.ascontiguousarray(v) for k, v in graph.params.items()})
    blob = buffer.getvalue()
    saved = {"parameters": npz_path.name, "sha256": hashlib.sha256(blob).hexdigest()}
    saved.update(notes or {})
    text = netfile.dumps(graph, name=name or toml_path.stem, provenance=True, saved=saved,
                         comment="A trained gates network. Its parameters are in "
                                 f"{npz_path.name}; load it with core.persist.load().")
    _write(npz_path, blob)
    _write(toml_path, text.encode("utf-8"))
    return toml_path, npz_path


def load(path: str | Path, registry: Registry | None = None) -> Graph:
    """Load a network saved by ``save``; parameters come back bit-identical."""
    toml_path, _ = paths(path)
    spec = netfile.read(toml_path)
    if registry is None:
        from .discovery import default_registry
        registry = default_registry()
    check_plugins(spec, registry)
    values = load_parameters(spec, toml_path.parent)
    return netfile.build(spec, registry, values=values, check_shapes=False)


def check_plugins(spec: netfile.NetworkSpec, registry: Registry) -> list[str]:
    """Refuse a gate nobody provides; warn (and return) every version difference."""
    missing, notes = [], []
    for g in spec.gates:
        if g.gate not in registry:
            was = (f"distribution {g.distribution!r} {g.version or ''}".rstrip()
                   if g.distribution else "an unrecorded distribution")
            missing.append(f"gate {g.gate!r} (node {g.name!r}, line "
                           f"{netfile.locate(spec.text, (g.section, g.name))}) was provided by "
                           f"{was}, plugin {g.plugin!r}, when the network was saved")
            continue
        now = registry.get(g.gate)
        dist_now = now.distribution or "(local)"
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
                        and g.distribution != "(local)"})
        hint = f"; install {', '.join(dists)} (pip install {' '.join(dists)})" if dists else \
            "; register the plugin that provides it before loading"
        raise MissingPluginError(f"{spec.source}: cannot load: " + "; ".join(missing) + hint)
    for note in notes:
        warnings.warn(f"{spec.source}: {note}", VersionWarning, stacklevel=3)
    return notes


def load_parameters(spec: netfile.NetworkSpec, folder: Path) -> dict[str, np.ndarray]:
    """The parameter arrays named by ``spec``'s [saved] table, checked and pickle-free."""
    saved = spec.saved
    name = saved.get("parameters")
    if not isinstance(name, str) or not name:
        raise spec.error("a saved network names its parameter file here "
                         "(parameters = \"net.npz\")", "saved", "parameters")
    if Path(name).name != name or name in (".", ".."):
        raise spec.error(f"the parameter file must sit beside the network file; {name!r} "
                         f"is a path", "saved", "parameters")
    npz = folder / name
    try:
        blob = npz.read_bytes()
    except OSError as exc:
        raise PersistError(f"{npz}: cannot read the parameter file: {exc.strerror}") from None
    digest = hashlib.sha256(blob).hexdigest()
    if saved.get("sha256") != digest:
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


def read_npz(blob: bytes, source: str = "<npz>") -> dict[str, np.ndarray]:
    """Plain numeric arrays from ``.npz`` bytes; anything pickled is refused."""
    if not blob.startswith(b"PK\x03\x04"):
        raise PersistError(f"{source}: not a parameter file: an .npz is a zip archive, "
                           f"and this is not one")
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except ValueError as exc:
        if "pickle" in str(exc):
            raise PersistError(f"{source}: refused: it holds a pickled object, and loading "
                               f"it could run code; parameters are plain arrays") from None
        raise PersistError(f"{source}: not a parameter file: {exc}") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise PersistError(f"{source}: not a parameter file (.npz): {exc}") from None
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise PersistError(f"{source}: refused: {key!r} is {value.dtype}, not a "
                               f"floating-point array")
    return arrays


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
