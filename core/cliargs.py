"""What the command line checks before any work: its numbers and its output names.

The argparse types turn a bad number into a usage error naming the option
(``argument --rate: must be a finite number of at least 0, not 'nan'``);
``check_output`` refuses an output name that could not be written before a
long training run, not after it.
"""
from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from .errors import GatesError


def rate_arg(text: str) -> float:
    """An argparse type: a finite number of at least 0 (a learning rate)."""
    try:
        x = float(text)
    except ValueError:
        x = float("nan")
    if not math.isfinite(x) or x < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of at least 0, not {text!r}")
    return x


def whole_arg(text: str) -> int:
    """An argparse type: a whole number (a seed)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None


def positive_arg(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return n


def count_arg(text: str) -> int:
    """An argparse type: a whole number of at least 0."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 0, not {text!r}")
    return n


def need_cost(graph, arg: str) -> None:
    """Refuse a network with no cost gate, naming the file and what to add."""
    if not graph.costs:
        raise GatesError(f"{arg}: the network has no [cost] section; add one naming the "
                         f"cost gate, the prediction and the target, e.g. [cost] then "
                         f"J = {{ gate = \"mse\", inputs = [\"PREDICTION\", \"TARGET\"] }}")


def check_output(path: str | Path, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, an output name that cannot be written.

    Missing folders are created when the file is written; what is checked is
    the suffix, that the name is not a folder and that the nearest existing
    folder above it is a folder we may write in.
    """
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise GatesError(f"{option} {path}: use a name ending in {' or '.join(suffixes)}")
    if path.is_dir():
        raise GatesError(f"{option} {path}: that is a folder; give a file name")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise GatesError(f"{option} {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GatesError(f"{option} {path}: cannot write in the folder {parent}")
