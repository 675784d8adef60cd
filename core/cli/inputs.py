"""What the network commands read: the NETWORK argument, the files it names, the data.

NETWORK is a network file (``.toml``; a saved, trained one loads with its
parameters) or the name of a built-in example (``seed``: the seed's [2, 3, 1]
network with its XOR batch of 4). ``inputs_of`` lists the files a command reads,
so that no output may overwrite one (``core.cli.outputs.check_distinct``).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from core.cli.status import UsageError
from core.errors import GatesError, suggest
from core.examples import EXAMPLES


def load_network(arg: str):
    """(graph, name, example feed or None) for a file path or an example name."""
    from core import netfile
    path = Path(arg)
    if arg in EXAMPLES and not path.exists():
        _, network, feed = EXAMPLES[arg]
        return network(), arg, feed()
    if not path.exists():
        hint = suggest(arg, EXAMPLES)
        raise UsageError(f"no network file {arg!r}{hint or ';'} {'Give' if hint else 'give'} "
                         f"a .toml network file or one of the examples: {', '.join(EXAMPLES)}")
    graph = netfile.load(path)  # a saved one with its values
    return graph, graph.name, None


def inputs_of(args: argparse.Namespace) -> dict[str, Path]:
    """The files a command reads: the network file (and its parameter file), --data."""
    from core import netfile
    found: dict[str, Path] = {}
    path = Path(args.network)
    if path.is_file():
        found["network file"] = path
        try:
            parameters = netfile.read(path).saved.get("parameters")
        except GatesError:
            parameters = None
        if isinstance(parameters, str) and parameters:
            found["network's parameter file"] = path.parent / parameters
    if getattr(args, "data", None):
        found["--data file"] = Path(args.data)
    return found


def columns_of(args: argparse.Namespace) -> dict[str, list[str]]:
    """--columns as {input: columns}; a malformed or repeated one is a usage error."""
    from core.data import DataError, parse_columns
    try:
        return parse_columns(getattr(args, "columns", None) or [])
    except DataError as exc:
        raise UsageError(str(exc)) from None


def data_feed(graph, args: argparse.Namespace, example_feed, *, need: bool):
    """The feed from --data/--columns, the example's own, or None."""
    from core.data import read_columns
    if getattr(args, "data", None):
        mapping = columns_of(args)
        for name in mapping:
            if name not in graph.inputs:
                raise UsageError(f"--columns {name}=...: the network has no input {name!r}"
                                 f"{suggest(name, graph.inputs, 'its inputs are')}")
        needed = [n for n in graph.inputs if n in graph.order(graph.costs or None)]
        feed = read_columns(args.data, mapping, needed, graph.dtype)
        return {name: _fit(graph, name, array, mapping) for name, array in feed.items()}
    if example_feed is not None:
        return example_feed
    if need:
        raise UsageError(f"this needs data: --data FILE.csv (and --columns INPUT=COLUMN,... "
                         f"for the inputs {', '.join(graph.inputs)})")
    return None


def _fit(graph, name: str, array: np.ndarray, mapping) -> np.ndarray:
    """The CSV columns for input ``name`` in the shape the network declares for it."""
    shape = graph.nodes[name].shape
    if shape is None:
        return array
    columns = mapping.get(name, [name])
    if len(shape) == 1 and array.shape[1] == 1:
        return array[:, 0]  # a 1-D input: one column, one value per row
    if len(shape) == 2 and shape[1] not in (None, -1) and shape[1] != array.shape[1]:
        raise UsageError(f"input {name!r} takes {shape[1]} column(s) (shape "
                         f"{['batch' if d in (None, -1) else d for d in shape]}), but "
                         f"{len(columns)} were chosen: {', '.join(columns)}")
    return array
