"""Gradient checks: the local gradient against central finite differences, a
fast random projection, and the gradient at declared kinks.

All in float64 at the subject's seed, on every magnitude of the pool (1e-3 to
1e3 and the exp-overflow edge, both signs; ``core.contract.samples``) or the
gate's own samples at every scale. Following PyTorch's gradcheck, the fast
check compares <u, J^T v> (the gate's backward) with <v, J u> (finite
differences along u); when it fails, the full Jacobian is built so that the
message can name the element that is wrong. Following Caffe's lesson (a NaN
once hid at a skipped kink), kinks are checked on purpose, not only avoided.
"""
from __future__ import annotations

import numpy as np

from core.contract.numeric import EPS, TOLERANCES, compare, directional, jacobians, numeric_vjp
from core.contract.samples import SHAPES, WIDE, draws
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
    atol, rtol = s.tolerance(check, TOLERANCES["float64"])
    rng = s.rng(check)
    for d in draws(s.gate, rng, SHAPES, F64):
        xs = d.xs
        y = forward(s, xs)
        top = _top(s, rng, y)
        diffs = backward(s, check, xs, y, top)
        for i in wrt(s):
            numeric, err = numeric_vjp(_f(s), xs, i, top, EPS, diffs[i], (atol, rtol))
            cmp = compare(diffs[i], numeric, atol, rtol, err)
            if not cmp.ok:
                raise s.failure(check, f"bottom_diff of input {i}, inputs shaped {shapes(xs)}, "
                                f"{d.what}, random top_diff shaped {np.shape(y)}, step "
                                f"{EPS:g} x max(1, |x|)", _where(cmp.index, xs, i),
                                cmp.describe(f"element of input {i}"))


def _where(index: tuple[int, ...], xs, i: int) -> str:
    """'input 0 at (1, 2) is 709.78...': the input value where the worst element is."""
    return f"input {i} at {index} is {float(np.asarray(xs[i])[index]):.10g}"


def gradient_random_projection(s: Subject, check: str) -> None:
    """<u, J^T v> from the gate equals <v, J u> from finite differences."""
    atol, rtol = s.tolerance(check, PROJECTION_TOLERANCE)
    rng = s.rng(check)
    for d in draws(s.gate, rng, [WIDE], F64):
        xs = d.xs
        y = forward(s, xs)
        for i in [i for i in wrt(s) for _ in range(PROJECTIONS)]:
            u = rng.standard_normal(xs[i].shape) * np.maximum(1.0, np.abs(xs[i]))
            v = _top(s, rng, y)
            diffs = backward(s, check, xs, y, v)
            lhs = float(np.vdot(u, diffs[i]))
            rhs, err = directional(_f(s), xs, i, u, v, EPS, lhs, (atol, rtol))
            scalar = compare(lhs, rhs, atol, rtol, err)
            if not scalar.ok:
                _project_failure(s, check, xs, y, i, lhs, rhs, scalar, d.what)


def _project_failure(s: Subject, check: str, xs, y, i: int, lhs: float, rhs: float,
                     scalar, what: str) -> None:
    """Build the full Jacobian to name the wrong element, and fail."""
    def vjp(t: np.ndarray) -> np.ndarray:
        return np.asarray(backward(s, check, xs, y, t)[i])

    analytic, numeric, err = jacobians(_f(s), vjp, xs, i, np.shape(y), EPS)
    full = compare(analytic, numeric, *s.tolerance(check, TOLERANCES["float64"]), err)
    r, c = full.index
    out_idx = tuple(int(k) for k in np.unravel_index(r, np.shape(y))) if np.ndim(y) else ()
    in_idx = tuple(int(k) for k in np.unravel_index(c, xs[i].shape))
    raise s.failure(check, f"input {i}, inputs shaped {shapes(xs)}, {what}: "
                    f"<u, J^T v> = {lhs:.10g} from the gate but <v, J u> = {rhs:.10g} "
                    f"from finite differences (step {EPS:g}); abs error "
                    f"{scalar.abs_error:.3g}, tolerance atol {scalar.atol:g} + rtol "
                    f"{scalar.rtol:g} x |numeric| + finite-difference error "
                    f"{scalar.estimate:.2g}",
                    f"full Jacobian: worst element d output{list(out_idx)} / d input {i}"
                    f"{list(in_idx)} (input value {float(xs[i][in_idx]):.10g}): analytic "
                    f"{full.analytic:.10g}, numeric {full.numeric:.10g}; abs error "
                    f"{full.abs_error:.3g}, rel error {full.rel_error:.3g}; tolerance atol "
                    f"{full.atol:g} + rtol {full.rtol:g} x |numeric|")


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
            xs = draws(s.gate, rng, [SHAPES[1]], F64, scales=(1.0,))[0].xs
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
    atol, rtol = s.tolerance(check, (1e-5, 1e-4))
    tol = atol + rtol * np.maximum(np.abs(lo), np.abs(hi))
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
