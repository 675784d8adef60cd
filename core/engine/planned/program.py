"""The step as a flat program: forward, backward and (for training) the update.

``trace_step`` turns one validated step into straight-line code lines, every
gate call specialised for the shapes it saw: ``out=`` buffers passed where the
gate supports them, broadcast reductions with their axes worked out, gradients
nobody needs never asked for, fan-out summed into a buffer of its own, and the
parameter update ``W -= rate * dJ/dW`` made in place.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from core.engine.plan import Plan
from core.engine.planned.backward import Backward
from core.engine.planned.trace import Builder, Value, check_out, same
from core.errors import GateContractError
from core.gate.backward import RULES
from core.gate.diffs import check_output

if TYPE_CHECKING:
    from core.graph.graph import Graph

STALE = object()  # returned when the graph's parameter arrays were replaced


class StepTracer(Backward):
    """Builds the program of one step; see ``trace_step``."""

    def __init__(self, graph: Graph, plan: Plan, values: Mapping[str, np.ndarray]) -> None:
        self.g, self.plan, self.ref = graph, plan, values
        self.b = Builder()
        self.env: dict[str, Value] = {}
        self.grads: dict[str, Value] = {}
        self.summed: set[str] = set()

    # -- forward -------------------------------------------------------------
    def load(self, feed_kinds: Mapping[str, bool]) -> None:
        """Inputs from the feed dict F, parameters as constants (guarded)."""
        b = self.b
        b.namespace.update(P=self.g.params, STALE=STALE, _asarray=np.asarray,
                           _dt=self.g.dtype)
        params = [n for n in self.plan.order if n.op == "param"]
        for node in params:
            name = b.const(self.g.params[node.name], "p")
            self.env[node.name] = b.external(self.g.params[node.name], name)
        if params:
            b.emit("if " + " or ".join(f"P[{n.name!r}] is not {self.env[n.name].name}"
                                       for n in params) + ": return STALE")
        inputs = [n for n in self.plan.order if n.op == "input"]
        b.namespace.update(_nd=np.ndarray, _mul=np.multiply, _add=np.add,
                           _sub=np.subtract, _sum=np.add.reduce)
        guard = [f"len(F) != {len(feed_kinds)}"]
        for node in inputs:
            name, ref = b.fresh("x"), self.ref[node.name]
            if feed_kinds[node.name]:  # the fed array itself, checked to fit the step
                b.emit(f"{name} = F[{node.name!r}]")
                guard.append(f"type({name}) is not _nd or {name}.shape != {ref.shape!r} "
                             f"or {name}.dtype != _dt")
            else:
                b.emit(f"{name} = _asarray(F[{node.name!r}], dtype=_dt)")
                guard.append(f"{name}.shape != {ref.shape!r}")
            self.env[node.name] = b.external(ref, name)
        b.emit(f"if {' or '.join(guard)}: return STALE")

    def forward(self) -> None:
        b = self.b
        for node in self.plan.order:
            if node.op != "gate":
                continue
            xs = [self.env[i] for i in node.inputs]
            ref = self.ref[node.name]
            f = b.const(node.gate.forward, "f")
            args = ", ".join(x.name for x in xs)
            name = b.fresh()
            b.at(node, "forward")
            arrays = [x.array for x in xs]
            with self.watching(node, "forward", arrays):
                if node.kind != "cost" and node.gate.supports_out:
                    out = b.buffer(ref.shape, ref.dtype)
                    y = node.gate.forward(*arrays, out=out.array)
                    self.checked(node, check_output, node.kind, y, arrays, self.g.dtype)
                    check_out(node, "forward", ref, y, ref.dtype)
                    b.emit(f"{name} = {f}({args}, out={out.name})", xs, [out])
                    value = b.observe(y, xs, [out], name)
                else:
                    y = node.gate.forward(*arrays)
                    self.checked(node, check_output, node.kind, y, arrays, self.g.dtype)
                    b.emit(f"{name} = {f}({args})", xs)
                    value = b.observe(y, xs, [], name)
            b.at(node, None)
            if not isinstance(y, np.ndarray) and node.kind != "cost":
                b.emit(f"{name} = _asarray({name})", [value])
                value.array = np.asarray(y)
            self.env[node.name] = value

    # -- backward ------------------------------------------------------------
    def backward(self) -> None:
        b = self.b
        for c in self.plan.costs:
            ones = np.ones_like(np.asarray(self.ref[c]))
            ones.flags.writeable = False
            self.grads[c] = b.external(ones, b.const(ones, "one"))
            self.grads[c].ones = True
        for node, needs, _ in self.plan.backward:
            top = self.grads.get(node.name)
            if top is None:
                continue
            if RULES[node.kind].scales:
                self.contribute(node, 0, self.scaled(node, top))
                continue
            for i, d in enumerate(self.vjp(node, top, needs)):
                if d is not None:
                    self.contribute(node, i, d)

    # -- the end of a step -----------------------------------------------------
    def loss(self) -> str:
        parts = []
        for c in self.plan.costs:
            v = self.env[c]
            parts.append(f"float({v.name})" if np.ndim(v.array) == 0 else
                         f"float({v.name}.sum())")
        return " + ".join(parts) or "0.0"

    def returns_grads(self) -> None:
        """value_and_grad: the loss and a copy of every gradient asked for."""
        items, reads_ = [], []
        for w in self.plan.wrt:
            v = self.grads.get(w)
            if v is None:
                items.append(f"{w!r}: np.zeros_like({self.env[w].name})")
            else:
                items.append(f"{w!r}: np.array({v.name}, copy=True)")
                reads_.append(v)
        self.b.emit(f"return {self.loss()}, {{{', '.join(items)}}}",
                    reads_ + [self.env[c] for c in self.plan.costs])

    def update(self, rates: Mapping[str, float]) -> None:
        """SGD in place: W <- W - rate * dJ/dW (seed 000, Eq. 1)."""
        b = self.b
        loss = b.fresh("loss")
        b.emit(f"{loss} = {self.loss()}", [self.env[c] for c in self.plan.costs])
        b.emit(f"if {loss} - {loss} != 0.0: return {loss}")  # inf or NaN: no update
        pending = {w: self.grads[w] for w in self.plan.wrt if w in self.grads}
        # how many gradients may live in each buffer: counted once, not per pair (P^2)
        holders = Counter(root for g in pending.values() for root in g.roots)
        for w, g in pending.items():
            p, rate = self.env[w], repr(float(rates[w]))
            own = b.owned(g)
            if own is not None and holders[own.id] == 1:  # no other gradient lives in it
                b.emit(f"_mul({g.name}, {rate}, {g.name})", [g])
                scaled = g
            else:
                buf = b.buffer(p.array.shape, p.array.dtype)
                b.emit(f"_mul({g.name}, {rate}, {buf.name})", [g], [buf])
                scaled = Value(buf.name, buf.array, frozenset({buf.id}))
            b.emit(f"_sub({p.name}, {scaled.name}, {p.name})", [scaled])
        b.emit(f"return {loss}")


def trace_step(graph: Graph, plan: Plan, values: Mapping[str, np.ndarray],
               ref_grads: Mapping[str, np.ndarray], feed_kinds: Mapping[str, bool],
               rates: Mapping[str, float] | None) -> StepTracer:
    """The program of one step: ``rates`` None returns (loss, grads), else updates."""
    t = StepTracer(graph, plan, values)
    t.load(feed_kinds)
    t.forward()
    t.backward()
    for w in plan.wrt:
        if w in t.grads and not same(ref_grads[w], t.grads[w].array, graph.dtype):
            raise GateContractError(
                f"the planned step's gradient for {w!r} differs from the reference "
                f"executor's; a gate's out= or backward_reads declaration is wrong")
    if rates is None:
        t.returns_grads()
    else:
        t.update(rates)
    return t
