"""What the command line checks before any work: its numbers and its output names.

The argparse types turn a bad number into a usage error naming the option
(``argument --rate: must be a finite number of at least 0, not 'nan'``);
``check_output`` refuses an output name that could not be written before a
long training run, not after it.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.errors import GatesError
from core.rules import rate_problem, seed_problem


def rate_arg(text: str) -> float:
    """An argparse type: a learning rate, by the rule graphs and files use (core.rules)."""
    try:
        x = float(text)
    except ValueError:
        x = None
    if x is None or rate_problem(x):
        raise argparse.ArgumentTypeError(f"must be a finite number of at least 0, not {text!r}")
    return x


def seed_arg(text: str) -> int:
    """An argparse type: a random seed, a whole number >= 0 (the rule of core.rules)."""
    try:
        n = int(text)
    except ValueError:
        n = None
    if n is None or seed_problem(n):
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 0, not {text!r}")
    return n


def _whole_at_least(low: int):
    """An argparse type: a whole number of at least ``low``."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = low - 1
        if n < low:
            raise argparse.ArgumentTypeError(
                f"must be a whole number of at least {low}, not {text!r}")
        return n
    return parse


positive_arg = _whole_at_least(1)  # epochs, batch size, rows
count_arg = _whole_at_least(0)  # how many elements count as small


def need_cost(graph, arg: str) -> None:
    """Refuse a network with no cost gate, naming the file and what to add."""
    if not graph.costs:
        raise GatesError(f"{arg}: the network has no [cost] section; add one naming the "
                         f"cost gate, the prediction and the target, e.g. [cost] then "
                         f"J = {{ gate = \"mse\", inputs = [\"PREDICTION\", \"TARGET\"] }}")


def check_output(path: str | Path, option: str, suffixes: tuple[str, ...] = ()) -> Path:
    """Refuse, before any work, an output name that cannot be written; return it.

    The name must be a file name (not empty, not a folder), end in one of
    ``suffixes`` when given, and sit in a folder we may write in; missing
    folders are created here, as ``mkdir -p`` would, so that a folder that
    cannot be made is refused now rather than after a long run.
    """
    text = str(path)
    path = Path(text)
    if not text.strip() or path.name in ("", "..") or text.endswith(("/", os.sep)):
        raise GatesError(f"{option} {text!r}: give a file name")
    if path.is_dir():
        raise GatesError(f"{option} {path}: that is a folder; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        raise GatesError(f"{option} {path}: use a name ending in {' or '.join(suffixes)}")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise GatesError(f"{option} {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GatesError(f"{option} {path}: cannot write in the folder {parent}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GatesError(f"{option} {path}: cannot make its folder {path.parent}: "
                         f"{exc.strerror or exc}") from None
    return path
