"""Compiled steps, once per graph and input shapes, and the cache that keeps them.

``compile_step`` first runs the step on the reference path, which raises
every wiring, shape and contract error with its usual message; then traces it
(``program``), plans its memory (``memory``) and generates its function
(``codegen``). A step is keyed by the feed's names, shapes and dtypes, what is
differentiated, and (for training) the rates; the engine's per-graph state
(``core.engine.state``) holds the cache and drops it when the graph changes.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from core.engine import reference
from core.engine.plan import compile_plan
from core.engine.planned.codegen import generate
from core.engine.planned.memory import MemoryPlan, assign, verify
from core.engine.planned.program import STALE, trace_step
from core.errors import EngineWarning, GatesError

if TYPE_CHECKING:
    from core.graph.graph import Graph

MAX_CACHED = 16
#: a stale step is compiled again this many times before the graph stays on the reference path
MAX_STALE = 2


@attrs.define(eq=False)
class CompiledStep:
    """One compiled step: call it with the feed dict."""

    fn: Any
    source: str
    memory: MemoryPlan
    logical_buffers: int  # buffers the program uses, before the memory plan shares them
    wrt: tuple[str, ...]

    def __call__(self, feed: Mapping[str, np.ndarray]) -> Any:
        return self.fn(feed)


def compile_step(graph: Graph, feed: Mapping[str, Any], wrt: Iterable[str] | None = None,
                 of: Iterable[str] | None = None, rates: Mapping[str, float] | None = None,
                 poison: bool = False) -> CompiledStep:
    """Compile one step for this graph and these inputs' shapes and dtypes.

    ``rates`` None: the step returns (loss, {name: gradient}) for ``wrt``
    (default: the parameters). ``rates`` {param: rate}: the step updates the
    parameters in place by SGD and returns the loss.
    """
    wrt = tuple(graph.params) if wrt is None else tuple(wrt)
    plan = compile_plan(graph, None, wrt, of)
    values = reference.run_forward(graph, plan, feed)
    ref_grads = reference.run_backward(plan, values)
    kinds = {n: type(v) is np.ndarray and v.dtype == graph.dtype for n, v in feed.items()}
    tracer = trace_step(graph, plan, values, ref_grads, kinds, rates)
    buffers = tracer.b.buffers
    memory = assign(buffers)
    verify(buffers, memory)
    fn, text = generate(tracer.b, memory, poison)
    # the step runs in the memory plan's arrays: it keeps nothing of the trace
    return CompiledStep(fn, text, memory, len(buffers), plan.wrt)


def feed_key(feed: Mapping[str, Any], dtype: np.dtype) -> tuple | None:
    """Names, shapes and dtype agreement of the feed; None if a value is no ndarray."""
    key = []
    for name, v in feed.items():
        if type(v) is not np.ndarray:
            return None
        key.append((name, v.shape, v.dtype == dtype))
    return tuple(key)


class StepCache:
    """The compiled steps of one version of a graph.

    A step is compiled the second time its key is seen: a one-off call (a
    gradient check, ``explain``) runs on the reference path and pays no
    compile cost.
    """

    def __init__(self) -> None:
        self.steps: dict[tuple, CompiledStep] = {}
        self.seen: set[tuple] = set()
        self.stale = 0  # times the parameter arrays were found replaced
        #: compile on the first call, not the second (tests, benchmarks)
        self.eager = False
        #: the step the last ``run`` used (callers may call it again directly:
        #: it returns STALE when its inputs, parameters or shapes do not fit)
        self.last: CompiledStep | None = None

    def run(self, graph: Graph, what: tuple, feed: Mapping[str, Any],
            on_reference: Callable[[Mapping[str, Any]], Any], **kw: Any) -> Any:
        """Run the compiled step for ``feed``; ``on_reference(feed)`` on a key's first use."""
        key = feed_key(feed, graph.dtype)
        if key is None:
            feed = {k: np.asarray(v, dtype=graph.dtype) for k, v in feed.items()}
            key = feed_key(feed, graph.dtype)
        step = self.last = self.steps.get((what, key))
        if step is not None:
            result = step.fn(feed)
            if result is not STALE:
                return result
            # the graph's parameter arrays were replaced behind its back (params and
            # set_params copy into them): compile again, unless that keeps happening
            self.steps.clear()
            self.stale += 1
            if self.stale > MAX_STALE:
                warnings.warn(f"the graph's parameter arrays were replaced {self.stale} times "
                              f"behind its back, so its steps run on the reference path from "
                              f"now on (slower); set parameters with graph.set_params(...) or "
                              f"graph.params[name] = value, which copy into the graph's own "
                              f"arrays", EngineWarning, stacklevel=4)
                return on_reference(feed)
        elif self.stale > MAX_STALE or ((what, key) not in self.seen and not self.eager):
            if len(self.seen) >= 4 * MAX_CACHED:
                self.seen.clear()
            self.seen.add((what, key))
            return on_reference(feed)
        if len(self.steps) >= MAX_CACHED:
            self.steps.clear()
        step = self.last = self.steps[(what, key)] = compile_step(graph, feed, **kw)
        result = step.fn(feed)
        if result is STALE:  # a step compiled for this very feed must run it
            raise GatesError("a step compiled for this feed refused it (the compiled step's "
                             "guard and its compile key disagree); this is the engine's bug: "
                             "run with Executor(graph, mode='reference') meanwhile")
        return result
