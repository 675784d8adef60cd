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
from .compose import mlp
from .contract import KINDS, Activation, Cost, Gate, Operator
from .define import elementwise
from .discovery import PluginInfo, PluginWarning, default_registry, load_entry_points, plugin_report
from .errors import (DuplicateGateError, GateContractError, GatesError, GraphError,
                     PluginError, ShapeError, UnknownGateError)
from .executor import Executor, Plan
from .graph import Graph, Node
from .hookspecs import hookimpl, hookspec
from .registry import GateSpec, Registry
from .train import SGD, History, train
from .dot import GraphvizError, render, to_dot
from .explain import Explanation, explain
from .netfile import NetworkFileError
from .persist import MissingPluginError, PersistError, VersionWarning, load, save
from .progress import Progress
from .checks import CHECK_NAMES, Check, CheckResult, check_gate, iter_checks
from .subject import CheckFailure

__all__ = [
    "KINDS", "Activation", "Cost", "Gate", "Operator", "elementwise",
    "hookimpl", "hookspec", "Registry", "GateSpec", "default_registry",
    "load_entry_points", "plugin_report", "PluginInfo", "PluginWarning",
    "Graph", "Node", "Executor", "Plan", "mlp", "train", "SGD", "History",
    "GatesError", "UnknownGateError", "DuplicateGateError", "PluginError",
    "GraphError", "ShapeError", "GateContractError",
    # seeing and keeping a network
    "to_dot", "render", "GraphvizError", "explain", "Explanation", "NetworkFileError",
    "save", "load", "PersistError", "MissingPluginError", "VersionWarning", "Progress",
    # the contract suite every gate plugin must pass
    "check_gate", "iter_checks", "Check", "CheckResult", "CheckFailure", "CHECK_NAMES",
]
