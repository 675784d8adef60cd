"""The naming, number and rate rules that gate types, graphs, executors and network files share.

Each rule is written once here: the gate-name rule (registry, contract suite),
the node-name rule (graphs, network files, the writer), the learning-rate rule
(``Graph.param``, network files, the command line, the engine), the random-seed
rule (graphs, ``train``, the contract suite, network files, the command line) and
which rate a parameter is trained with (the seed's Eq. 1, ``rate_for``).

May import: nothing of the project.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

#: gate type names: a letter or _, then letters, digits, _ . - ("pack.op-2" is fine)
GATE_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.\-]*\Z")
GATE_NAME_RULE = "use letters, digits, '_', '.' or '-', starting with a letter or '_'"

#: node names are identifier-like, so they read the same in TOML, DOT and Python
#: (``\Z``, not ``$``: a ``$`` would let a name end in a newline)
NODE_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")
NODE_NAME_RULE = "use letters, digits and _, not starting with a digit (like a Python identifier)"


def gate_name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a gate type, or None."""
    if not isinstance(name, str) or not GATE_NAME.match(name):
        return f"the name {name!r} is not valid: {GATE_NAME_RULE}"
    return None


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a node (in a graph or a network file), or None."""
    if not isinstance(name, str) or not name:
        return f"node names must be non-empty strings, got {name!r}"
    if not NODE_NAME.match(name):
        return f"{name!r} is not a valid node name: {NODE_NAME_RULE}"
    return None


def rate_problem(rate: Any) -> str | None:
    """Why ``rate`` cannot be a learning rate (a finite number >= 0), or None."""
    if not isinstance(rate, Real) or isinstance(rate, bool):
        return f"a learning rate must be a number, not {rate!r}"
    if not math.isfinite(rate) or rate < 0:
        return f"a learning rate must be a finite number >= 0, not {rate!r}"
    return None


def seed_problem(seed: Any) -> str | None:
    """Why ``seed`` cannot seed a random generator (a whole number >= 0), or None."""
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        return f"a random seed must be a whole number, not {seed!r}"
    if seed < 0:
        return f"a random seed must be a whole number >= 0, not {seed!r}"
    return None


def rate_for(param: str, rate: float, rates: Mapping[str, float] | None,
             graph_rates: Mapping[str, float]) -> float:
    """The rate lambda_i of parameter ``param`` (seed 000, Eq. 1).

    The call's own ``rates`` first, then the rate the graph gave the
    parameter (``Graph.param(..., rate=...)``), then the global ``rate``.
    """
    if rates and param in rates:
        return rates[param]
    return graph_rates.get(param, rate)
