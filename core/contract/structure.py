"""Structure checks: what the executor relies on besides the numbers themselves.

Linear in top_diff; zero in, zero out; ``needs`` honoured; float32 agreeing
with float64; ``out=`` agreeing with the plain call; finite results at the
extremes. Each runs on the whole pool of magnitudes (one ``WIDE`` array per
input, or the gate's own samples at every scale). The fundamentals -- one
bottom_diff per input, no mutation, no aliasing, determinism -- are in
``core.contract.fundamentals``; what is particular to a kind in
``core.contract.kinds``.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from core.contract.fundamentals import F64, float_dtypes
from core.contract.numeric import TOLERANCES, compare
from core.contract.samples import WIDE, cast, draws, extreme_draws, fill
from core.contract.subject import (
    Subject,
    backward,
    finite_problem,
    forward,
    raw_backward,
    shapes,
    wrt,
)
from core.gate.backward import RULES, local_diff
from core.gate.diffs import DiffProblem, check_bottom_diff
from core.gate.kinds import KINDS


def _runs(s: Subject, check: str, dtype=F64
          ) -> Iterator[tuple[np.random.Generator, list[np.ndarray], np.ndarray, np.ndarray,
                              str]]:
    """(rng, inputs, output, a random top_diff, what) over the whole pool."""
    rng = s.rng(check)
    for d in draws(s.gate, rng, [WIDE], dtype):
        y = forward(s, d.xs)
        yield rng, d.xs, y, rng.standard_normal(np.shape(y)).astype(y.dtype), d.what


def linear_in_top_diff(s: Subject, check: str) -> None:
    """backward(a t1 + b t2) = a backward(t1) + b backward(t2), for top_diffs over the
    pool's magnitudes too (a backward that clips a large top_diff is not linear)."""
    for rng, xs, y, t1, what in _runs(s, check):
        t1 = fill(rng, [np.shape(y)], y.dtype)[0].astype(y.dtype)
        t2 = fill(rng, [np.shape(y)], y.dtype)[0]
        a, b = 1.5, -0.75
        mixed = backward(s, check, xs, y, a * t1 + b * t2)
        d1, d2 = backward(s, check, xs, y, t1), backward(s, check, xs, y, t2)
        for i in wrt(s):
            terms = np.abs(a * d1[i]) + np.abs(b * d2[i])
            scale = float(np.max(terms)) if terms.size else 0.0
            cmp = compare(mixed[i], a * d1[i] + b * d2[i], 1e-12, 1e-9, 1e-10 * scale)
            if not cmp.ok:
                raise s.failure(check, f"bottom_diff {i} is not linear in top_diff "
                                f"(backward({a} t1 + {b} t2) vs {a} backward(t1) + {b} "
                                f"backward(t2)), inputs shaped {shapes(xs)}, {what}",
                                cmp.describe())


def zero_top_diff_gives_zero(s: Subject, check: str) -> None:
    """A zero top_diff gives exactly zero bottom_diffs."""
    for _, xs, y, top, what in _runs(s, check):
        diffs = backward(s, check, xs, y, np.zeros_like(top))
        for i in wrt(s):
            d = np.asarray(diffs[i])
            if not np.all(d == 0):
                j = tuple(int(k) for k in np.argwhere(d != 0)[0]) if d.ndim else ()
                raise s.failure(check, f"bottom_diff {i} is {float(d[j]):g} at {j} for a zero "
                                f"top_diff, inputs shaped {shapes(xs)}, {what}")


def needs_respected(s: Subject, check: str) -> None:
    """An operator told that input i needs no gradient still gives the others the same."""
    for _, xs, y, top, what in _runs(s, check):
        full = backward(s, check, xs, y, top)
        for skip in range(len(xs)):
            needs = [i != skip for i in range(len(xs))]
            part = raw_backward(s, xs, y, top, needs=needs)
            if part is None or len(part) != len(xs):
                raise s.failure(check, f"with needs={needs} the local gradient returned "
                                f"{'None' if part is None else len(part)} bottom_diffs for "
                                f"{len(xs)} inputs")
            for i in (i for i in range(len(xs)) if needs[i]):
                summed = _summed(part[i], xs[i])
                if summed is None or not np.array_equal(summed, full[i]):
                    raise s.failure(check, f"with needs={needs} bottom_diff {i} differs from "
                                    f"the one computed with every need True, inputs shaped "
                                    f"{shapes(xs)}, {what}")


def float32_matches_float64(s: Subject, check: str) -> None:
    """float32 inputs give float32 results agreeing with float64 on the same numbers."""
    atol, rtol = s.tolerance(check, TOLERANCES["float32"])
    for _, xs32, y32, top32, what in _runs(s, check, np.float32):
        if y32.dtype != np.float32:
            raise s.failure(check, f"forward returned {y32.dtype} for float32 inputs shaped "
                            f"{shapes(xs32)}")
        xs, top = cast(xs32, F64), top32.astype(F64)
        y = forward(s, xs)
        scale = max(1.0, float(np.max(np.abs(y)))) if y.size else 1.0
        pairs = [("forward", y32, y)]
        d64, d32 = backward(s, check, xs, y, top), backward(s, check, xs32, y32, top32)
        pairs += [(f"bottom_diff {i}", d32[i], d64[i]) for i in wrt(s)]
        for name, low, high in pairs:
            size = float(np.max(np.abs(high))) if np.size(high) else 0.0
            cmp = compare(low, high, atol * max(scale, size), rtol)
            if not cmp.ok:
                raise s.failure(check, f"{name} in float32 disagrees with float64 on the same "
                                f"numbers, inputs shaped {shapes(xs)}, {what}",
                                cmp.describe().replace("analytic", "float32")
                                .replace("numeric", "float64"))


def out_matches_plain(s: Subject, check: str) -> None:
    """With ``supports_out``, results through ``out=`` equal the plain results, and the
    ``out=`` calls leave the inputs, the output and top_diff alone, in every dtype."""
    for _, xs, y, top, what in (r for dtype in float_dtypes(s) for r in _runs(s, check, dtype)):
        kept = [x.copy() for x in xs], y.copy(), top.copy()
        results = _out_results(s, xs, y, top)
        for name, before, after in ([(f"input {i}", b, a) for i, (b, a) in
                                     enumerate(zip(kept[0], xs))] +
                                    [("the forward output", kept[1], y),
                                     ("top_diff", kept[2], top)]):
            if not np.array_equal(before, after, equal_nan=True):
                raise s.failure(check, f"a call with out= modified {name} in place, inputs "
                                f"shaped {shapes(xs)}, {what}; write only into out")
        for name, given, plain in results:
            shared = [i for i, x in enumerate(xs) if np.shares_memory(np.asarray(given), x)]
            if shared:
                raise s.failure(check, f"{name} with out= returned an array that shares memory "
                                f"with input {shared[0]}, inputs shaped {shapes(xs)}, {what}")
            if not np.array_equal(np.asarray(given), np.asarray(plain)):
                raise s.failure(check, f"{name} with out= differs from the plain call, inputs "
                                f"shaped {shapes(xs)}, {what}",
                                compare(given, plain, 0, 0).describe()
                                .replace("analytic", "with out=").replace("numeric", "plain"))


def _out_results(s: Subject, xs, y, top) -> list[tuple[str, object, object]]:
    """(what, with out=, plain) for forward and the kind's local-gradient method."""
    g, rule, results = s.gate, RULES[s.known], []
    if s.kind != "cost":
        results.append(("forward", g.forward(*xs, out=np.full_like(y, np.nan)), y))
    if rule.scales:
        plain = local_diff(g, s.known, xs, y)
        out = np.full_like(xs[0], np.nan)
        results.append((rule.method, local_diff(g, s.known, xs, y, out=out), plain))
    else:
        vjp = getattr(g, rule.method)
        plain = vjp(top, xs, y, [True] * len(xs))
        given = vjp(top, xs, y, [True] * len(xs), out=[np.full_like(x, np.nan) for x in xs])
        results += [(f"local_gradient[{i}]", given[i], plain[i]) for i in range(len(xs))]
    return results


def large_inputs_stay_finite(s: Subject, check: str) -> None:
    """At the extremes -- +-1e3 and where exp overflows, in every declared dtype -- the
    results are finite, with no overflow, invalid value or division by zero."""
    for dtype in float_dtypes(s):
        for d in extreme_draws(s.gate, s.rng(check), dtype):
            xs = d.xs
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                try:
                    y = forward(s, xs)
                    diffs = backward(s, check, xs, y, np.ones_like(y))
                except FloatingPointError as exc:
                    raise s.failure(check, f"numpy floating point error ({exc}) for inputs "
                                    f"shaped {shapes(xs)} at {d.what}") from exc
            for what, v in [("forward", y)] + [(f"bottom_diff {i}", diffs[i]) for i in wrt(s)]:
                problem = finite_problem(what, v, xs)
                if problem:
                    raise s.failure(check, f"{problem} (inputs shaped {shapes(xs)}, at "
                                    f"{d.what})")


def _summed(diff: object, x: np.ndarray) -> np.ndarray | None:
    """A bottom_diff summed back to its input's shape, or None if the checker refuses it."""
    try:
        return check_bottom_diff(diff, x, 0)
    except DiffProblem:
        return None


def _known(s):
    return s.kind in KINDS


CHECKS = [
    ("linear_in_top_diff", _known, linear_in_top_diff),
    ("zero_top_diff_gives_zero", _known, zero_top_diff_gives_zero),
    ("needs_respected", lambda s: s.kind == "operator" and s.gate.arity > 1, needs_respected),
    ("float32_matches_float64", lambda s: _known(s) and "float32" in float_dtypes(s),
     float32_matches_float64),
    ("out_matches_plain", lambda s: _known(s) and getattr(s.gate, "supports_out", False) is True,
     out_matches_plain),
    ("large_inputs_stay_finite", _known, large_inputs_stay_finite),
]
