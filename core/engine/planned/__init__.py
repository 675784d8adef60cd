"""The planned path: a step compiled once per graph and input shapes.

    trace.py     the tracing builder: running the step once, observing what every gate returns
    program.py   the step as straight-line code: forward, backward, update
    backward.py  each gate's backward by its kind's rule, traced; fan-out sums; broadcast undone
    memory.py    liveness-based buffer reuse, and its independent check
    codegen.py   one generated Python function per compiled step
    compiled.py  compile_step, and the cache of one graph's steps keyed by shapes

The reference path (``core.engine.reference``) stays the definition of what a
step computes; the planned path is checked against it when a step is compiled.

May import: ``core.engine.reference``, ``core.engine.plan``, ``core.engine.feeds``,
``core.gate``, ``core.errors``; never the facade (``core.engine.executor``) or
the state (``core.engine.state``), which sit above it.
"""
from core.engine.planned.compiled import CompiledStep, StepCache, compile_step

__all__ = ["CompiledStep", "StepCache", "compile_step"]
