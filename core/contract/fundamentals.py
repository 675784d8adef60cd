"""The fundamentals: what every other check relies on, checked first on every input the
suite uses.

* ``bottom_diffs_match_inputs`` -- the forward keeps the inputs' dtype (and an
  activation their shape); one bottom_diff per input, with its shape and dtype;
* ``inputs_not_modified`` -- neither forward nor backward writes into the
  inputs, the forward output or top_diff;
* ``deterministic`` -- the same inputs give the same results;
* ``results_are_finite`` -- finite inputs, at every magnitude of the pool, give a
  finite output and finite bottom_diffs.

``results_do_not_alias`` (``core.contract.aliasing``) is one too. Mutation and
aliasing are checked on every set of inputs the other checks use
(``every_draw``): each magnitude of the pool in both dtypes, the extremes, the
0-d, batch-of-one and empty-batch inputs and the broadcasts, so a gate that
writes into its input only above some magnitude is caught here, first. A check
that depends on a failed fundamental is not run (``core.contract.running``).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from core.contract.samples import BASE, SHAPES, WIDE, domains, draws, extreme_draws, fill
from core.contract.subject import (
    Subject,
    backward,
    finite_problem,
    forward,
    raw_backward,
    shapes,
    wrt,
)
from core.contract.variants import broadcasts, edge_cases
from core.gate.backward import local_diff
from core.gate.kinds import KINDS

F64 = np.dtype("float64")
#: what a gate raises to refuse inputs it does not take (a shape it cannot combine)
REFUSALS = (ValueError, IndexError)


def float_dtypes(s: Subject) -> list[str]:
    return [d for d in ("float64", "float32") if d in tuple(getattr(s.gate, "dtypes", ()))]


def regular_draws(s: Subject, check: str) -> Iterator[tuple[str, list[np.ndarray]]]:
    """(what, inputs) like the gradient and structure checks', in every declared dtype: the
    gradient checks' shapes, and the whole pool in one array (a gate's own samples: the
    shapes at scale 1, the array at every scale)."""
    rng = s.rng(check)
    for dtype in float_dtypes(s):
        for d in [*draws(s.gate, rng, SHAPES, dtype, scales=(1.0,)),
                  *draws(s.gate, rng, [WIDE], dtype)]:
            yield d.what, d.xs


def every_draw(s: Subject, check: str
               ) -> Iterator[tuple[str, list[np.ndarray], bool]]:
    """(what, inputs, may be refused): every set of inputs the suite gives the gate."""
    rng = s.rng(check)
    for what, xs in regular_draws(s, check):
        yield what, xs, False
    for dtype in float_dtypes(s):
        for d in extreme_draws(s.gate, rng, dtype):
            yield d.what, d.xs, False
    base = draws(s.gate, rng, [BASE], F64, scales=(1.0,))[0].xs
    variants = edge_cases(base)
    if s.kind == "operator" and s.gate.arity > 1:
        variants += broadcasts(base)
    for what, xs in variants:
        yield what, xs, True


def forward_or_none(s: Subject, xs: list[np.ndarray], refusable: bool) -> Any:
    """The raw forward result, or None when a shape variant raised: what a gate must do
    with those is for ``edge_shapes`` and ``broadcasting`` to say, not a fundamental."""
    s.note(xs)
    try:
        return s.gate.forward(*xs)
    except Exception:
        if refusable:
            return None
        raise


def top_for(y: Any, rng: np.random.Generator) -> np.ndarray:
    y = np.asarray(y)
    return rng.standard_normal(y.shape).astype(y.dtype if y.dtype.kind == "f" else F64)


def _pooled_top(y: Any, rng: np.random.Generator) -> np.ndarray:
    """A top_diff shaped like ``y`` with the pool's magnitudes: mutation of top_diff is
    looked for at every scale, as it is for the inputs."""
    y = np.asarray(y)
    dtype = y.dtype if y.dtype.kind == "f" else F64
    return fill(rng, [y.shape], dtype)[0].astype(dtype)


def bottom_diffs_match_inputs(s: Subject, check: str) -> None:
    """The forward keeps the inputs' dtype; one bottom_diff per input, with that input's
    shape and dtype, in every declared dtype."""
    rng = s.rng(f"{check} top")
    for what, xs in regular_draws(s, check):
        y = forward(s, xs)
        if y.dtype != xs[0].dtype:
            also = "; the backward starts from ones shaped like J, so every gradient would " \
                   f"become {y.dtype}" if s.kind == "cost" else ""
            raise s.failure(check, f"forward returned {'J as ' if s.kind == 'cost' else ''}"
                            f"{y.dtype} for {xs[0].dtype} inputs shaped {shapes(xs)} "
                            f"({what}): a gate computes in its inputs' dtype{also}")
        if s.kind == "activation":
            d = np.asarray(local_diff(s.gate, s.known, xs, y))
            for name, got in (("forward", y.shape), ("derivative", d.shape)):
                if got != xs[0].shape:
                    raise s.failure(check, f"{name} has shape {got} for an input shaped "
                                    f"{xs[0].shape}, {xs[0].dtype}: an activation is "
                                    f"elementwise, its {name} shaped like its input")
        top = top_for(y, rng)
        backward(s, check, xs, y, top)  # count and shapes, by the executor's own checker
        raw = raw_backward(s, xs, y, top) or ()
        for i in wrt(s):
            kind = np.asarray(raw[i]).dtype
            if kind != xs[i].dtype:
                raise s.failure(check, f"bottom_diff {i} is {kind} for a {xs[i].dtype} input "
                                f"(inputs shaped {shapes(xs)})")


def inputs_not_modified(s: Subject, check: str) -> None:
    """Neither forward nor backward writes into the inputs, the output or top_diff, on any
    input the suite uses (every magnitude, the extremes, every shape)."""
    rng = s.rng(f"{check} top")
    for what, xs, refusable in every_draw(s, check):
        kept = [x.copy() for x in xs]
        y = forward_or_none(s, xs, refusable)
        _unchanged(s, check, "forward", [(f"input {i}", b, a) for i, (b, a) in
                                         enumerate(zip(kept, xs))], what, kept)
        if y is None:
            continue
        y = np.asarray(y)
        top = _pooled_top(y, rng)
        before = kept, y.copy(), top.copy()
        try:
            raw_backward(s, xs, y, top)
        except Exception:
            if not refusable:
                raise
        _unchanged(s, check, "backward", [(f"input {i}", b, a) for i, (b, a) in
                                          enumerate(zip(before[0], xs))] +
                   [("the forward output", before[1], y), ("top_diff", before[2], top)],
                   what, kept)


def _unchanged(s: Subject, check: str, method: str,
               pairs: Sequence[tuple[str, np.ndarray, np.ndarray]], what: str,
               xs: Sequence[np.ndarray]) -> None:
    for name, before, after in pairs:
        if not np.array_equal(before, after, equal_nan=True):
            at = first_change(before, after)
            raise s.failure(check, f"{method} modified {name} in place: element {at} was "
                            f"{_value(before, at)}, is now {_value(after, at)} "
                            f"(inputs shaped {shapes(xs)}, {what}); compute into a new array")


def _value(a: Any, at: tuple[int, ...]) -> str:
    v = np.asarray(a)
    return f"{float(v[at]):.10g}" if v.shape and at or not v.shape else f"shaped {v.shape}"


def first_change(before: Any, after: Any) -> tuple[int, ...]:
    a, b = np.asarray(before), np.asarray(after)
    if a.shape != b.shape or not a.ndim:
        return ()
    changed = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return tuple(int(k) for k in np.argwhere(changed)[0])


def deterministic(s: Subject, check: str) -> None:
    """Repeated calls on the same inputs give identical results, whatever was called in
    between: the results depend on the arguments only, not on state kept from a call."""
    rng = s.rng(f"{check} top")
    for what, xs in regular_draws(s, check):
        y = forward(s, xs)
        top = top_for(y, rng)
        d1 = raw_backward(s, xs, y, top) or ()
        other = [np.flip(x).copy() for x in xs]  # a call on other inputs in between
        forward(s, other)
        y2 = forward(s, xs)
        if not np.array_equal(y, y2, equal_nan=True):
            raise s.failure(check, f"two forward calls on the same inputs differ at element "
                            f"{first_change(y, y2)} (inputs shaped {shapes(xs)}, {what})")
        forward(s, other)  # what a gate keeps from its last forward is now another input's
        d2 = raw_backward(s, xs, y, top) or ()
        for i in wrt(s):
            a, b = _array(d1, i), _array(d2, i)
            if a is not None and b is not None and not np.array_equal(a, b, equal_nan=True):
                raise s.failure(check, f"two backward calls on the same inputs differ for "
                                f"input {i} at element {first_change(a, b)} (inputs shaped "
                                f"{shapes(xs)}, {what}); forward was called on other inputs "
                                f"in between: does the backward read something forward kept, "
                                f"instead of its arguments?")


def results_are_finite(s: Subject, check: str) -> None:
    """Finite inputs at every magnitude of the pool (1e-3 to 1e3 and the exp-overflow
    edge) give a finite output and finite bottom_diffs."""
    rng = s.rng(f"{check} top")
    for what, xs in [*regular_draws(s, check), *_zeros(s, check)]:
        y = forward(s, xs)
        diffs = backward(s, check, xs, y, top_for(y, rng))
        for name, v in [("forward", y)] + [(f"bottom_diff {i}", diffs[i]) for i in wrt(s)]:
            problem = finite_problem(name, v, xs)
            if problem:
                raise s.failure(check, f"{problem} (inputs shaped {shapes(xs)}, {what})")


def _zeros(s: Subject, check: str) -> Iterator[tuple[str, list[np.ndarray]]]:
    """Each input in turn exactly 0 where its domain holds 0 (a formula like x / |x| is NaN
    there), the others from the pool; not for a gate that draws its own inputs."""
    for d in draws(s.gate, s.rng(f"{check} zeros"), [WIDE], F64):
        if "sample_inputs" in d.what:
            return
        kinks = tuple(getattr(s.gate, "kinks", ()) or ())
        for i, (lo, hi) in enumerate(domains(s.gate)):
            if lo < 0 < hi and 0 not in kinks:  # at a kink: gradient_at_kinks
                xs = [np.zeros_like(x) if k == i else x for k, x in enumerate(d.xs)]
                yield f"input {i} exactly 0, {d.what}", xs


def _array(diffs: Sequence[Any], i: int) -> np.ndarray | None:
    return None if i >= len(diffs) or diffs[i] is None else np.asarray(diffs[i])


def _known(s: Subject) -> bool:
    return s.kind in KINDS


#: in the order they run: results_do_not_alias (``core.contract.aliasing``) between the two
FIRST = [
    ("bottom_diffs_match_inputs", _known, bottom_diffs_match_inputs),
    ("inputs_not_modified", _known, inputs_not_modified),
]
THEN = [
    ("deterministic", _known, deterministic),
    ("results_are_finite", _known, results_are_finite),
]
