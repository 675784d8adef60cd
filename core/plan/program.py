"""The step as a flat program: forward, backward and (for training) the update.

``trace_step`` turns one validated step into straight-line code lines, every
gate call specialised for the shapes it saw: ``out=`` buffers passed where the
gate supports them, broadcast reductions with their axes worked out, gradients
nobody needs never asked for, fan-out summed into a buffer of its own, and the
parameter update ``W -= rate * dJ/dW`` made in place.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..broadcast import reducible
from ..errors import GateContractError
from .trace import Builder, Value, check_out, same

STALE = object()  # returned when the graph's parameter arrays were replaced


def reads(gate) -> tuple[str, ...]:
    return tuple(getattr(gate, "backward_reads", ("inputs", "output")))


class StepTracer:
    """Builds the program of one step; see ``trace_step``."""

    def __init__(self, graph, plan, values: Mapping[str, np.ndarray]) -> None:
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
                             f"or {name}.dtype is not _dt")
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
            if node.spec.kind != "cost" and node.gate.supports_out:
                out = b.buffer(ref.shape, ref.dtype)
                y = node.gate.forward(*[x.array for x in xs], out=out.array)
                check_out(node, "forward", ref, y, ref.dtype)
                b.emit(f"{name} = {f}({args}, out={out.name})", xs, [out])
                value = b.observe(y, xs, [out], name)
            else:
                y = node.gate.forward(*[x.array for x in xs])
                b.emit(f"{name} = {f}({args})", xs)
                value = b.observe(y, xs, [], name)
            if not isinstance(y, np.ndarray) and node.spec.kind != "cost":
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
            self.grads[c].seed = True
        for node, needs in self.plan.backward:
            top = self.grads.get(node.name)
            if top is None:
                continue
            kind = node.spec.kind
            if kind == "activation":
                self.contribute(node, 0, self.activation(node, top))
            elif kind == "cost":
                self.contribute(node, 0, self.cost(node, top))
            else:
                for i, d in enumerate(self.operator(node, top, needs)):
                    if d is not None:
                        self.contribute(node, i, d)

    def passed(self, node, x: Value, y: Value) -> tuple[Value | None, Value | None]:
        r = reads(node.gate)
        return (x if "inputs" in r else None), (y if "output" in r else None)

    def call(self, node, method: str, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except (TypeError, AttributeError) as exc:
            raise GateContractError(
                f"gate {node.label} from {node.spec.source}: {method} failed when given only "
                f"the values its backward_reads {reads(node.gate)} declares: {exc}") from exc

    def activation(self, node, top: Value) -> Value:
        b, gate = self.b, node.gate
        x, y = self.env[node.inputs[0]], self.env[node.name]
        px, py = self.passed(node, x, y)
        args = [v.array if v is not None else None for v in (px, py)]
        names = ", ".join(v.name if v is not None else "None" for v in (px, py))
        f, buf = b.const(gate.derivative, "d"), b.buffer(x.array.shape, x.array.dtype)
        plain = gate.derivative(x.array, y.array)
        if gate.supports_out and np.shape(plain) == x.array.shape:
            local = self.call(node, "derivative", gate.derivative, *args, out=buf.array)
            check_out(node, "derivative", plain, local, x.array.dtype)
            call = f"{f}({names}, out={buf.name})"
        else:
            local = self.call(node, "derivative", gate.derivative, *args)
            call = f"{f}({names})"
        name = b.fresh()
        np.multiply(top.array, local, out=buf.array)
        reads_ = [v for v in (top, px, py) if v is not None]
        b.emit(f"{name} = _mul({top.name}, {call}, {buf.name})", reads_, [buf])
        return b.observe(buf.array, [], [buf], name)

    def cost(self, node, top: Value) -> Value:
        b, gate = self.b, node.gate
        p, t = (self.env[i] for i in node.inputs)
        f, name = b.const(gate.gradient, "g"), b.fresh()
        plain = gate.gradient(p.array, t.array)
        if gate.supports_out and np.shape(plain) == p.array.shape:
            buf = b.buffer(p.array.shape, p.array.dtype)
            local = gate.gradient(p.array, t.array, out=buf.array)
            check_out(node, "gradient", plain, local, p.array.dtype)
            b.emit(f"{name} = {f}({p.name}, {t.name}, out={buf.name})", [p, t], [buf])
            value = b.observe(local, [p, t], [buf], name)
        else:
            b.emit(f"{name} = {f}({p.name}, {t.name})", [p, t])
            value = b.observe(plain, [p, t], [], name)
        if getattr(top, "seed", False):
            return value  # top_diff is dJ/dJ = 1: top_diff x local_diff is local_diff
        buf, out = b.buffer(p.array.shape, p.array.dtype), b.fresh()
        np.multiply(top.array, value.array, out=buf.array)
        b.emit(f"{out} = _mul({top.name}, {name}, {buf.name})", [top, value], [buf])
        return b.observe(buf.array, [], [buf], out)

    def operator(self, node, top: Value, needs: tuple[bool, ...]) -> list[Value | None]:
        b, gate = self.b, node.gate
        xs, y = [self.env[i] for i in node.inputs], self.env[node.name]
        plain = gate.local_gradient(top.array, [x.array for x in xs], y.array, needs)
        if plain is None or len(plain) != len(xs):
            raise GateContractError(
                f"gate {node.label} from {node.spec.source} returned "
                f"{'nothing' if plain is None else len(plain)} bottom_diffs from its local "
                f"gradient; it has {len(xs)} inputs")
        r = reads(node.gate)
        px = [x if "inputs" in r else None for x in xs]
        py = y if "output" in r else None
        bufs = [b.buffer(x.array.shape, x.array.dtype)
                if need and gate.supports_out and np.shape(d) == x.array.shape else None
                for x, need, d in zip(xs, needs, plain)]
        f, nd = b.const(gate.local_gradient, "l"), b.const(tuple(needs), "n")
        names = [b.fresh() if need else "_" for need in needs]
        xa = [v.array if v is not None else None for v in px]
        ya = py.array if py is not None else None
        tail = ""
        if any(bufs):
            got = self.call(node, "local_gradient", gate.local_gradient, top.array, xa, ya,
                            needs, out=[o.array if o is not None else None for o in bufs])
            if got is None or len(got) != len(xs):
                check_out(node, "local_gradient", plain, None, xs[0].array.dtype)
            for need, d, g in zip(needs, plain, got):
                if need:
                    check_out(node, "local_gradient", d, g, xs[0].array.dtype)
            tail = f", out=({', '.join(o.name if o is not None else 'None' for o in bufs)},)"
        else:
            got = self.call(node, "local_gradient", gate.local_gradient, top.array, xa, ya,
                            needs)
        xn = ", ".join(v.name if v is not None else "None" for v in px)
        target = names[0] + "," if len(names) == 1 else ", ".join(names)
        reads_ = [top, *[v for v in px if v is not None], *([py] if py is not None else [])]
        b.emit(f"{target} = {f}({top.name}, ({xn},), {py.name if py else 'None'}, {nd}{tail})",
               reads_, [o for o in bufs if o is not None])
        return [b.observe(d, reads_, [o for o in bufs if o is not None], n) if need else None
                for need, d, n in zip(needs, got, names)]

    def contribute(self, node, i: int, d: Value) -> None:
        """Sum a bottom_diff, back to its input's shape, into that input's gradient."""
        b, name = self.b, node.inputs[i]
        x = self.env[name].array
        if d.array is None:
            raise GateContractError(f"gate {node.label} from {node.spec.source} returned no "
                                    f"bottom_diff for input {i} ({name!r}), which needs one")
        shape = np.shape(d.array)
        if shape != x.shape:
            if not reducible(shape, x.shape):
                raise GateContractError(f"gate {node.label} from {node.spec.source} returned "
                                        f"a bottom_diff of shape {shape} for input {i} "
                                        f"({name!r}) of shape {x.shape}")
            d = self.reduce(d, x.shape)
        old = self.grads.get(name)
        if old is None:
            self.grads[name] = d
            return
        total = b.fresh()
        if name in self.summed:
            buf = b.buffer(x.shape, x.dtype) if b.owned(old) is None else b.owned(old)
        else:
            buf = b.buffer(x.shape, x.dtype)
            self.summed.add(name)
        np.add(old.array, d.array, out=buf.array)
        b.emit(f"{total} = _add({old.name}, {d.name}, {buf.name})", [old, d], [buf])
        self.grads[name] = b.observe(buf.array, [], [buf], total)

    def reduce(self, d: Value, shape: tuple[int, ...]) -> Value:
        b, g = self.b, np.asarray(d.array)
        extra = g.ndim - len(shape)
        axes = tuple(range(extra)) + tuple(extra + k for k, s in enumerate(shape)
                                           if s == 1 and g.shape[extra + k] != 1)
        kept = tuple(1 if k in axes else n for k, n in enumerate(g.shape))
        buf, name = b.buffer(kept, g.dtype), b.fresh()
        np.add.reduce(g, axis=axes, keepdims=True, out=buf.array)
        view = f".reshape({shape!r})" if kept != shape else ""
        b.emit(f"{name} = _sum({d.name}, {axes!r}, None, {buf.name}, True"
               f"){view}", [d], [buf])
        return b.observe(buf.array.reshape(shape), [], [buf], name)

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
        for w, g in pending.items():
            p, rate = self.env[w], repr(float(rates[w]))
            own = b.owned(g)
            shared = own is not None and any(own.id in o.roots for k, o in pending.items()
                                            if k != w)
            if own is not None and not shared:
                b.emit(f"_mul({g.name}, {rate}, {g.name})", [g])
                scaled = g
            else:
                buf = b.buffer(p.array.shape, p.array.dtype)
                b.emit(f"_mul({g.name}, {rate}, {buf.name})", [g], [buf])
                scaled = Value(buf.name, buf.array, frozenset({buf.id}))
            b.emit(f"_sub({p.name}, {scaled.name}, {p.name})", [scaled])
        b.emit(f"return {loss}")


def trace_step(graph, plan, values, ref_grads, feed_kinds: Mapping[str, bool],
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
