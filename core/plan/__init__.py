"""The planned path: a step compiled once per graph and input shapes.

    trace.py     running the step once, observing what every gate returns
    program.py   the step as straight-line code: forward, backward, update
    backward.py  each gate's backward, traced; fan-out sums; broadcast undone
    memory.py    liveness-based buffer reuse, and its independent check
    codegen.py   one generated Python function per compiled step
    compiled.py  compile_step, and the per-graph cache keyed by shapes

The reference executor (``core.executor``) stays the definition of what a step
computes; the planned path is checked against it when a step is compiled.
"""
from .compiled import CompiledStep, StepCache, cache_of, compile_step, sgd_step, value_and_grad

__all__ = ["CompiledStep", "StepCache", "cache_of", "compile_step", "sgd_step",
           "value_and_grad"]
