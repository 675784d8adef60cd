"""Compiled steps, once per graph and input shapes, and the cache that keeps them.

``compile_step`` first runs the step on the reference executor, which raises
every wiring, shape and contract error with its usual message; then traces it
(``program``), plans its memory (``memory``) and generates its function
(``codegen``). A step is keyed by the graph's version, the feed's names,
shapes and dtypes, what is differentiated, and (for training) the rates.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import attrs
import numpy as np

from .codegen import generate
from .memory import MemoryPlan, assign, verify
from .program import STALE, trace_step

MAX_CACHED = 16


@attrs.define(eq=False)
class CompiledStep:
    """One compiled step: call it with the feed dict."""

    fn: Any
    source: str
    memory: MemoryPlan
    buffers: list
    wrt: tuple[str, ...]

    def __call__(self, feed: Mapping[str, np.ndarray]):
        return self.fn(feed)


def compile_step(graph, feed: Mapping[str, Any], wrt: Iterable[str] | None = None,
                 of: Iterable[str] | None = None, rates: Mapping[str, float] | None = None,
                 poison: bool = False) -> CompiledStep:
    """Compile one step for this graph and these inputs' shapes and dtypes.

    ``rates`` None: the step returns (loss, {name: gradient}) for ``wrt``
    (default: the parameters). ``rates`` {param: rate}: the step updates the
    parameters in place by SGD and returns the loss.
    """
    from ..executor import Executor
    ex = Executor(graph, mode="reference")
    wrt = tuple(graph.params) if wrt is None else tuple(wrt)
    plan = ex.plan(None, wrt, of)
    values = ex.run_forward(plan, feed)
    ref_grads = ex.run_backward(plan, values)
    kinds = {n: type(v) is np.ndarray and v.dtype == graph.dtype for n, v in feed.items()}
    tracer = trace_step(graph, plan, values, ref_grads, kinds, rates)
    memory = assign(tracer.b.buffers)
    verify(tracer.b.buffers, memory)
    fn, text = generate(tracer.b, memory, poison)
    return CompiledStep(fn, text, memory, tracer.b.buffers, plan.wrt)


def feed_key(feed: Mapping[str, Any], dtype: np.dtype) -> tuple | None:
    """Names, shapes and dtype agreement of the feed; None if a value is no ndarray."""
    key = []
    for name, v in feed.items():
        if type(v) is not np.ndarray:
            return None
        key.append((name, v.shape, v.dtype == dtype))
    return tuple(key)


class StepCache:
    """The compiled steps of one graph, dropped when the graph changes.

    A step is compiled the second time its key is seen: a one-off call (a
    gradient check, ``explain``) runs on the reference executor and pays no
    compile cost.
    """

    def __init__(self, graph) -> None:
        self.graph = graph
        self.version = graph._version
        self.steps: dict[tuple, CompiledStep] = {}
        self.seen: set[tuple] = set()
        self.stale = 0  # times the parameter arrays were found replaced
        #: compile on the first call, not the second (tests, benchmarks)
        self.eager = False
        #: the step the last ``run`` used (callers may call it again directly:
        #: it returns STALE when its inputs, parameters or shapes do not fit)
        self.last: CompiledStep | None = None

    def run(self, what: tuple, feed: Mapping[str, Any], reference, **kw):
        """Run the compiled step for ``feed``; ``reference(feed)`` on a key's first use."""
        g = self.graph
        key = feed_key(feed, g.dtype)
        if key is None:
            feed = {k: np.asarray(v, dtype=g.dtype) for k, v in feed.items()}
            key = feed_key(feed, g.dtype)
        if self.version != g._version:
            self.steps.clear()
            self.seen.clear()
            self.version, self.stale = g._version, 0
        step = self.last = self.steps.get((what, key))
        if step is not None:
            result = step.fn(feed)
            if result is not STALE:
                return result
            # the graph's parameter arrays were replaced: compile again, unless
            # that keeps happening (finite differences swap them on every call)
            self.steps.clear()
            self.stale += 1
            if self.stale > 2:
                return reference(feed)
        elif self.stale > 2 or ((what, key) not in self.seen and not self.eager):
            if len(self.seen) >= 4 * MAX_CACHED:
                self.seen.clear()
            self.seen.add((what, key))
            return reference(feed)
        if len(self.steps) >= MAX_CACHED:
            self.steps.clear()
        step = self.last = self.steps[(what, key)] = compile_step(g, feed, **kw)
        return step.fn(feed)


def cache_of(graph) -> StepCache:
    cache = graph.__dict__.get("_step_cache")
    if cache is None:
        cache = graph.__dict__["_step_cache"] = StepCache(graph)
    return cache


def value_and_grad(graph, feed, wrt=None, of=None):
    """(J, {name: dJ/dname}) on the planned path; gradients are fresh arrays."""
    from ..executor import Executor
    wrt = None if wrt is None else tuple(wrt)
    of = None if of is None else tuple(of)
    reference = Executor(graph, mode="reference")
    return cache_of(graph).run(("grad", wrt, of), feed,
                               lambda f: reference.value_and_grad(f, wrt, of=of),
                               wrt=wrt, of=of)


def sgd_step(graph, feed, rate: float, rates: Mapping[str, float] | None = None) -> float:
    """One SGD step in place, W <- W - rate_W dJ/dW; returns the loss before it."""
    from ..executor import Executor
    per = {n: (rates or {}).get(n, graph.rates.get(n, rate)) for n in graph.params}
    reference = Executor(graph, mode="reference")
    return cache_of(graph).run(("sgd", tuple(per.items())), feed,
                               lambda f: reference.sgd_step(f, rate, rates), rates=per)
