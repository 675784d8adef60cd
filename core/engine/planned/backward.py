"""The backward half of a traced step: one gate at a time, on the way back.

Each gate's backward follows its kind's rule (``core.gate.backward.RULES``):
``scaled`` writes an activation's or a cost's bottom_diff = top_diff x
local_diff, ``vjp`` an operator's local gradient applied to top_diff. Each
calls the gate the plain way and (when it supports it) with ``out=`` buffers,
checks the two agree, emits the line and returns the bottom_diff as a program
value. ``contribute`` checks it (``core.gate.diffs``), undoes broadcasting and
adds it into the input's fan-out sum, into planned buffers.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from core.engine.planned.trace import Builder, Value, check_out
from core.errors import GateContractError
from core.gate.backward import RULES, backward_reads, local_diff, passed
from core.gate.diffs import (
    DiffProblem,
    changed,
    check_bottom_diff,
    check_count,
    check_local_diff,
    reduced_axes,
    snapshot,
)

if TYPE_CHECKING:
    from core.graph.node import Node


def _name(v: Value | None) -> str:
    return "None" if v is None else v.name


def _described(a: Any) -> str:
    """What a gate returned, for messages: 'an array of object shaped (4, 3)', 'a float'."""
    if isinstance(a, np.ndarray):
        return f"an array of {a.dtype} shaped {a.shape}"
    return f"a {type(a).__name__}"


def _array(v: Value | None) -> Any:
    return None if v is None else v.array


class Backward:
    """Mixed into the step tracer: uses ``self.b``, ``self.env``, ``self.grads``."""

    b: Builder
    env: dict[str, Value]
    grads: dict[str, Value]
    summed: set[str]

    def checked(self, node: Node, check: Callable[..., Any], *args: Any) -> Any:
        """``check(*args)`` from ``core.gate.diffs``, its problem named with the gate."""
        try:
            return check(*args)
        except DiffProblem as exc:
            raise GateContractError(f"gate {node.label} from {node.spec.source} {exc}") from None

    @contextmanager
    def watching(self, node: Node, method: str, args: Sequence[Any]) -> Iterator[None]:
        """Refuse a gate whose calls inside the block change an array in ``args``."""
        before = snapshot(args)
        yield
        k = changed(before, args)
        if k is not None:
            raise GateContractError(
                f"gate {node.label} from {node.spec.source} changed an array it was handed "
                f"(argument {k} of {method}) in place while the step was compiled; a gate "
                f"must not modify its inputs (the executor shares them with other gates)")

    def call(self, node: Node, method: str, fn: Callable[..., Any], *args: Any,
             **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except (TypeError, AttributeError) as exc:
            raise GateContractError(
                f"gate {node.label} from {node.spec.source}: {method} failed when given only "
                f"the values its backward_reads {backward_reads(node.gate)} declares: "
                f"{exc}") from exc

    def scaled(self, node: Node, top: Value) -> Value:
        """An activation or a cost: bottom_diff = top_diff x local_diff."""
        b, gate, rule = self.b, node.gate, RULES[node.kind]
        xs, y = [self.env[i] for i in node.inputs], self.env[node.name]
        args = rule.local_args(*passed(gate, xs, y))
        x = xs[0].array
        fn = getattr(gate, rule.method)
        f, names = b.const(fn, rule.method[0]), ", ".join(_name(a) for a in args)
        reads = [a for a in args if a is not None]
        handed = [top.array, *(v.array for v in xs), y.array]
        with self.watching(node, rule.method, handed):
            plain = local_diff(gate, node.kind, [v.array for v in xs], y.array)
            self.checked(node, check_local_diff, rule.method, plain, x)
            own = None
            if gate.supports_out:
                own = b.buffer(x.shape, x.dtype)
                local = self.call(node, rule.method, fn, *map(_array, args), out=own.array)
                check_out(node, rule.method, plain, local, x.dtype)
                call = f"{f}({names}, out={own.name})"
            else:
                local = self.call(node, rule.method, fn, *map(_array, args))
                call = f"{f}({names})"
            try:
                check_local_diff(rule.method, local, x)
            except DiffProblem as exc:
                raise GateContractError(
                    f"gate {node.label} from {node.spec.source}: {rule.method} returned "
                    f"{_described(local)} when given the values its backward_reads "
                    f"{backward_reads(gate)} declares; top_diff x local_diff cannot be made "
                    f"of it ({exc})") from None
        name, writes = b.fresh(), [own] if own is not None else []
        if top.ones:  # top_diff is dJ/dJ = 1: top_diff x local_diff is local_diff
            b.at(node, rule.method)
            b.emit(f"{name} = {call}", reads, writes)
            b.at(node, None)
            return b.observe(local, reads, writes, name)
        buf = own if own is not None else b.buffer(x.shape, x.dtype)
        np.multiply(top.array, local, out=buf.array)  # (local is checked: x's shape, dtype)
        b.at(node, rule.method)
        b.emit(f"{name} = _mul({top.name}, {call}, {buf.name})", [top, *reads], [buf])
        b.at(node, None)
        return b.observe(buf.array, [], [buf], name)

    def vjp(self, node: Node, top: Value, needs: tuple[bool, ...]) -> list[Value | None]:
        """An operator: its local gradient applied to top_diff, one bottom_diff per input."""
        fn = getattr(node.gate, RULES[node.kind].method)
        xs, y = [self.env[i] for i in node.inputs], self.env[node.name]
        with self.watching(node, "local_gradient", [top.array, *(x.array for x in xs), y.array]):
            return self._vjp(node, top, needs, xs, y, fn)

    def _vjp(self, node: Node, top: Value, needs: tuple[bool, ...], xs: list[Value], y: Value,
             fn: Callable[..., Any]) -> list[Value | None]:
        b, gate = self.b, node.gate
        plain = fn(top.array, [x.array for x in xs], y.array, list(needs))
        self.checked(node, check_count, plain, xs)
        px, py = passed(gate, xs, y)
        bufs = [b.buffer(x.array.shape, x.array.dtype)
                if need and gate.supports_out and np.shape(d) == x.array.shape else None
                for x, need, d in zip(xs, needs, plain)]
        f, nd = b.const(fn, "l"), b.const(tuple(needs), "n")
        names = [b.fresh() if need else "_" for need in needs]
        given = (top.array, [_array(v) for v in px], _array(py), list(needs))
        tail = ""
        if any(buf is not None for buf in bufs):
            got = self.call(node, "local_gradient", fn, *given,
                            out=[o.array if o is not None else None for o in bufs])
            if got is None or len(got) != len(xs):
                check_out(node, "local_gradient", plain, None, xs[0].array.dtype)
            for need, d, g in zip(needs, plain, got):
                if need:
                    check_out(node, "local_gradient", d, g, xs[0].array.dtype)
            tail = f", out=({', '.join(o.name if o else 'None' for o in bufs)},)"
        else:
            got = self.call(node, "local_gradient", fn, *given)
        target = names[0] + "," if len(names) == 1 else ", ".join(names)
        reads = [top, *[v for v in px if v is not None], *([py] if py is not None else [])]
        writes = [o for o in bufs if o is not None]
        b.at(node, "local_gradient")
        b.emit(f"{target} = {f}({top.name}, ({', '.join(map(_name, px))},), {_name(py)}, "
               f"{nd}{tail})", reads, writes)
        b.at(node, None)
        return [b.observe(d, reads, writes, n) if need else None
                for need, d, n in zip(needs, got, names)]

    def contribute(self, node: Node, i: int, d: Value) -> None:
        """Sum a bottom_diff, back to its input's shape, into that input's gradient."""
        b, name = self.b, node.inputs[i]
        x = self.env[name].array
        forward = [*(np.shape(self.env[n].array) for n in node.inputs),
                   np.shape(self.env[node.name].array)]
        self.checked(node, check_bottom_diff, d.array, x, i, name, True, forward)
        if np.shape(d.array) != x.shape:
            d = self.reduce(d, x.shape)
        old = self.grads.get(name)
        if old is None:
            self.grads[name] = d
            return
        total = b.fresh()
        if name in self.summed:
            buf = b.owned(old) or b.buffer(x.shape, x.dtype)
        else:
            buf = b.buffer(x.shape, x.dtype)
            self.summed.add(name)
        np.add(old.array, d.array, out=buf.array)
        b.emit(f"{total} = _add({old.name}, {d.name}, {buf.name})", [old, d], [buf])
        self.grads[name] = b.observe(buf.array, [], [buf], total)

    def reduce(self, d: Value, shape: tuple[int, ...]) -> Value:
        b, g = self.b, np.asarray(d.array)
        axes = reduced_axes(g.shape, shape)
        kept = tuple(1 if k in axes else n for k, n in enumerate(g.shape))
        buf, name = b.buffer(kept, g.dtype), b.fresh()
        np.add.reduce(g, axis=axes, keepdims=True, out=buf.array)
        view = f".reshape({shape!r})" if kept != shape else ""
        b.emit(f"{name} = _sum({d.name}, {axes!r}, None, {buf.name}, True"
               f"){view}", [d], [buf])
        return b.observe(buf.array.reshape(shape), [], [buf], name)
