"""The gates engine: the public API, gathered in one place.

Writing a gate plugin::

    import numpy as np
    from core import Activation, hookimpl

    class Tanh(Activation):
        "Hyperbolic tangent."
        name = "tanh"
        def forward(self, x, out=None):
            return np.tanh(x, out=out)
        def derivative(self, x, y):
            return 1.0 - y * y

    @hookimpl
    def register_gates(register):
        register(Tanh)

Composing and training a network::

    from core import mlp, train
    net = mlp([2, 3, 1], "sigmoid", cost="mse")
    history = train(net, {"X": X, "Y": Y}, epochs=2000, rate=0.5)

The engine knows no gate math: every gate, the built-in ones included, comes
from a plugin found through the ``gates`` entry-point group.
"""
from __future__ import annotations

import importlib
import sys
import types

# Imported at once: what a gate plugin needs (the kinds, the hook marker, the errors).
from .contract import KINDS, Activation, Cost, Gate, Operator
from .errors import (CycleError, DuplicateGateError, GateContractError, GatesError,
                     GraphError, PluginError, ShapeError, UnknownGateError)
from .hookspecs import hookimpl, hookspec

# Everything else is imported on first use, so that ``gates list`` and a plugin's
# import stay cheap: {public name: the module that defines it}.
_LAZY = {
    "mlp": "compose", "elementwise": "define",
    "PluginInfo": "discovery", "PluginWarning": "discovery", "default_registry": "discovery",
    "load_entry_points": "discovery", "plugin_report": "discovery",
    "Executor": "executor", "Plan": "executor", "Graph": "graph", "Node": "graph",
    "FeedError": "feeds",
    "GateSpec": "registry", "Registry": "registry",
    "SGD": "train", "History": "train", "train": "train",
    "GraphvizError": "dot", "render": "dot", "to_dot": "dot",
    "Explanation": "explain", "explain": "explain", "NetworkFileError": "netfile",
    "MissingPluginError": "persist", "PersistError": "persist", "VersionWarning": "persist",
    "load": "persist", "save": "persist", "Progress": "progress",
    "CHECK_NAMES": "checks", "Check": "checks", "CheckResult": "checks",
    "check_gate": "checks", "iter_checks": "checks", "CheckFailure": "subject",
}

__all__ = [
    "KINDS", "Activation", "Cost", "Gate", "Operator", "elementwise",
    "hookimpl", "hookspec", "Registry", "GateSpec", "default_registry",
    "load_entry_points", "plugin_report", "PluginInfo", "PluginWarning",
    "Graph", "Node", "Executor", "Plan", "mlp", "train", "SGD", "History",
    "GatesError", "UnknownGateError", "DuplicateGateError", "PluginError",
    "GraphError", "ShapeError", "GateContractError", "FeedError", "CycleError",
    # seeing and keeping a network
    "to_dot", "render", "GraphvizError", "explain", "Explanation", "NetworkFileError",
    "save", "load", "PersistError", "MissingPluginError", "VersionWarning", "Progress",
    # the contract suite every gate plugin must pass
    "check_gate", "iter_checks", "Check", "CheckResult", "CheckFailure", "CHECK_NAMES",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Core(types.ModuleType):
    """``core.train`` and ``core.explain`` are functions, as they always were.

    Importing the submodules ``core.train`` or ``core.explain`` makes Python set
    the package attribute of that name to the submodule; here it is set to the
    function the submodule defines instead.
    """

    def __setattr__(self, name: str, value) -> None:
        if name in ("train", "explain") and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Core
