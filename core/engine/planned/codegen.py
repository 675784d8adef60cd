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
from core.errors import GateError, GatesError

#: the file name of every generated step, and the lines before its body's first
FILE = "<gates planned step>"
HEAD = 2

#: a buffer's name in the program's text (never inside quotes, where node names are)
BUFFER_NAME = re.compile(r"(?<![\w'\"])B\d+(?![\w'\"])")


def source(builder: Builder, poison: bool = False) -> tuple[str, dict[int, tuple[Any, str]]]:
    """(the text of the step function, {line number: the gate method that line calls}).

    The body runs inside one ``try``: an exception becomes a GateError naming
    the gate method of the line it came from (``_failed``), at no cost per step.
    """
    ends: dict[int, list[str]] = {}
    if poison:
        for buf in builder.buffers:
            if buf.first >= 0:
                ends.setdefault(buf.last, []).append(buf.name)
    body: list[str] = []
    where: dict[int, tuple[Any, str]] = {}
    for k, line in enumerate(builder.lines):
        who = builder.where[k]
        if who is not None:
            where[HEAD + len(body) + 1] = who
        body.append(line)  # (after a return, nothing runs: its reads stay intact)
        body.extend(f"{name}.fill(np.nan)" for name in sorted(ends.get(k, [])))
    return ("def step(F):\n    try:\n" + "".join(f"        {line}\n" for line in body) +
            "    except Exception as _exc:\n        _failed(_exc)\n        raise\n"), where


def failure(where: dict[int, tuple[Any, str]]) -> Callable[[BaseException], None]:
    """The step's ``_failed``: raise a GateError naming the gate method whose line raised.

    An exception from the engine's own lines (a feed that is not numbers, say)
    or one that is already the project's own is left to propagate as it is.
    """
    def failed(exc: BaseException) -> None:
        if isinstance(exc, GatesError):
            return
        line, tb = 0, exc.__traceback__
        while tb is not None:  # the innermost line of the step on the way to the raise
            if tb.tb_frame.f_code.co_filename == FILE:
                line = tb.tb_lineno
            tb = tb.tb_next
        if line in where:
            node, method = where[line]
            raise GateError(f"gate {node.label} from {node.spec.source}: {method} raised "
                            f"{type(exc).__name__} inside the compiled step: {exc}") from exc
    return failed


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
    text, where = source(builder, poison)
    text = BUFFER_NAME.sub(lambda m: renamed.get(m.group(), m.group()), text)
    namespace["_failed"] = failure(where)
    code = compile(text, FILE, "exec")
    exec(code, namespace)  # our own generated text, built from names we chose
    return namespace["step"], text


__all__ = ["generate", "source", "np"]
