"""Compiling a step by running it once: the tracing builder.

The builder walks a validated step (the reference executor has already run it
and raised any wiring, shape or contract error) and calls every gate again,
this time with ``out=`` buffers where the gate supports them. Each call becomes
one line of the program, and the builder observes what the gate returned: the
buffer it was given, a fresh array, or a view of something it was passed. From
that it knows which buffers every value may live in, which is all the memory
plan needs. Nothing in the program depends on a gate's math.

A value's ``roots`` are the ids of the planner's buffers its memory may
overlap; ``external`` says it may also overlap an array the planner does not
own (a fed input, a parameter, a constant, or a gate's own array).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from core.errors import GateContractError


@attrs.define(eq=False)
class Buffer:
    """A logical buffer: one preallocated array the program writes into."""

    id: int
    shape: tuple[int, ...]
    dtype: np.dtype
    array: np.ndarray  # its own memory while tracing
    first: int = -1  # first op touching it
    last: int = -1  # last op touching it

    @property
    def name(self) -> str:
        return f"B{self.id}"


@attrs.define(eq=False)
class Value:
    """A value of the program: a variable name, its traced array, its roots."""

    name: str
    array: Any
    roots: frozenset[int] = frozenset()
    external: bool = False
    ones: bool = False  # the constant dJ/dJ = 1 a cost's backward starts from (docs/design.md)


def tolerance(dtype: np.dtype) -> float:
    return 1e-4 if np.dtype(dtype).itemsize <= 4 else 1e-10


def same(a: Any, b: Any, dtype: np.dtype) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    tol = tolerance(dtype)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol, atol=tol, equal_nan=True))


class Builder:
    """Collects the program's lines, its constants and its buffers."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.touched: list[set[int]] = []
        self.buffers: list[Buffer] = []
        self.namespace: dict[str, Any] = {"np": np}
        #: per line, the gate node and the method of it that the line calls, or None for
        #: the engine's own ops (sums, reductions, the update)
        self.where: list[tuple[Any, str] | None] = []
        self.doing: tuple[Any, str] | None = None
        self._names = 0

    # -- names ---------------------------------------------------------------
    def fresh(self, prefix: str = "v") -> str:
        self._names += 1
        return f"{prefix}{self._names}"

    def const(self, obj: Any, prefix: str = "c") -> str:
        name = self.fresh(prefix)
        self.namespace[name] = obj
        return name

    def buffer(self, shape: tuple[int, ...], dtype: Any) -> Buffer:
        buf = Buffer(len(self.buffers), tuple(shape), np.dtype(dtype),
                     np.full(shape, np.nan, dtype=dtype))
        self.buffers.append(buf)
        return buf

    def external(self, array: Any, name: str) -> Value:
        return Value(name, array, frozenset(), True)

    # -- ops -----------------------------------------------------------------
    def emit(self, line: str, reads: Sequence[Value] = (), writes: Sequence[Buffer] = ()
             ) -> None:
        """One op: its line, and every buffer it reads through a value or writes."""
        k = len(self.lines)
        touched = {b.id for b in writes}
        for v in reads:
            touched |= v.roots
        for i in touched:
            buf = self.buffers[i]
            if buf.first < 0:
                buf.first = k
            buf.last = k
        self.lines.append(line)
        self.touched.append(touched)
        self.where.append(self.doing)

    def at(self, node: Any, method: str | None) -> None:
        """The lines emitted next call ``method`` of ``node``'s gate (None: the engine's)."""
        self.doing = None if method is None else (node, method)

    def observe(self, result: Any, args: list[Value], bufs: list[Buffer], name: str) -> Value:
        """The value a gate returned, with the buffers its memory may share."""
        if not isinstance(result, np.ndarray):
            return Value(name, result, frozenset(), True)
        roots: set[int] = set()
        external = True  # a fresh array may be a gate's own: never write into it
        for b in bufs:
            if b is not None and np.may_share_memory(result, b.array):
                roots.add(b.id)
                external = False
        for v in args:
            if isinstance(v.array, np.ndarray) and np.may_share_memory(result, v.array):
                roots |= v.roots
                external = external or v.external
        return Value(name, result, frozenset(roots), external)

    def owned(self, value: Value) -> Buffer | None:
        """The one buffer ``value`` lives in when the planner owns all its memory."""
        if value.external or len(value.roots) != 1:
            return None
        return self.buffers[next(iter(value.roots))]


def check_out(node, what: str, plain: Any, with_out: Any, dtype: np.dtype) -> None:
    """The contract: a gate's ``out=`` result equals its plain result."""
    if with_out is None and plain is None:
        return
    if with_out is None or plain is None or not same(plain, with_out, dtype):
        raise GateContractError(
            f"gate {node.label} from {node.spec.source}: {what} with out= gave a different "
            f"result from {what} without it; an out= fast path must compute the same values")
