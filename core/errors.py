"""Errors the framework raises. Each message names the thing at fault."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class GatesError(Exception):
    """Base of every error this framework raises on bad input."""


class UnknownGateError(GatesError, KeyError):
    """A gate name that no installed plugin registered."""

    def __init__(self, name: str, known: Iterable[str]):
        self.name = name
        super().__init__(f"no gate named {name!r} is registered{suggest(name, known)}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class DuplicateGateError(GatesError):
    """Two plugins registered the same gate name."""


class PluginError(GatesError):
    """A plugin failed to load or to register its gates."""


class GraphError(GatesError):
    """A graph that cannot be built or run: wiring, arity, cycles, missing values."""


class CycleError(GraphError):
    """A graph whose wiring loops; ``cycle`` is the loop as a closed path of node names."""

    def __init__(self, message: str, cycle: list[str]) -> None:
        super().__init__(message)
        self.cycle = cycle


class ShapeError(GraphError, ValueError):
    """Values whose shapes cannot combine in a gate."""


class ArgumentError(GatesError, TypeError, ValueError):
    """A library call given an argument it cannot take -- ``check_gate(5)``, a check name
    that is no check, a negative seed; also a TypeError and a ValueError, as Python's own
    argument errors are."""


class GateContractError(GatesError):
    """A gate returned something the contract does not allow."""


class EngineWarning(UserWarning):
    """The engine changed how it runs a graph (for example, for good to the slower
    reference path) and says why."""


class GateError(GatesError):
    """A gate raised while a compiled step ran; the message names the node, the gate
    type, its plugin and the method, and the gate's own exception is chained."""


def suggest(name: str, known: Iterable[str], listing: str | None = None) -> str:
    """'; did you mean ...?' for a mistyped name, or ''.

    With ``listing`` (e.g. "the columns are") the known names follow, so a
    caller need not add '; known: ...' after a question mark:
    "; did you mean 'xor'? The columns are: x1, x2, xor" or, with no close
    name, "; the columns are: a, b".
    """
    known = list(known)
    lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5) or \
        [lower[k] for k in difflib.get_close_matches(name.lower(), list(lower), n=3, cutoff=0.5)]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    if listing is None:
        return hint
    names = f"{listing}: {', '.join(known)}"
    return f"{hint} {names[0].upper()}{names[1:]}" if hint else f"; {names}"
