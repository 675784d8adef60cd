"""Generating one straight-line Python function from a traced program.

The program's lines become the body of ``def step(F)`` (F: the feed dict);
gate methods, parameters, constants and the memory plan's buffer views are
bound as names of the function's globals, so a step is a flat run of calls
with no per-step dict lookups, loops or checks beyond the parameter guard.
``poison=True`` fills every buffer with NaN right after its last use, so a
value read after its buffer was released -- a memory plan error -- shows up
as NaN in the results.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from core.engine.planned.memory import MemoryPlan
from core.engine.planned.trace import Builder

#: a buffer's name in the program's text (never inside quotes, where node names are)
BUFFER_NAME = re.compile(r"(?<![\w'\"])B\d+(?![\w'\"])")


def source(builder: Builder, poison: bool = False) -> str:
    """The text of the step function."""
    ends: dict[int, list[str]] = {}
    if poison:
        for buf in builder.buffers:
            if buf.first >= 0:
                ends.setdefault(buf.last, []).append(buf.name)
    body = []
    for k, line in enumerate(builder.lines):
        body.append(line)  # (after a return, nothing runs: its reads stay intact)
        body.extend(f"{name}.fill(np.nan)" for name in sorted(ends.get(k, [])))
    return "def step(F):\n" + "".join(f"    {line}\n" for line in body)


def generate(builder: Builder, memory: MemoryPlan, poison: bool = False
             ) -> tuple[Callable[[Any], Any], str]:
    """(the compiled step function, its source).

    Logical buffers that the memory plan put in the same view of the same array
    are written under one name, so that the function's globals hold one entry
    per view, not one per logical buffer.
    """
    namespace = dict(builder.namespace)
    canonical: dict[int, str] = {}  # id of a view -> the name it is bound to
    renamed: dict[str, str] = {}
    for buf in builder.buffers:
        view = memory.views.get(buf.id)
        if view is not None:
            renamed[buf.name] = canonical.setdefault(id(view), buf.name)
            namespace[renamed[buf.name]] = view
    text = BUFFER_NAME.sub(lambda m: renamed.get(m.group(), m.group()), source(builder, poison))
    code = compile(text, "<gates planned step>", "exec")
    exec(code, namespace)  # our own generated text, built from names we chose
    return namespace["step"], text


__all__ = ["generate", "source", "np"]
