"""What the command line checks before any work: its numbers.

The argparse types turn a bad number into a usage error naming the option
(``argument --rate: must be a finite number of at least 0, not 'nan'``), exit
status 2. Output names are checked in ``core.cli.outputs``.
"""
from __future__ import annotations

import argparse

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
