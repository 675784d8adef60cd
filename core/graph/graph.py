"""Composing a network: inputs, trainable parameters and gates, by registered name.

A node is named by a string; a gate's inputs are the names of other nodes, and a
node's output may feed any number of gates (the CMU slides' fan-out). Inputs
are non-trainable values fed at run time; parameters are trainable values the
graph owns (the slides' trainable nodes). Every composition error is raised
before the graph is changed, so nothing already built is lost.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from core.engine.executor import Executor
from core.errors import GraphError, suggest
from core.graph.checks import finite_number, input_shape, param_shape, param_value
from core.graph.init import initialise
from core.graph.node import Node
from core.graph.params import Params
from core.graph.pickling import graph_state, rebuild
from core.graph.topology import topological_order
from core.registry.discovery import default_registry
from core.registry.manager import Registry
from core.rules import name_problem, rate_problem, seed_problem


class Graph:
    """A computation graph of registered gates."""

    def __init__(self, registry: Registry | None = None, *, dtype: Any = np.float64,
                 seed: int | None = 0) -> None:
        if seed is not None and seed_problem(seed):
            raise GraphError(f"Graph(seed=...): {seed_problem(seed)}")
        self.registry = default_registry() if registry is None else registry
        self.dtype = canonical_dtype(dtype)
        #: the seed initialisers draw from (kept so a network file can record it)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.nodes: dict[str, Node] = {}
        #: held by every run of the graph and every write of its parameters or structure,
        #: so that threads sharing the graph see whole steps (docs/design.md, "Threading")
        self.lock = threading.RLock()
        self._params = Params(self.lock)
        #: per-parameter learning rates, the seed's lambda_i (Eq. 1)
        self.rates: dict[str, float] = {}
        #: parameter initialisers, kept so a network file can describe them
        self.inits: dict[str, dict[str, Any]] = {}
        #: the nodes that are the network's outputs (its predictions)
        self.outputs: list[str] = []
        #: the network's name and what it is, in a sentence (kept by network files)
        self.name = ""
        self.description = ""
        self._version = 0
        self._counter = 0

    # -- building ------------------------------------------------------------
    def _add(self, node: Node, array: np.ndarray | None = None) -> str:
        with self.lock:
            if node.name in self.nodes:
                raise GraphError(f"a node named {node.name!r} already exists "
                                 f"({self.nodes[node.name].op})")
            self.nodes[node.name] = node
            if array is not None:
                self._params.adopt(node.name, array)
            self._version += 1
        return node.name

    def input(self, name: str, shape: Iterable[int | None] | None = None) -> str:
        """A non-trainable value fed at run time (X, Y)."""
        _check_name(name)
        return self._add(Node(name, "input", shape=input_shape(name, shape)))

    def param(self, name: str, value: Any = None, *, shape: Iterable[int] | None = None,
              init: str = "lecun", scale: float = 1.0, rate: float | None = None) -> str:
        """A trainable parameter: an explicit ``value`` or ``shape`` plus ``init``."""
        _check_name(name)
        if rate is not None and rate_problem(rate):
            raise GraphError(f"parameter {name!r}: {rate_problem(rate)}")
        if name in self.nodes:
            raise GraphError(f"a node named {name!r} already exists ({self.nodes[name].op})")
        if value is None:
            if shape is None:
                raise GraphError(f"parameter {name!r} needs a value or a shape")
            shape = param_shape(name, shape, self.dtype)
            if not finite_number(scale):
                raise GraphError(f"parameter {name!r}: scale must be a finite number, "
                                 f"not {scale!r}")
            array = initialise(init, shape, self.rng, self.dtype, scale)
            self.inits[name] = {"init": init, "shape": list(shape), "scale": scale}
        else:
            array = param_value(name, value, self.dtype)  # a copy the graph owns
            if shape is not None and param_shape(name, shape, self.dtype) != array.shape:
                raise GraphError(f"parameter {name!r}: the value has shape {array.shape} but "
                                 f"shape= says {tuple(shape)}")
            self.inits[name] = {"init": "value", "shape": list(array.shape)}
        self._add(Node(name, "param"), array)
        if rate is not None:
            self.rates[name] = float(rate)
        return name

    def gate(self, gate_name: str, *inputs: str, name: str | None = None,
             **attributes: Any) -> str:
        """Add a gate of the registered type ``gate_name`` reading ``inputs``.

        Inputs may name nodes not yet added; they are resolved when the graph
        is compiled (so a network file may list gates in any order).
        """
        spec = self.registry.get(gate_name)
        if name is None:  # a gate type may be named "pack.op-2": not a node name
            base = re.sub(r"[^A-Za-z0-9_]", "_", gate_name)
            self._counter += 1
            name = f"{base}{self._counter}"
            while name in self.nodes:
                self._counter += 1
                name = f"{base}{self._counter}"
        _check_name(name)
        if len(inputs) != spec.arity:
            raise GraphError(f"gate {name!r} ({gate_name}) takes {spec.arity} input"
                             f"{'s' if spec.arity != 1 else ''}, got {len(inputs)}: "
                             f"{', '.join(map(repr, inputs)) or 'none'}")
        for i in inputs:
            if not isinstance(i, str):
                raise GraphError(f"gate {name!r} ({gate_name}): inputs are node names, "
                                 f"got {type(i).__name__} {i!r}")
        if name in self.nodes:
            raise GraphError(f"a node named {name!r} already exists ({self.nodes[name].op})")
        gate = self.registry.create(gate_name, **attributes)
        return self._add(Node(name, "gate", tuple(inputs), gate, spec, dict(attributes)))

    def output(self, *names: str) -> None:
        """Mark nodes as the graph's outputs: what ``predict`` returns."""
        for name in names:
            self[name]  # an unknown name raises, with a suggestion
        self.outputs.extend(n for n in names if n not in self.outputs)

    # -- parameters ----------------------------------------------------------
    @property
    def params(self) -> Params:
        """{name: array} of the trainable parameters; the graph owns the arrays.

        Assigning (``graph.params[name] = value``) copies into the owned array,
        as ``set_params`` does.
        """
        return self._params

    @params.setter
    def params(self, values: Mapping[str, Any]) -> None:
        self.set_params(values)

    def set_params(self, values: Mapping[str, Any]) -> None:
        """Copy ``values`` ({name: array}) into the parameters, the way to load weights.

        Every name, shape and dtype is checked before anything is copied, so a
        bad value changes nothing; the arrays stay the graph's own, and so a
        compiled step stays valid.
        """
        self._params.assign(values)

    # -- pickling: the network, its parameter values and provenance, no caches --
    def __getstate__(self) -> dict[str, Any]:
        return graph_state(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        rebuild(self, state)

    # -- reading -------------------------------------------------------------
    def __getitem__(self, name: str) -> Node:
        try:
            return self.nodes[name]
        except KeyError:
            raise GraphError(f"no node named {name!r}{suggest(name, self.nodes)}") from None

    @property
    def inputs(self) -> list[str]:
        return [n for n, node in self.nodes.items() if node.op == "input"]

    @property
    def costs(self) -> list[str]:
        return [n for n, node in self.nodes.items()
                if node.op == "gate" and node.kind == "cost"]

    def consumers(self) -> dict[str, list[str]]:
        """For each node, the gates that read it."""
        out: dict[str, list[str]] = {n: [] for n in self.nodes}
        for node in self.nodes.values():
            for i in node.inputs:
                if i in out:
                    out[i].append(node.name)
        return out

    def order(self, targets: Iterable[str] | None = None) -> list[str]:
        """Nodes needed for ``targets`` (default: every node) in topological order.

        Raises GraphError for an undefined input, CycleError for a cycle.
        """
        return topological_order(self.nodes, targets)

    # -- running (delegated to the executor) ----------------------------------
    def executor(self) -> Executor:
        """An executor of this graph on the planned path (``core.engine``)."""
        return Executor(self)

    def forward(self, feed: Mapping[str, Any], outputs: Iterable[str] | None = None
                ) -> dict[str, np.ndarray]:
        """Values of every node needed for ``outputs`` (default: all nodes)."""
        return self.executor().forward(feed, outputs)

    def predict(self, feed: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Values of the declared outputs (see ``output``) for the fed inputs."""
        if not self.outputs:
            raise GraphError("the graph declares no outputs; call graph.output(name)")
        values = self.forward(feed, self.outputs)
        return {n: values[n] for n in self.outputs}

    def value_and_grad(self, feed: Mapping[str, Any], wrt: Iterable[str] | None = None,
                       of: Iterable[str] | None = None):
        """(J, {name: dJ/dname}) for the parameters, or the nodes named in ``wrt``.

        J is the sum of the graph's costs, or of the nodes named in ``of``.
        """
        return self.executor().value_and_grad(feed, wrt, of=of)


def canonical_dtype(dtype: Any) -> np.dtype:
    """The native floating dtype for ``dtype`` (one object per dtype, also after pickling)."""
    try:
        found = np.dtype(dtype)
    except TypeError as exc:
        raise GraphError(f"graph dtype must be a floating type, not {dtype!r}: {exc}") from None
    if found.kind != "f":
        raise GraphError(f"graph dtype must be a floating type, not {found}")
    return np.dtype(found.name)


def _check_name(name: Any) -> None:
    """Refuse a name a network file could not hold (the rule lives in ``core.rules``)."""
    problem = name_problem(name)
    if problem:
        raise GraphError(problem)
