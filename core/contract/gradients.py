"""Gradient checks: the local gradient against central finite differences, a
fast random projection, and the gradient at declared kinks.

All in float64 at the subject's seed. Following PyTorch's gradcheck, the fast
check compares <u, J^T v> (the gate's backward) with <v, J u> (finite
differences along u); when it fails, the full Jacobian is built so that the
message can name the element that is wrong. Following Caffe's lesson (a NaN
once hid at a skipped kink), kinks are checked on purpose, not only avoided.
"""
from __future__ import annotations

import numpy as np

from core.contract.numeric import EPS, TOLERANCES, compare, directional, jacobians, numeric_vjp
from core.contract.samples import SHAPES, sample_inputs
from core.contract.subject import Subject, backward, forward, shapes, wrt
from core.gate.kinds import KINDS

F64 = np.dtype("float64")
#: random directions per input, and the (tighter) tolerance of one projected scalar:
#: central differences of a smooth function are accurate to ~1e-10 at step 1e-6
PROJECTIONS = 3
PROJECTION_TOLERANCE = (1e-7, 1e-6)


def _f(s: Subject):
    return lambda zs: np.asarray(forward(s, zs), dtype=np.float64)


def _top(s: Subject, rng, y) -> np.ndarray:
    return rng.standard_normal(np.shape(y)).astype(np.asarray(y).dtype)


def gradient_matches_finite_differences(s: Subject, check: str) -> None:
    """Every bottom_diff equals d<top_diff, output>/dinput by central differences."""
    atol, rtol = TOLERANCES["float64"]
    for shape in SHAPES:
        rng = s.rng(f"{check}{shape}")
        xs = sample_inputs(s.gate, rng, shape, F64)
        y = forward(s, xs)
        top = _top(s, rng, y)
        diffs = backward(s, check, xs, y, top)
        for i in wrt(s):
            numeric = numeric_vjp(_f(s), xs, i, top, EPS)
            cmp = compare(diffs[i], numeric, atol, rtol)
            if not cmp.ok:
                raise s.failure(check, f"bottom_diff of input {i}, inputs shaped {shapes(xs)}, "
                                f"float64, random top_diff shaped {np.shape(y)}, step {EPS:g}",
                                cmp.describe(f"element of input {i}"))


def gradient_random_projection(s: Subject, check: str) -> None:
    """<u, J^T v> from the gate equals <v, J u> from finite differences."""
    atol, rtol = PROJECTION_TOLERANCE
    shape = SHAPES[1]
    rng = s.rng(check)
    xs = sample_inputs(s.gate, rng, shape, F64)
    y = forward(s, xs)
    for i in [i for i in wrt(s) for _ in range(PROJECTIONS)]:
        u = rng.standard_normal(xs[i].shape)
        v = _top(s, rng, y)
        diffs = backward(s, check, xs, y, v)
        lhs = float(np.vdot(u, diffs[i]))
        rhs = float(np.vdot(v, directional(_f(s), xs, i, u, EPS)))
        scalar = compare(lhs, rhs, atol, rtol)
        if scalar.ok:
            continue
        def vjp(t: np.ndarray, i: int = i) -> np.ndarray:
            return np.asarray(backward(s, check, xs, y, t)[i])

        analytic, numeric = jacobians(_f(s), vjp, xs, i, np.shape(y), EPS)
        full = compare(analytic, numeric, *TOLERANCES["float64"])
        r, c = full.index
        out_idx = tuple(int(k) for k in np.unravel_index(r, np.shape(y))) if np.ndim(y) else ()
        in_idx = tuple(int(k) for k in np.unravel_index(c, xs[i].shape))
        raise s.failure(check, f"input {i}, inputs shaped {shapes(xs)}, float64: "
                        f"<u, J^T v> = {lhs:.10g} from the gate but <v, J u> = {rhs:.10g} "
                        f"from finite differences (step {EPS:g}); abs error "
                        f"{scalar.abs_error:.3g}, "
                        f"tolerance atol {atol:g} + rtol {rtol:g} x |numeric|",
                        f"full Jacobian: worst element d output{list(out_idx)} / d input {i}"
                        f"{list(in_idx)}: analytic {full.analytic:.10g}, numeric "
                        f"{full.numeric:.10g}; abs error {full.abs_error:.3g}, rel error "
                        f"{full.rel_error:.3g}; tolerance atol {full.atol:g} + rtol "
                        f"{full.rtol:g} x |numeric|")


def gradient_at_kinks(s: Subject, check: str) -> None:
    """At a declared kink every bottom_diff is finite and between the one-sided differences.

    For each kink k and each input that gets a gradient, that input is set to k
    everywhere (the others sampled as usual) and top_diff is all ones: element j
    of every bottom_diff must lie between the left and right differences of
    sum(output) along element j. For an activation that is its derivative at k;
    the same holds for an operator (or a cost) that declares kinks of its inputs.
    """
    for k in s.gate.kinks:
        for i in wrt(s):
            rng = s.rng(f"{check}{k}{i}")
            xs = sample_inputs(s.gate, rng, SHAPES[1], F64)
            xs[i] = np.full_like(xs[i], float(k))
            y = forward(s, xs)
            diffs = backward(s, check, xs, y, np.ones_like(y))
            for m in wrt(s):
                _between(s, check, k, i, xs, m, np.asarray(diffs[m], dtype=np.float64))


def _between(s: Subject, check: str, k: float, i: int, xs, m: int, g: np.ndarray) -> None:
    """bottom_diff m lies between the one-sided differences of sum(output) w.r.t. input m."""
    h, f = EPS, _f(s)
    left, right = np.empty(xs[m].shape), np.empty(xs[m].shape)
    centre = float(np.sum(f(xs)))
    for j in np.ndindex(xs[m].shape):
        for side, sign in ((left, -1.0), (right, 1.0)):
            moved = xs[m].copy()
            moved[j] += sign * h
            side[j] = sign * (float(np.sum(f(_with(xs, m, moved)))) - centre) / h
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    tol = 1e-5 + 1e-4 * np.maximum(np.abs(lo), np.abs(hi))
    bad = ~np.isfinite(g) | (g < lo - tol) | (g > hi + tol)
    if bad.any():
        j = tuple(int(a) for a in np.unravel_index(int(np.argmax(bad)), g.shape))
        what = "the derivative" if s.kind == "activation" else \
            f"bottom_diff {m} (top_diff all ones)"
        raise s.failure(check, f"at the kink x = {k:g} (input {i} equal to it everywhere, "
                        f"inputs shaped {shapes(xs)}), element {j}: {what} is {g[j]:.10g}, "
                        f"not between the one-sided differences {left[j]:.10g} (left) and "
                        f"{right[j]:.10g} (right), step {h:g}, tolerance {tol[j]:.3g}")


def _with(xs, i, value):
    ys = list(xs)
    ys[i] = value
    return ys


def _has_kinks(s: Subject) -> bool:
    return _differentiable(s) and bool(tuple(getattr(s.gate, "kinks", ()) or ()))


def _differentiable(s: Subject) -> bool:
    return s.kind in KINDS


CHECKS = [
    ("gradient_matches_finite_differences", _differentiable, gradient_matches_finite_differences),
    ("gradient_random_projection", _differentiable, gradient_random_projection),
    ("gradient_at_kinks", _has_kinks, gradient_at_kinks),
]
