"""A node of a graph: an input, a parameter or a gate, named by a string."""
from __future__ import annotations

from typing import Any, Literal

import attrs

from core.errors import GraphError
from core.gate.kinds import Gate, Kind
from core.registry.manager import GateSpec

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
