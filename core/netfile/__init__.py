"""Network files: a declarative TOML description of a graph, by registered gate name.

A network file lists the inputs (with shapes; ``"batch"`` for any size), the
parameters (shape and initialiser, or an explicit value), the gates and their
wiring (with attributes), and the cost::

    [network]
    name = "seed"
    description = "the [2, 3, 1] network of seeds 000 and 001"
    dtype = "float64"
    seed = 0
    outputs = ["z2"]          # what predict() returns; default: what the cost reads

    [inputs]
    X = { shape = ["batch", 2] }
    Y = { shape = ["batch", 2] }

    [params]
    W1 = { shape = [2, 3], init = "lecun" }
    b1 = { shape = [1, 3], init = "zeros" }

    [gates]
    XW1 = { gate = "matmul", inputs = ["X", "W1"] }
    z2 = { gate = "add", inputs = ["XW1", "b1"] }

    [cost]
    J = { gate = "mse", inputs = ["z2", "Y"] }

Reading a file never runs code from it. Every error names the file, the line
and the key at fault. ``load`` reads and builds any network file; a saved one
(``save``: the file plus a hash-named ``.npz`` of its parameters) comes back
with its trained parameters. The pieces: ``spec`` (the parsed form, errors,
line finding), ``reader`` (read, parse), ``builder`` (build, check shapes),
``writer`` (dumps) and ``tomltext`` (TOML text), ``bounds`` (nesting and
shape sizes against ``core.limits``), ``npz`` (parameter files, atomic writes),
``lock`` (the advisory lock saves and loads of one path share), ``tidy`` (what
a save leaves and removes) and ``saved`` (save and load with provenance).

May import: ``core.graph``, ``core.registry``, ``core.gate``, ``core.limits``,
``core.errors``, ``core.rules``.
"""
from __future__ import annotations

from core.netfile.builder import build, check, default_outputs
from core.netfile.npz import PersistError, atomic_write, npz_bytes, read_npz
from core.netfile.reader import parse, read
from core.netfile.saved import (
                                MissingPluginError,
                                VersionWarning,
                                check_plugins,
                                load_parameters,
                                network_path,
                                save,
)
from core.netfile.saved import load as load_saved
from core.netfile.saved import load_file as load
from core.netfile.spec import BATCH, FORMAT, GateEntry, NetworkFileError, NetworkSpec, locate
from core.netfile.writer import dumps

__all__ = ["BATCH", "FORMAT", "GateEntry", "MissingPluginError", "NetworkFileError",
           "NetworkSpec", "PersistError", "VersionWarning", "atomic_write", "build", "check",
           "check_plugins", "default_outputs", "dumps", "load", "load_parameters", "load_saved",
           "locate", "network_path", "npz_bytes", "parse", "read", "read_npz", "save"]
