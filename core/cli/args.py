"""What the command line checks before any work: its numbers.

The argparse types turn a bad number into a usage error naming the option
(``argument --rate: must be a finite number of at least 0, not 'nan'``), exit
status 2. Output names are checked in ``core.cli.outputs``.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from core.errors import GatesError
from core.rules import rate_problem, seed_problem


def _by_rule(convert: Callable[[str], Any], problem: Callable[[Any], str | None],
             expected: str) -> Callable[[str], Any]:
    """An argparse type: ``convert`` the text, then refuse it if ``problem`` (a rule of
    core.rules, the one graphs, files and the library use) finds one."""
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or problem(value):
            raise argparse.ArgumentTypeError(f"must be {expected}, not {text!r}")
        return value
    return parse


rate_arg = _by_rule(float, rate_problem, "a finite number of at least 0")  # --rate
seed_arg = _by_rule(int, seed_problem, "a whole number of at least 0")  # --seed


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
