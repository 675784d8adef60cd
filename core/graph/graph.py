"""Composing a network: inputs, trainable parameters and gates, by registered name.

A node is named by a string; a gate's inputs are the names of other nodes, and a
node's output may feed any number of gates (the CMU slides' fan-out). Inputs
are non-trainable values fed at run time; parameters are trainable values the
graph owns (the slides' trainable nodes). Every composition error is raised
before the graph is changed, so nothing already built is lost.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs
import numpy as np

from core.engine.executor import Executor
from core.errors import CycleError, GraphError, suggest
from core.gate.kinds import Gate, Kind
from core.graph.init import initialise
from core.registry.discovery import default_registry
from core.registry.manager import GateSpec, Registry
from core.rules import name_problem, rate_problem

Op = Literal["input", "param", "gate"]


@attrs.define
class Node:
    """One node of the graph: an input, a parameter or a gate.

    Only a gate has a gate instance, a registered type (``spec``) and a kind;
    asking an input or a parameter for them is a GraphError.
    """

    name: str
    op: Op
    inputs: tuple[str, ...] = ()
    _gate: Gate | None = attrs.field(default=None, alias="gate")
    _spec: GateSpec | None = attrs.field(default=None, alias="spec")
    attributes: dict[str, Any] = attrs.field(factory=dict)
    shape: tuple[int | None, ...] | None = None  # declared shape of an input, if any

    @property
    def gate(self) -> Gate:
        """The gate instance that computes this node."""
        if self._gate is None:
            raise self._not_a_gate("gate")
        return self._gate

    @property
    def spec(self) -> GateSpec:
        """The registered gate type of this node, with its provenance."""
        if self._spec is None:
            raise self._not_a_gate("registered gate type")
        return self._spec

    @property
    def kind(self) -> Kind:
        """The gate's kind (operator, activation or cost)."""
        return self.spec.kind

    @property
    def label(self) -> str:
        """'name (gate)' for messages."""
        return f"{self.name!r} ({self.what})"

    @property
    def what(self) -> str:
        """The gate type's registered name, or 'input' or 'param'."""
        return self._spec.name if self._spec is not None else self.op

    def _not_a_gate(self, what: str) -> GraphError:
        return GraphError(f"node {self.name!r} is an {self.op}, not a gate: it has no {what}")


class Graph:
    """A computation graph of registered gates."""

    def __init__(self, registry: Registry | None = None, *, dtype: Any = np.float64,
                 seed: int | None = 0) -> None:
        self.registry = default_registry() if registry is None else registry
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise GraphError(f"graph dtype must be a floating type, not {self.dtype}")
        #: the seed initialisers draw from (kept so a network file can record it)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.nodes: dict[str, Node] = {}
        self.params: dict[str, np.ndarray] = {}
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
    def _add(self, node: Node) -> str:
        if node.name in self.nodes:
            raise GraphError(f"a node named {node.name!r} already exists "
                             f"({self.nodes[node.name].op})")
        self.nodes[node.name] = node
        self._version += 1
        return node.name

    def input(self, name: str, shape: Iterable[int | None] | None = None) -> str:
        """A non-trainable value fed at run time (X, Y)."""
        _check_name(name)
        return self._add(Node(name, "input", shape=None if shape is None else tuple(shape)))

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
            array = initialise(init, tuple(shape), self.rng, self.dtype, scale)
            self.inits[name] = {"init": init, "shape": list(shape), "scale": scale}
        else:
            array = np.array(value, dtype=self.dtype)  # a copy the graph owns
            self.inits[name] = {"init": "value", "shape": list(array.shape)}
        self._add(Node(name, "param"))
        self.params[name] = array
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

        Kahn's algorithm, iterative: a chain of many thousand gates is fine.
        Raises GraphError for an undefined input or a cycle.
        """
        for node in self.nodes.values():
            for i in node.inputs:
                if i not in self.nodes:
                    raise GraphError(f"gate {node.label} reads {i!r}, which is not a node "
                                     f"of the graph{suggest(i, self.nodes)}")
        ancestors = None if targets is None else self._ancestors(targets)
        # in definition order, never set order: the order must not change from
        # one run to the next (string hashing is randomised per process)
        wanted = [n for n in self.nodes if ancestors is None or n in ancestors]
        indegree = {n: len(self.nodes[n].inputs) for n in wanted}
        readers: dict[str, list[str]] = {n: [] for n in wanted}
        for n in wanted:
            for i in self.nodes[n].inputs:
                readers[i].append(n)
        ready = [n for n in wanted if indegree[n] == 0]
        order = []
        while ready:
            n = ready.pop()
            order.append(n)
            for r in reversed(readers[n]):
                indegree[r] -= 1
                if indegree[r] == 0:
                    ready.append(r)
        if len(order) != len(wanted):
            cycle = self._cycle([n for n in wanted if indegree[n] > 0])
            raise CycleError(f"the graph has a cycle: {' -> '.join(cycle)} "
                             f"(each node feeds the next)", cycle)
        return order

    def _cycle(self, stuck: list[str]) -> list[str]:
        """One cycle among the nodes Kahn's sort could not place, as a closed path.

        Every stuck node reads at least one stuck node, so following stuck
        inputs from any of them must come back to a node already visited.
        """
        blocked = set(stuck)
        where: dict[str, int] = {}  # node -> its position on the walk
        walk: list[str] = []
        n = stuck[0]
        while n not in where:
            where[n] = len(walk)
            walk.append(n)
            n = next(i for i in self.nodes[n].inputs if i in blocked)
        loop = walk[where[n]:][::-1]  # the walk follows inputs; data flows the other way
        rank = {name: k for k, name in enumerate(self.nodes)}
        first = min(range(len(loop)), key=lambda k: rank[loop[k]])
        loop = loop[first:] + loop[:first]  # start at the node defined first
        return loop + [loop[0]]

    def _ancestors(self, targets: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(targets)
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            self[n]  # raises for an unknown target
            seen.add(n)
            stack.extend(self.nodes[n].inputs)
        return seen

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


def _check_name(name: Any) -> None:
    """Refuse a name a network file could not hold (the rule lives in ``core.rules``)."""
    problem = name_problem(name)
    if problem:
        raise GraphError(problem)
