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
from a plugin found through the ``gates`` entry-point group. The subpackages,
one per concern, are listed in docs/design.md.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Imported at once: what a gate plugin needs (the kinds, the hook marker, the errors).
from core.errors import (
    ArgumentError,
    CycleError,
    DuplicateGateError,
    EngineWarning,
    GateContractError,
    GateError,
    GatesError,
    GraphError,
    PluginError,
    ShapeError,
    UnknownGateError,
)
from core.gate.kinds import KINDS, Activation, Cost, Gate, Operator
from core.hookspecs import hookimpl, hookspec

# Everything else is imported on first use, so that ``gates list`` and a plugin's
# import stay cheap: {public name: the module that defines it}.
_LAZY = {
    "elementwise": "core.gate.define",
    "GateSpec": "core.registry.manager", "Registry": "core.registry.manager",
    "PluginInfo": "core.registry.discovery", "PluginWarning": "core.registry.discovery",
    "default_registry": "core.registry.discovery",
    "load_entry_points": "core.registry.discovery", "plugin_report": "core.registry.discovery",
    "Graph": "core.graph.graph", "Node": "core.graph.node", "mlp": "core.graph.compose",
    "Executor": "core.engine.executor", "Plan": "core.engine.plan",
    "FeedError": "core.engine.feeds",
    "SGD": "core.engine.training", "History": "core.engine.training",
    "train": "core.engine.training",
    "GraphvizError": "core.views.dot", "render": "core.views.dot", "to_dot": "core.views.dot",
    "Explanation": "core.views.backprop", "explain": "core.views.backprop",
    "Progress": "core.views.progress",
    "NetworkFileError": "core.netfile.spec",
    "MissingPluginError": "core.netfile.saved", "PersistError": "core.netfile.npz",
    "VersionWarning": "core.netfile.saved", "load": "core.netfile.saved",
    "save": "core.netfile.saved",
    "CHECK_NAMES": "core.contract.suite", "Check": "core.contract.suite",
    "CheckResult": "core.contract.suite", "check_gate": "core.contract.suite",
    "iter_checks": "core.contract.suite", "CheckFailure": "core.contract.subject",
}

__all__ = [
    "KINDS", "Activation", "Cost", "Gate", "Operator", "elementwise",
    "hookimpl", "hookspec", "Registry", "GateSpec", "default_registry",
    "load_entry_points", "plugin_report", "PluginInfo", "PluginWarning",
    "Graph", "Node", "Executor", "Plan", "mlp", "train", "SGD", "History",
    "GatesError", "ArgumentError", "UnknownGateError", "DuplicateGateError", "PluginError",
    "GraphError", "ShapeError", "GateContractError", "GateError", "FeedError", "CycleError",
    "EngineWarning",
    # seeing and keeping a network
    "to_dot", "render", "GraphvizError", "explain", "Explanation", "NetworkFileError",
    "save", "load", "PersistError", "MissingPluginError", "VersionWarning", "Progress",
    # the contract suite every gate plugin must pass
    "check_gate", "iter_checks", "Check", "CheckResult", "CheckFailure", "CHECK_NAMES",
]

if TYPE_CHECKING:  # what the lazy table provides, for type checkers
    from core.contract.subject import CheckFailure
    from core.contract.suite import CHECK_NAMES, Check, CheckResult, check_gate, iter_checks
    from core.engine.executor import Executor
    from core.engine.feeds import FeedError
    from core.engine.plan import Plan
    from core.engine.training import SGD, History, train
    from core.gate.define import elementwise
    from core.graph.compose import mlp
    from core.graph.graph import Graph
    from core.graph.node import Node
    from core.netfile.npz import PersistError
    from core.netfile.saved import MissingPluginError, VersionWarning, load, save
    from core.netfile.spec import NetworkFileError
    from core.registry.discovery import (
        PluginInfo,
        PluginWarning,
        default_registry,
        load_entry_points,
        plugin_report,
    )
    from core.registry.manager import GateSpec, Registry
    from core.views.backprop import Explanation, explain
    from core.views.dot import GraphvizError, render, to_dot
    from core.views.progress import Progress


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (``__all__``), not the names used to build it."""
    return sorted(__all__)
