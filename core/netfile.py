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
and the key at fault. This module gathers the pieces: ``netspec`` (the parsed
form, errors, line finding), ``netparse`` (read, parse), ``netbuild`` (build,
check shapes), ``netwrite`` (dumps) and ``tomlwrite`` (TOML text).
"""
from __future__ import annotations

from .netbuild import CHECK_BATCH, build, check, default_outputs, load
from .netparse import parse, read
from .netspec import BATCH, FORMAT, GateEntry, NetworkFileError, NetworkSpec, locate
from .netwrite import dumps

__all__ = ["BATCH", "CHECK_BATCH", "FORMAT", "GateEntry", "NetworkFileError", "NetworkSpec",
           "build", "check", "default_outputs", "dumps", "load", "locate", "parse", "read"]
