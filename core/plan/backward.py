"""The backward half of a traced step: one gate at a time, on the way back.

Each method calls a gate's backward the plain way and (when it supports it)
with ``out=`` buffers, checks the two agree, emits the line, and returns the
bottom_diff as a program value. ``contribute`` sums fan-out and undoes
broadcasting, as the reference executor does, but into planned buffers.
"""
from __future__ import annotations

import numpy as np

from ..broadcast import reducible
from ..errors import GateContractError
from .trace import Value, check_out


def reads(gate) -> tuple[str, ...]:
    """What a gate's backward reads (``Gate.backward_reads``)."""
    return tuple(getattr(gate, "backward_reads", ("inputs", "output")))


class Backward:
    """Mixed into the step tracer: needs ``self.b``, ``self.env``, ``self.grads``."""

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
