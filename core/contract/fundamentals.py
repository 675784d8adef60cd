"""The fundamentals: what every other check relies on, checked first on every input the
suite uses.

* ``bottom_diffs_match_inputs`` -- the forward keeps the inputs' dtype (and an
  activation their shape); one bottom_diff per input, with its shape and dtype;
* ``inputs_not_modified`` -- neither forward nor backward writes into the
  inputs, the forward output or top_diff;
* ``results_do_not_alias`` -- what the gate returns is its own: the forward
  output shares no memory with an input; a bottom_diff shares none with an
  input, the output, top_diff or another bottom_diff, except top_diff itself
  handed on whole (the distributor: add's local gradient is 1); and no result
  changes when the gate is called again;
* ``deterministic`` -- the same inputs give the same results.

Mutation and aliasing are checked on every set of inputs the other checks use
(``every_draw``): each magnitude of the pool in both dtypes, the extremes, the
0-d, batch-of-one and empty-batch inputs and the broadcasts, so a gate that
writes into its input only above some magnitude is caught here, first. A check
that depends on a failed fundamental is not run (``core.contract.running``).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from core.contract.samples import BASE, SHAPES, WIDE, draws, extreme_draws
from core.contract.subject import Subject, backward, forward, raw_backward, shapes, wrt
from core.contract.variants import broadcasts, edge_cases
from core.gate.backward import local_diff
from core.gate.kinds import KINDS

F64 = np.dtype("float64")
#: what a gate raises to refuse inputs it does not take (a shape it cannot combine)
REFUSALS = (ValueError, IndexError)


def float_dtypes(s: Subject) -> list[str]:
    return [d for d in ("float64", "float32") if d in tuple(getattr(s.gate, "dtypes", ()))]


def regular_draws(s: Subject, check: str) -> Iterator[tuple[str, list[np.ndarray]]]:
    """(what, inputs) of the gradient and structure checks, in every declared dtype."""
    rng = s.rng(check)
    for dtype in float_dtypes(s):
        for d in draws(s.gate, rng, [*SHAPES, WIDE], dtype):
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


def _forward(s: Subject, xs: list[np.ndarray], refusable: bool) -> Any:
    """The raw forward result, or None when a shape variant raised: what a gate must do
    with those is for ``edge_shapes`` and ``broadcasting`` to say, not a fundamental."""
    s.note(xs)
    try:
        return s.gate.forward(*xs)
    except Exception:
        if refusable:
            return None
        raise


def _top(y: Any, rng: np.random.Generator) -> np.ndarray:
    y = np.asarray(y)
    return rng.standard_normal(y.shape).astype(y.dtype if y.dtype.kind == "f" else F64)


def bottom_diffs_match_inputs(s: Subject, check: str) -> None:
    """The forward keeps the inputs' dtype; one bottom_diff per input, with that input's
    shape and dtype, in every declared dtype."""
    rng = s.rng(f"{check} top")
    for what, xs in regular_draws(s, check):
        y = forward(s, xs)
        if s.kind != "cost" and y.dtype != xs[0].dtype:
            raise s.failure(check, f"forward returned {y.dtype} for {xs[0].dtype} inputs "
                            f"shaped {shapes(xs)} ({what}): a gate computes in its inputs' "
                            f"dtype")
        if s.kind == "activation":
            d = np.asarray(local_diff(s.gate, s.known, xs, y))
            for name, got in (("forward", y.shape), ("derivative", d.shape)):
                if got != xs[0].shape:
                    raise s.failure(check, f"{name} has shape {got} for an input shaped "
                                    f"{xs[0].shape}, {xs[0].dtype}: an activation is "
                                    f"elementwise, its {name} shaped like its input")
        top = _top(y, rng)
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
        y = _forward(s, xs, refusable)
        _unchanged(s, check, "forward", [(f"input {i}", b, a) for i, (b, a) in
                                         enumerate(zip(kept, xs))], what, kept)
        if y is None:
            continue
        y = np.asarray(y)
        top = _top(y, rng)
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
            at = _first_change(before, after)
            raise s.failure(check, f"{method} modified {name} in place: element {at} was "
                            f"{_value(before, at)}, is now {_value(after, at)} "
                            f"(inputs shaped {shapes(xs)}, {what}); compute into a new array")


def _value(a: Any, at: tuple[int, ...]) -> str:
    v = np.asarray(a)
    return f"{float(v[at]):.10g}" if v.shape and at or not v.shape else f"shaped {v.shape}"


def _first_change(before: Any, after: Any) -> tuple[int, ...]:
    a, b = np.asarray(before), np.asarray(after)
    if a.shape != b.shape or not a.ndim:
        return ()
    changed = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return tuple(int(k) for k in np.argwhere(changed)[0])


def results_do_not_alias(s: Subject, check: str) -> None:
    """Returned arrays share no memory with the inputs, top_diff or one another (a
    distributor may hand top_diff itself on), and do not change on the next call."""
    rng = s.rng(f"{check} top")
    for what, xs, refusable in every_draw(s, check):
        y = _forward(s, xs, refusable)
        if y is None:
            continue
        where = f"(inputs shaped {shapes(xs)}, {what})"
        for i, x in enumerate(xs):
            if np.shares_memory(y, x):
                raise s.failure(check, f"the forward output shares memory with input {i} "
                                f"(it is that array or a view of it) {where}; return a new "
                                f"array: the caller may change either")
        top = _top(y, rng)
        diffs = _raw_diffs(s, xs, np.asarray(y), top, refusable)
        _own_diffs(s, check, diffs, xs, y, top, where)
        again = [np.flip(x).copy() for x in xs]  # other values, same shapes and domain
        first, kept = np.asarray(y), np.array(y, copy=True)
        y2 = _forward(s, again, refusable)
        if y2 is not None and not np.array_equal(first, kept, equal_nan=True):
            raise s.failure(check, f"the forward output changed when forward was called "
                            f"again on other inputs: element {_first_change(kept, first)} "
                            f"{where}; it reuses an array between calls, return a new one")
        if s.kind == "operator" and y2 is not None:
            kept_diffs = [None if d is None else np.array(d, copy=True) for d in diffs]
            _raw_diffs(s, again, np.asarray(y2), _top(y2, rng), refusable)
            for i, (d, k) in enumerate(zip(diffs, kept_diffs)):
                if d is not None and k is not None and not np.array_equal(d, k,
                                                                          equal_nan=True):
                    raise s.failure(check, f"bottom_diff {i} changed when local_gradient was "
                                    f"called again on other inputs: element "
                                    f"{_first_change(k, d)} {where}; it reuses an array "
                                    f"between calls, return a new one")


def _raw_diffs(s: Subject, xs: list[np.ndarray], y: np.ndarray, top: np.ndarray,
               refusable: bool) -> list[Any]:
    """An operator's bottom_diffs as it returned them ([] for the other kinds, whose
    bottom_diffs the rule computes afresh)."""
    if s.kind != "operator":
        return []
    try:
        return list(raw_backward(s, xs, y, top) or ())
    except Exception:
        if refusable:
            return []
        raise


def _own_diffs(s: Subject, check: str, diffs: list[Any], xs: list[np.ndarray], y: Any,
               top: np.ndarray, where: str) -> None:
    others = [(f"input {j}", x) for j, x in enumerate(xs)] + [("the forward output", y)]
    for i, d in enumerate(diffs):
        if d is None or d is top:  # top_diff handed on whole: the distributor
            continue
        found = [name for name, a in others + [("top_diff", top)] if np.shares_memory(d, a)]
        found += [f"bottom_diff {k}" for k, e in enumerate(diffs)
                  if k != i and e is not None and e is not top and np.shares_memory(d, e)]
        if found:
            raise s.failure(check, f"bottom_diff {i} shares memory with {found[0]} {where}; "
                            f"return a new array (or top_diff itself, unchanged, where the "
                            f"local gradient is 1)")


def deterministic(s: Subject, check: str) -> None:
    """Repeated calls on the same inputs give identical results."""
    rng = s.rng(f"{check} top")
    for what, xs in regular_draws(s, check):
        y = forward(s, xs)
        y2 = forward(s, xs)
        if not np.array_equal(y, y2, equal_nan=True):
            raise s.failure(check, f"two forward calls on the same inputs differ at element "
                            f"{_first_change(y, y2)} (inputs shaped {shapes(xs)}, {what})")
        top = _top(y, rng)
        d1, d2 = raw_backward(s, xs, y, top) or (), raw_backward(s, xs, y, top) or ()
        for i in wrt(s):
            a, b = _array(d1, i), _array(d2, i)
            if a is not None and b is not None and not np.array_equal(a, b, equal_nan=True):
                raise s.failure(check, f"two backward calls on the same inputs differ for "
                                f"input {i} at element {_first_change(a, b)} (inputs shaped "
                                f"{shapes(xs)}, {what})")


def _array(diffs: Sequence[Any], i: int) -> np.ndarray | None:
    return None if i >= len(diffs) or diffs[i] is None else np.asarray(diffs[i])


def _known(s: Subject) -> bool:
    return s.kind in KINDS


CHECKS = [
    ("bottom_diffs_match_inputs", _known, bottom_diffs_match_inputs),
    ("inputs_not_modified", _known, inputs_not_modified),
    ("results_do_not_alias", _known, results_do_not_alias),
    ("deterministic", _known, deterministic),
]
