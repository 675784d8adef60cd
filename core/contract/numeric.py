"""Numerical derivatives for the contract suite: central differences, random
projections, full Jacobians, and the comparison that finds the worst element.

In the style of PyTorch's gradcheck (float64, a small step, an absolute plus a
relative tolerance; a fast mode that compares one random projection) and JAX's
``check_grads`` (a fixed seed, tolerances by dtype). Everything works on a
function ``f(xs) -> array`` of a list of input arrays.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import numpy as np

Fn = Callable[[list[np.ndarray]], np.ndarray]

EPS = 1e-6
#: (atol, rtol) per dtype: gradients in float64; forward agreement in float32
TOLERANCES = {"float64": (1e-5, 1e-4), "float32": (1e-4, 1e-3)}


def _with(xs: Sequence[np.ndarray], i: int, value: np.ndarray) -> list[np.ndarray]:
    ys = list(xs)
    ys[i] = value
    return ys


def numeric_vjp(f: Fn, xs: Sequence[np.ndarray], i: int, top_diff: np.ndarray,
                eps: float = EPS) -> np.ndarray:
    """d<top_diff, f(xs)>/dxs[i], element by element by central differences."""
    x = xs[i]
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (np.vdot(top_diff, f(_with(xs, i, up))) -
                     np.vdot(top_diff, f(_with(xs, i, down)))) / (2 * eps)
    return grad


def directional(f: Fn, xs: Sequence[np.ndarray], i: int, u: np.ndarray,
                eps: float = EPS) -> np.ndarray:
    """J u: the derivative of f along direction u of input i, by central differences."""
    x = xs[i]
    return (np.asarray(f(_with(xs, i, x + eps * u)), float) -
            np.asarray(f(_with(xs, i, x - eps * u)), float)) / (2 * eps)


def jacobians(f: Fn, vjp: Callable[[np.ndarray], np.ndarray], xs: Sequence[np.ndarray],
              i: int, out_shape: tuple[int, ...], eps: float = EPS
              ) -> tuple[np.ndarray, np.ndarray]:
    """(analytic, numeric) full Jacobians of output w.r.t. input i, (out.size, in.size).

    The analytic one is built row by row from ``vjp(onehot top_diff)``.
    """
    n_out, n_in = int(np.prod(out_shape)), xs[i].size
    analytic, numeric = np.zeros((n_out, n_in)), np.zeros((n_out, n_in))
    for r in range(n_out):
        flat = np.zeros(n_out)
        flat[r] = 1.0
        onehot = flat.reshape(out_shape)
        analytic[r] = np.ravel(vjp(onehot))
        numeric[r] = np.ravel(numeric_vjp(f, xs, i, onehot, eps))
    return analytic, numeric


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

    def describe(self, where: str = "element") -> str:
        return (f"worst {where} {self.index}: analytic {self.analytic + 0.0:.10g}, numeric "
                f"{self.numeric + 0.0:.10g}; abs error {self.abs_error:.3g}, rel error "
                f"{self.rel_error:.3g}; tolerance atol {self.atol:g} + rtol {self.rtol:g} "
                f"x |numeric|")


def compare(analytic, numeric, atol: float, rtol: float) -> Comparison:
    """Compare elementwise: |a - n| <= atol + rtol |n|, NaN and inf counting as failures."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    a, n = np.broadcast_arrays(a, n)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.abs(a - n)
        ratio = err / (atol + rtol * np.abs(n))
    ratio = np.where(np.isfinite(ratio), ratio, np.inf)
    if a.size == 0:
        return Comparison(True, (), 0.0, 0.0, 0.0, 0.0, atol, rtol)
    idx = np.unravel_index(int(np.argmax(ratio)), a.shape) if a.ndim else ()
    e = float(err[idx])
    rel = e / abs(float(n[idx])) if float(n[idx]) != 0 else (0.0 if e == 0 else np.inf)
    return Comparison(bool(ratio[idx] <= 1.0), tuple(int(k) for k in idx), float(a[idx]),
                      float(n[idx]), e, rel, atol, rtol)
