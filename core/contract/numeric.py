"""Numerical derivatives for the contract suite: central differences with an estimate of
their own error, random projections, full Jacobians, and the comparison that finds the
worst element.

In the style of PyTorch's gradcheck (float64, a small step, an absolute plus a
relative tolerance; a fast mode that compares one random projection) and JAX's
``check_grads`` (a fixed seed, tolerances by dtype). The step of element x is
``EPS x max(1, |x|)``, so that inputs up to 1e3 keep the same relative
accuracy. Each difference comes with an estimate of its own error: its
disagreement with the same difference at twice the step (truncation, and any
roughness of the function there) plus the rounding of the output over the
step. That estimate widens the tolerance only where finite differences cannot
see finer -- a cost of 1e5 whose element gradient is 1e-4, a point close to an
undeclared kink -- and leaves a smooth gate's tolerance where it is, so a
gradient wrong in a tail of the domain still fails.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import numpy as np

Fn = Callable[[list[np.ndarray]], np.ndarray]

EPS = 1e-6
#: (atol, rtol) per dtype: gradients in float64; forward agreement in float32
TOLERANCES = {"float64": (1e-7, 1e-4), "float32": (1e-4, 1e-3)}
#: how many units of rounding a sum of outputs is allowed, in the error estimate
ROUNDING = 8 * float(np.finfo(np.float64).eps)


def _with(xs: Sequence[np.ndarray], i: int, value: np.ndarray) -> list[np.ndarray]:
    ys = list(xs)
    ys[i] = value
    return ys


def step(x: float) -> float:
    """The finite-difference step at x: EPS, relative to |x| beyond 1."""
    return EPS * max(1.0, abs(x))


def numeric_vjp(f: Fn, xs: Sequence[np.ndarray], i: int, top_diff: np.ndarray,
                eps: float = EPS, analytic: np.ndarray | None = None,
                tol: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(d<top_diff, f(xs)>/dxs[i] by central differences, an estimate of its error).

    Element by element, with the step ``eps x max(1, |x|)``. The outputs are
    subtracted before they are summed, so output elements the step does not
    move cancel exactly and only the ones it moves count in the rounding. Given
    the ``analytic`` values and their ``tol`` (atol, rtol), the difference at
    twice the step is taken only where the element would fail without it (it
    can only widen the tolerance, so the outcome is the same, in half the calls).
    """
    x = np.asarray(xs[i], dtype=np.float64)
    top = np.asarray(top_diff, dtype=np.float64)
    grad, err = np.zeros(x.shape), np.zeros(x.shape)
    given = None if analytic is None else np.broadcast_to(np.asarray(analytic, float), x.shape)

    def difference(idx: tuple[int, ...], here: float, h: float) -> tuple[float, float]:
        up, down = x.copy(), x.copy()
        up[idx], down[idx] = here + h, here - h
        fu = np.asarray(f(_with(xs, i, up)), dtype=np.float64)
        fd = np.asarray(f(_with(xs, i, down)), dtype=np.float64)
        moved = fu != fd
        with np.errstate(invalid="ignore", over="ignore"):
            return (float(np.vdot(top, fu - fd)) / (float(up[idx]) - float(down[idx])),
                    float(np.vdot(np.abs(top), (np.abs(fu) + np.abs(fd)) * moved)) / 2)

    for idx in np.ndindex(x.shape):
        here = float(x[idx])
        h = eps / EPS * step(here)
        one, size = difference(idx, here, h)
        grad[idx] = one
        err[idx] = _estimate(one, one, size, h)
        if given is not None and tol is not None and \
                abs(given[idx] - one) <= tol[0] + tol[1] * abs(one) + err[idx]:
            continue  # passes already: the wider estimate would change nothing
        two, size2 = difference(idx, here, 2 * h)
        err[idx] = _estimate(one, two, max(size, size2), h)
    return grad, err


def directional(f: Fn, xs: Sequence[np.ndarray], i: int, u: np.ndarray, v: np.ndarray,
                eps: float = EPS, lhs: float | None = None,
                tol: tuple[float, float] | None = None) -> tuple[float, float]:
    """(<v, J u> by central differences along direction u of input i, its error estimate);
    the difference at twice the step only when ``lhs`` would fail without it."""
    x = np.asarray(xs[i], dtype=np.float64)
    vv = np.asarray(v, dtype=np.float64)

    def difference(t: float) -> tuple[float, float]:
        fu = np.asarray(f(_with(xs, i, x + t * u)), dtype=np.float64)
        fd = np.asarray(f(_with(xs, i, x - t * u)), dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            return (float(np.vdot(vv, fu - fd)) / (2 * t),
                    float(np.vdot(np.abs(vv), np.abs(fu) + np.abs(fd))) / 2)

    one, size = difference(eps)
    err = _estimate(one, one, size, eps)
    if lhs is not None and tol is not None and abs(lhs - one) <= tol[0] + tol[1] * abs(one) + err:
        return one, err
    two, size2 = difference(2 * eps)
    return one, _estimate(one, two, max(size, size2), eps)


def _estimate(one: float, two: float, size: float, h: float) -> float:
    """The error estimate of a difference ``one`` at step h, ``two`` at 2h; 0 (no widening)
    where it is not finite: an overflow near the point is for the checks to report."""
    e = abs(one - two) + ROUNDING * size / h
    return e if np.isfinite(e) else 0.0


def jacobians(f: Fn, vjp: Callable[[np.ndarray], np.ndarray], xs: Sequence[np.ndarray],
              i: int, out_shape: tuple[int, ...], eps: float = EPS
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(analytic, numeric, error estimate): full Jacobians of output w.r.t. input i,
    (out.size, in.size). The analytic one is built row by row from ``vjp(onehot)``."""
    n_out, n_in = int(np.prod(out_shape)), xs[i].size
    analytic, numeric, err = (np.zeros((n_out, n_in)) for _ in range(3))
    for r in range(n_out):
        flat = np.zeros(n_out)
        flat[r] = 1.0
        onehot = flat.reshape(out_shape)
        analytic[r] = np.ravel(vjp(onehot))
        row, row_err = numeric_vjp(f, xs, i, onehot, eps)
        numeric[r], err[r] = np.ravel(row), np.ravel(row_err)
    return analytic, numeric, err


@attrs.frozen
class Comparison:
    """How analytic values compare with reference values, at the worst element."""

    ok: bool
    index: tuple[int, ...]
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    atol: float
    rtol: float
    estimate: float = 0.0  # the reference's own error estimate there (finite differences)

    def describe(self, where: str = "element") -> str:
        extra = f" + finite-difference error {self.estimate:.2g}" if self.estimate else ""
        return (f"worst {where} {self.index}: analytic {self.analytic + 0.0:.10g}, numeric "
                f"{self.numeric + 0.0:.10g}; abs error {self.abs_error:.3g}, rel error "
                f"{self.rel_error:.3g}; tolerance atol {self.atol:g} + rtol {self.rtol:g} "
                f"x |numeric|{extra}")


def compare(analytic, numeric, atol: float, rtol: float, estimate=0.0) -> Comparison:
    """Compare elementwise: |a - n| <= atol + rtol |n| + estimate, NaN and inf failing."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    a, n, e = np.broadcast_arrays(a, n, np.asarray(estimate, dtype=np.float64))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.abs(a - n)
        ratio = err / (atol + rtol * np.abs(n) + e)
    ratio = np.where(np.isfinite(ratio) | ((err == 0) & np.isfinite(a)), ratio, np.inf)
    ratio = np.where(np.isnan(ratio), 0.0, ratio)  # 0 / 0: exactly equal, tolerance 0
    if a.size == 0:
        return Comparison(True, (), 0.0, 0.0, 0.0, 0.0, atol, rtol)
    idx = np.unravel_index(int(np.argmax(ratio)), a.shape) if a.ndim else ()
    error = float(err[idx])
    rel = error / abs(float(n[idx])) if float(n[idx]) != 0 else (0.0 if error == 0 else np.inf)
    return Comparison(bool(ratio[idx] <= 1.0), tuple(int(k) for k in idx), float(a[idx]),
                      float(n[idx]), error, rel, atol, rtol, float(e[idx]))
