"""Checks particular to a kind: a cost returns a scalar J and a gradient shaped
like its prediction; a gate declared an Activation really is elementwise; a
backward that declares it reads less (``backward_reads``) really needs no more."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.contract.numeric import compare
from core.contract.samples import SHAPES, away_from_kinks, sample_inputs
from core.contract.subject import Subject, forward, shapes
from core.gate.backward import READS, RULES, backward_reads, bottom_diffs, local_diff

F64 = np.dtype("float64")


def _run(s: Subject, check: str):
    rng = s.rng(f"{check}{SHAPES[1]}")
    xs = sample_inputs(s.gate, rng, SHAPES[1], F64)
    return rng, xs, forward(s, xs)


def cost_returns_scalar(s: Subject, check: str) -> None:
    """A cost's forward is a finite scalar J; its gradient is shaped like the prediction."""
    for shape in SHAPES:
        rng = s.rng(f"{check}{shape}")
        xs = sample_inputs(s.gate, rng, shape, F64)
        J = s.gate.forward(*xs)
        if np.ndim(J) != 0 or not np.isfinite(J):
            raise s.failure(check, f"forward returned {J!r} (shape {np.shape(J)}) for inputs "
                            f"shaped {shapes(xs)}; a cost returns a finite scalar J")
        grad = np.asarray(local_diff(s.gate, s.known, xs, J))
        if grad.shape != xs[0].shape:
            raise s.failure(check, f"gradient has shape {grad.shape}; the prediction has shape "
                            f"{xs[0].shape}")


def elementwise(s: Subject, check: str) -> None:
    """Changing one input element changes only that output element (and derivative),
    and a part of the input gives the same part of the output (and derivative)."""
    rng, xs, y = _run(s, check)
    x = xs[0]
    if y.shape != x.shape:
        raise s.failure(check, f"forward of an input shaped {x.shape} has shape {y.shape}")
    d = local_diff(s.gate, s.known, [x], y)
    for j in [(0, 0), tuple(k - 1 for k in x.shape)]:
        x2 = x.copy()
        x2[j] = away_from_kinks(np.array([x[j] + 0.5 + rng.random()]), s.gate.kinks)[0]
        y2 = forward(s, [x2])
        d2 = local_diff(s.gate, s.known, [x2], y2)
        for what, a, b in (("output", y, y2), ("derivative", d, d2)):
            changed = np.argwhere(a != b)
            others = [tuple(map(int, c)) for c in changed if tuple(c) != j]
            if others:
                raise s.failure(check, f"changing input element {j} changed {what} element(s) "
                                f"{others[:3]}: the gate declares itself elementwise (an "
                                f"Activation) but is not; make it an Operator")
    # elementwise values do not depend on the array around them: a sub-batch and
    # the flattened array give the same numbers (up to rounding of vectorised loops)
    part = (slice(1, 3), slice(1, None))
    for what, view, full in (("a sub-batch x[1:3, 1:]", x[part], part),
                             ("the flattened input", x.reshape(-1), None)):
        y2 = forward(s, [np.ascontiguousarray(view)])
        d2 = np.asarray(local_diff(s.gate, s.known, [np.ascontiguousarray(view)], y2))
        for name, got, whole in (("output", y2, y), ("derivative", d2, np.asarray(d))):
            want = whole[full] if full is not None else whole.reshape(-1)
            if np.shape(got) != np.shape(want):
                raise s.failure(check, f"the {name} for {what} has shape {np.shape(got)}, "
                                f"not {view.shape}: an elementwise gate keeps the shape")
            cmp = compare(got, want, 1e-12, 1e-12)
            if not cmp.ok:
                raise s.failure(check, f"the {name} for {what} (shape {view.shape}) differs "
                                f"from the same elements of the {name} for the whole input "
                                f"(shape {x.shape}): the gate declares itself elementwise (an "
                                f"Activation) but depends on the array's shape or other "
                                f"elements", cmp.describe().replace("analytic", "part")
                                .replace("numeric", "whole"))


def backward_reads_honest(s: Subject, check: str) -> None:
    """Given None for what ``backward_reads`` leaves out, the backward gives the same
    bottom_diffs (the planned executor passes None there and frees that memory early)."""
    rng, xs, y = _run(s, check)
    reads = backward_reads(s.gate)
    what, top = RULES[s.known].method, rng.standard_normal(y.shape)

    def run(given: Sequence[str]) -> list[Any]:
        diffs = bottom_diffs(s.gate, s.known, top, xs, y, [True] * len(xs), given)[1]
        return [d for d in diffs or () if d is not None]

    full = run(READS)
    left_out = " and ".join(r for r in READS if r not in reads)
    try:
        reduced = run(reads)
    except Exception as exc:
        raise s.failure(check, f"{what} raised {type(exc).__name__}: {exc} when given None "
                        f"for its {left_out}, which backward_reads = {reads!r} says it does "
                        f"not read; declare what it reads") from exc
    for i, (a, b) in enumerate(zip(reduced, full)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            raise s.failure(check, f"bottom_diff {i} (from {what}) is {a.dtype} shaped "
                            f"{a.shape} when given None for its {left_out} (backward_reads = "
                            f"{reads!r}), but {b.dtype} shaped {b.shape} when given everything, "
                            f"inputs shaped {shapes(xs)}; the planned path relies on both being "
                            f"the same")
        if not np.array_equal(a, b, equal_nan=True):
            raise s.failure(check, f"bottom_diff {i} (from {what}) differs when given None "
                            f"for its {left_out} (backward_reads = {reads!r}), inputs shaped "
                            f"{shapes(xs)}",
                            compare(a, b, 0, 0).describe().replace("analytic", "reduced")
                            .replace("numeric", "full"))


def _reads_less(s: Subject) -> bool:
    return s.kind in ("activation", "operator") and set(backward_reads(s.gate)) != set(READS)


CHECKS = [
    ("cost_returns_scalar", lambda s: s.kind == "cost", cost_returns_scalar),
    ("elementwise", lambda s: s.kind == "activation", elementwise),
    ("backward_reads_honest", _reads_less, backward_reads_honest),
]
