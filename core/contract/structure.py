"""Structure checks: what the executor relies on besides the numbers themselves.

One bottom_diff per input with its shape and dtype; linear in top_diff; zero
in, zero out; repeatable; inputs left alone; float32 agreeing with float64;
``out=`` agreeing with the plain call; finite results for large inputs.
(What is particular to a kind -- a cost's scalar, an activation's
elementwise-ness -- is in ``core.contract.kinds``.)
"""
from __future__ import annotations

import numpy as np

from core.contract.numeric import TOLERANCES, compare
from core.contract.samples import SHAPES, cast, sample_inputs
from core.contract.subject import Subject, backward, forward, raw_backward, shapes, wrt
from core.gate.backward import RULES, bottom_diffs, local_diff
from core.gate.diffs import DiffProblem, check_bottom_diff
from core.gate.kinds import KINDS

F64 = np.dtype("float64")
SHAPE = SHAPES[1]  # with a batch dimension


def _run(s: Subject, check: str, dtype=F64, shape=SHAPE, scale=1.0):
    rng = s.rng(f"{check}{shape}")
    xs = sample_inputs(s.gate, rng, shape, dtype, scale)
    y = forward(s, xs)
    top = rng.standard_normal(np.shape(y)).astype(y.dtype)
    return rng, xs, y, top


def bottom_diffs_match_inputs(s: Subject, check: str) -> None:
    """One bottom_diff per input, with that input's shape and dtype, in every declared dtype."""
    for dtype in _float_dtypes(s):
        _, xs, y, top = _run(s, check, dtype)
        if s.kind == "activation":
            d = np.asarray(local_diff(s.gate, s.known, xs, y))
            if d.shape != xs[0].shape:
                raise s.failure(check, f"derivative has shape {d.shape} for an input shaped "
                                f"{xs[0].shape}, {dtype}: an activation's derivative is "
                                f"elementwise, shaped like its input")
        diffs = backward(s, check, xs, y, top)  # count and shapes
        raw = raw_backward(s, xs, y, top) or ()  # as the gate made them (backward checked them)
        for i in wrt(s):
            got = np.asarray(raw[i]).dtype
            if got != xs[i].dtype:
                raise s.failure(check, f"bottom_diff {i} is {got} for a {xs[i].dtype} input "
                                f"(inputs shaped {shapes(xs)})")
            if not np.all(np.isfinite(diffs[i])):
                raise s.failure(check, f"bottom_diff {i} is not finite for finite inputs "
                                f"shaped {shapes(xs)}, {dtype}")


def linear_in_top_diff(s: Subject, check: str) -> None:
    """backward(a t1 + b t2) = a backward(t1) + b backward(t2)."""
    rng, xs, y, t1 = _run(s, check)
    t2 = rng.standard_normal(np.shape(y))
    a, b = 1.5, -0.75
    mixed = backward(s, check, xs, y, a * t1 + b * t2)
    d1, d2 = backward(s, check, xs, y, t1), backward(s, check, xs, y, t2)
    for i in wrt(s):
        cmp = compare(mixed[i], a * d1[i] + b * d2[i], 1e-12, 1e-9)
        if not cmp.ok:
            raise s.failure(check, f"bottom_diff {i} is not linear in top_diff "
                            f"(backward({a} t1 + {b} t2) vs {a} backward(t1) + {b} backward(t2))"
                            f", inputs shaped {shapes(xs)}", cmp.describe())


def zero_top_diff_gives_zero(s: Subject, check: str) -> None:
    """A zero top_diff gives exactly zero bottom_diffs."""
    _, xs, y, top = _run(s, check)
    diffs = backward(s, check, xs, y, np.zeros_like(top))
    for i in wrt(s):
        d = np.asarray(diffs[i])
        if not np.all(d == 0):
            j = np.unravel_index(int(np.argmax(d != 0)), d.shape) if d.ndim else ()
            raise s.failure(check, f"bottom_diff {i} is {float(d[j]):g} at "
                            f"{tuple(map(int, j))} for "
                            f"a zero top_diff, inputs shaped {shapes(xs)}")


def needs_respected(s: Subject, check: str) -> None:
    """An operator told that input i needs no gradient still gives the others the same."""
    _, xs, y, top = _run(s, check)
    full = backward(s, check, xs, y, top)
    for skip in range(len(xs)):
        needs = [i != skip for i in range(len(xs))]
        part = bottom_diffs(s.gate, s.known, top, xs, y, needs)[1]
        if part is None or len(part) != len(xs):
            raise s.failure(check, f"with needs={needs} the local gradient returned "
                            f"{'None' if part is None else len(part)} bottom_diffs for "
                            f"{len(xs)} inputs")
        for i in (i for i in range(len(xs)) if needs[i]):
            summed = _summed(part[i], xs[i])
            if summed is None or not np.array_equal(summed, full[i]):
                raise s.failure(check, f"with needs={needs} bottom_diff {i} differs from the "
                                f"one computed with every need True, inputs shaped {shapes(xs)}")


def deterministic(s: Subject, check: str) -> None:
    """Repeated calls on the same inputs give identical results."""
    _, xs, y, top = _run(s, check)
    y2 = forward(s, xs)
    if not np.array_equal(y, y2, equal_nan=True):
        raise s.failure(check, f"two forward calls differ, inputs shaped {shapes(xs)}")
    d1, d2 = backward(s, check, xs, y, top), backward(s, check, xs, y, top)
    for i in wrt(s):
        if not np.array_equal(d1[i], d2[i], equal_nan=True):
            raise s.failure(check, f"two backward calls differ for input {i}, inputs shaped "
                            f"{shapes(xs)}")


def inputs_not_modified(s: Subject, check: str) -> None:
    """Neither forward nor backward writes into the inputs, the output or top_diff."""
    _, xs, y, top = _run(s, check)
    keep = [x.copy() for x in xs], y.copy(), top.copy()
    forward(s, xs)
    backward(s, check, xs, y, top)
    for name, before, after in ([(f"input {i}", b, a) for i, (b, a) in
                                 enumerate(zip(keep[0], xs))] +
                                [("the forward output", keep[1], y), ("top_diff", keep[2], top)]):
        if not np.array_equal(before, after, equal_nan=True):
            raise s.failure(check, f"{name} was modified in place, inputs shaped {shapes(xs)}")


def float32_matches_float64(s: Subject, check: str) -> None:
    """float32 inputs give float32 results agreeing with float64 (looser tolerance)."""
    _, xs, y, top = _run(s, check)
    xs32, top32 = cast(xs, np.float32), top.astype(np.float32)
    y32 = forward(s, xs32)
    if y32.dtype != np.float32:
        raise s.failure(check, f"forward returned {y32.dtype} for float32 inputs shaped "
                        f"{shapes(xs)}")
    atol, rtol = TOLERANCES["float32"]
    scale = max(1.0, float(np.max(np.abs(y)))) if y.size else 1.0
    pairs = [("forward", y32, y)]
    d64, d32 = backward(s, check, xs, y, top), backward(s, check, xs32, y32, top32)
    pairs += [(f"bottom_diff {i}", d32[i], d64[i]) for i in wrt(s)]
    for what, low, high in pairs:
        cmp = compare(low, high, atol * scale, rtol)
        if not cmp.ok:
            raise s.failure(check, f"{what} in float32 disagrees with float64, inputs shaped "
                            f"{shapes(xs)}", cmp.describe().replace("analytic", "float32")
                            .replace("numeric", "float64"))


def out_matches_plain(s: Subject, check: str) -> None:
    """With ``supports_out``, results through ``out=`` equal the plain results."""
    _, xs, y, top = _run(s, check)
    g, rule, results = s.gate, RULES[s.known], []
    if s.kind != "cost":
        results.append(("forward", g.forward(*xs, out=np.full_like(y, np.nan)), y))
    if rule.scales:
        out = np.full_like(xs[0], np.nan)
        results.append((rule.method, local_diff(g, s.known, xs, y, out=out),
                        local_diff(g, s.known, xs, y)))
    else:
        bufs = [np.full_like(x, np.nan) for x in xs]
        vjp = getattr(g, rule.method)
        plain = vjp(top, xs, y, [True] * len(xs))
        given = vjp(top, xs, y, [True] * len(xs), out=bufs)
        results += [(f"local_gradient[{i}]", given[i], plain[i]) for i in range(len(xs))]
    for what, given, plain in results:
        if not np.array_equal(np.asarray(given), np.asarray(plain)):
            raise s.failure(check, f"{what} with out= differs from the plain call, inputs "
                            f"shaped {shapes(xs)}", compare(given, plain, 0, 0).describe()
                            .replace("analytic", "with out=").replace("numeric", "plain"))


def large_inputs_stay_finite(s: Subject, check: str) -> None:
    """Inputs up to |x| ~ 1e3 in float64 give finite results, without overflow or invalid."""
    _, xs, y, top = _run(s, check, scale=1e3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            y = forward(s, xs)
            diffs = backward(s, check, xs, y, np.ones_like(y))
        except FloatingPointError as exc:
            raise s.failure(check, f"numpy floating point error for inputs up to "
                            f"{max(float(np.max(np.abs(x))) for x in xs):.3g}: {exc}") from exc
    for what, v in [("forward", y)] + [(f"bottom_diff {i}", diffs[i]) for i in wrt(s)]:
        if not np.all(np.isfinite(v)):
            raise s.failure(check, f"{what} is not finite for inputs shaped {shapes(xs)} "
                            f"up to |x| = {max(float(np.max(np.abs(x))) for x in xs):.3g}")


def _summed(diff: object, x: np.ndarray) -> np.ndarray | None:
    """A bottom_diff summed back to its input's shape, or None if the checker refuses it."""
    try:
        return check_bottom_diff(diff, x, 0)
    except DiffProblem:
        return None


def _float_dtypes(s: Subject) -> list[str]:
    return [d for d in ("float64", "float32") if d in tuple(getattr(s.gate, "dtypes", ()))]


def _known(s):
    return s.kind in KINDS


CHECKS = [
    ("bottom_diffs_match_inputs", _known, bottom_diffs_match_inputs),
    ("linear_in_top_diff", _known, linear_in_top_diff),
    ("zero_top_diff_gives_zero", _known, zero_top_diff_gives_zero),
    ("needs_respected", lambda s: s.kind == "operator" and s.gate.arity > 1, needs_respected),
    ("deterministic", _known, deterministic),
    ("inputs_not_modified", _known, inputs_not_modified),
    ("float32_matches_float64", lambda s: _known(s) and "float32" in _float_dtypes(s),
     float32_matches_float64),
    ("out_matches_plain", lambda s: _known(s) and getattr(s.gate, "supports_out", False) is True,
     out_matches_plain),
    ("large_inputs_stay_finite", _known, large_inputs_stay_finite),
]
