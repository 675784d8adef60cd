"""Checks particular to a kind: a cost returns a scalar J and a gradient shaped
like its prediction; a gate declared an Activation really is elementwise; a
backward that declares it reads less (``backward_reads``) really needs no more."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.contract.numeric import compare
from core.contract.samples import SHAPES, WIDE, draws
from core.contract.subject import Subject, forward, shapes
from core.gate.backward import READS, RULES, backward_reads, bottom_diffs, local_diff

F64 = np.dtype("float64")


def _runs(s: Subject, check: str):
    """(rng, inputs, output, what) over the whole pool."""
    rng = s.rng(check)
    for d in draws(s.gate, rng, [WIDE], F64):
        yield rng, d.xs, forward(s, d.xs), d.what


def cost_returns_scalar(s: Subject, check: str) -> None:
    """A cost's forward is a finite scalar J; its gradient is shaped like the prediction."""
    for d in draws(s.gate, s.rng(check), SHAPES, F64):
        xs = d.xs
        J = forward(s, xs)
        if np.ndim(J) != 0 or not np.isfinite(J):
            raise s.failure(check, f"forward returned {J!r} (shape {np.shape(J)}) for inputs "
                            f"shaped {shapes(xs)}, {d.what}; a cost returns a finite scalar J")
        grad = np.asarray(local_diff(s.gate, s.known, xs, J))
        if grad.shape != xs[0].shape:
            raise s.failure(check, f"gradient has shape {grad.shape}; the prediction has shape "
                            f"{xs[0].shape}")


def elementwise(s: Subject, check: str) -> None:
    """Changing one input element changes only that output element (and derivative),
    and a part of the input gives the same part of the output (and derivative)."""
    for _, xs, y, what in _runs(s, check):
        x = xs[0]
        if y.shape != x.shape:
            raise s.failure(check, f"forward of an input shaped {x.shape} has shape {y.shape}")
        d = np.asarray(local_diff(s.gate, s.known, [x], y))
        for j in [(0, 0), tuple(k - 1 for k in x.shape)]:
            x2 = x.copy()
            far = np.unravel_index(int(np.argmax(np.abs(x - x[j]))), x.shape)
            x2[j] = x[far]  # another value of the same draw: still in the gate's domain
            y2 = forward(s, [x2])
            d2 = np.asarray(local_diff(s.gate, s.known, [x2], y2))
            for name, a, b in (("output", y, y2), ("derivative", d, d2)):
                others = [tuple(map(int, c)) for c in np.argwhere(~_same(a, b))
                          if tuple(c) != j]
                if others:
                    raise s.failure(check, f"changing input element {j} from {x[j]:.6g} to "
                                    f"{x2[j]:.6g} changed {name} element(s) {others[:3]} "
                                    f"({what}): {_advice(name)}")
        _parts_agree(s, check, x, y, d, what)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _advice(name: str) -> str:
    """Say it is not elementwise (an Operator) only when the forward itself is not."""
    if name == "output":
        return ("the gate declares itself elementwise (an Activation) but its forward is "
                "not; if that is intended, make it an Operator")
    return ("the forward is elementwise but the derivative of one element depends on "
            "others or on its position: the derivative is wrong")


def _parts_agree(s: Subject, check: str, x: np.ndarray, y: np.ndarray, d: np.ndarray,
                 what: str) -> None:
    """Elementwise values do not depend on the array around them: a sub-batch and the
    flattened array give the same numbers (up to rounding of vectorised loops)."""
    part = (slice(1, 3), slice(1, None))
    for where, view, full in (("a sub-batch x[1:3, 1:]", x[part], part),
                              ("the flattened input", x.reshape(-1), None)):
        y2 = forward(s, [np.ascontiguousarray(view)])
        d2 = np.asarray(local_diff(s.gate, s.known, [np.ascontiguousarray(view)], y2))
        for name, got, whole in (("output", y2, y), ("derivative", d2, d)):
            want = whole[full] if full is not None else whole.reshape(-1)
            if np.shape(got) != np.shape(want):
                raise s.failure(check, f"the {name} for {where} has shape {np.shape(got)}, "
                                f"not {view.shape}: an elementwise gate keeps the shape")
            cmp = compare(got, want, 1e-12, 1e-12)
            if not cmp.ok:
                raise s.failure(check, f"the {name} for {where} (shape {view.shape}) differs "
                                f"from the same elements of the {name} for the whole input "
                                f"(shape {x.shape}, {what}): {_advice(name)}",
                                cmp.describe().replace("analytic", "part")
                                .replace("numeric", "whole"))


def backward_reads_honest(s: Subject, check: str) -> None:
    """Given None for what ``backward_reads`` leaves out, the backward gives the same
    bottom_diffs (the planned executor passes None there and frees that memory early)."""
    for rng, xs, y, _ in _runs(s, check):
        _reads_honest(s, check, rng, xs, y)


def _reads_honest(s: Subject, check: str, rng, xs, y) -> None:
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
