"""Shape checks: 0-d inputs, a batch of one, an empty batch, and broadcasting.

What a gate must do with them (``core.contract.variants`` makes them):

* **0-d inputs** (single numbers): an activation takes them and gives a 0-d
  output and derivative; an operator or a cost either takes them, with the
  same contract as any array, or refuses them in ``forward`` with a
  ``ValueError`` (or ``IndexError``) -- what the reference path reports as a
  ``ShapeError`` naming the node -- as matmul and the row-wise costs do.
* **a batch of one**: like any batch (an operator or a cost may refuse it the
  same way, if it cannot take it).
* **an empty batch** (0 rows): no exception but a ``ValueError`` refusal from an
  operator or a cost (never ``ZeroDivisionError``); the output has 0 rows and
  every bottom_diff the shape of its input -- empty for the batch, zeros for a
  bias or weight that is not (summed over no rows). A cost's J over no
  elements is 0 by the packs' convention (divide by ``max(n, 1)``); NaN, a
  mean over nothing as numpy and torch give it, is accepted (the executor
  skips an update whose loss is not finite).
* **broadcasting**, for an operator with several inputs: a bias row ``(1, k)``,
  a vector ``(k,)`` or a scalar against a batch ``(n, k)``, and each of them
  the other way round, and a bias row over an empty batch. Broadcasts the
  forward refuses (``ValueError``) are not checked; for every one it takes,
  each bottom_diff -- summed back to its input's shape by the executor when the
  gate returns it broadcast -- must match central differences.

Whatever the gate takes, its backward must then work and match finite
differences: a backward that raises after the forward took the inputs fails.
"""
from __future__ import annotations

import numpy as np

from core.contract.fundamentals import F64, REFUSALS
from core.contract.numeric import EPS, TOLERANCES, compare, numeric_vjp
from core.contract.samples import BASE, draws
from core.contract.subject import (
    CheckFailure,
    Subject,
    backward,
    finite_problem,
    forward,
    raised_by,
    shapes,
    wrt,
)
from core.contract.variants import broadcasts, edge_cases
from core.gate.kinds import KINDS


def _base(s: Subject, check: str) -> tuple[np.random.Generator, list[np.ndarray]]:
    rng = s.rng(check)
    return rng, draws(s.gate, rng, [BASE], F64, scales=(1.0,))[0].xs


def edge_shapes(s: Subject, check: str) -> None:
    """0-d inputs, a batch of one and an empty batch: taken with the same contract as any
    input (an activation must take them), or refused by forward with a ValueError."""
    rng, base = _base(s, check)
    for what, xs in edge_cases(base):
        try:
            y = forward(s, xs)
        except REFUSALS as exc:
            if s.kind == "activation":
                raise s.failure(check, f"forward refused {what} (inputs shaped {shapes(xs)}): "
                                f"{type(exc).__name__}: {exc}; an activation is "
                                f"elementwise and takes any shape, 0-d included") from exc
            continue
        problem = finite_problem("forward", y, xs)
        if problem and what != "an empty batch":  # there, a mean over nothing may be NaN
            raise s.failure(check, f"{problem} for {what} (inputs shaped {shapes(xs)})")
        if s.kind == "activation" and y.shape != xs[0].shape:
            raise s.failure(check, f"forward of {what} shaped {xs[0].shape} has shape "
                            f"{y.shape}; an activation keeps the shape")
        _matches_fd(s, check, rng, xs, y, what)


def broadcasting(s: Subject, check: str) -> None:
    """Every broadcast the operator takes -- a bias row, a vector or a scalar against a
    batch, either way round -- gives bottom_diffs that, summed back to each input's shape,
    match central differences."""
    rng, base = _base(s, check)
    for what, xs in broadcasts(base):
        try:
            y = forward(s, xs)
        except REFUSALS:
            continue  # a broadcast the gate does not take
        _matches_fd(s, check, rng, xs, y, what)


def _matches_fd(s: Subject, check: str, rng: np.random.Generator, xs: list[np.ndarray],
                y: np.ndarray, what: str) -> None:
    """The gate's bottom_diffs for inputs it took are finite and match finite differences."""
    top = rng.standard_normal(np.shape(y)).astype(y.dtype if y.dtype.kind == "f" else F64)
    try:
        diffs = backward(s, check, xs, y, top)
    except CheckFailure:
        raise
    except Exception as exc:
        method = raised_by(exc, s.gate)
        if method is None:
            raise
        raise s.failure(check, f"forward took {what} (inputs shaped {shapes(xs)}) but "
                        f"{method} then raised {type(exc).__name__}: {exc}") from exc
    atol, rtol = s.tolerance(check, TOLERANCES["float64"])
    f = lambda zs: np.asarray(forward(s, zs), dtype=np.float64)  # noqa: E731
    for i in wrt(s):
        problem = finite_problem(f"bottom_diff {i}", diffs[i], xs)
        if problem:
            raise s.failure(check, f"{problem} for {what} (inputs shaped {shapes(xs)})")
        numeric, err = numeric_vjp(f, xs, i, top, analytic=diffs[i], tol=(atol, rtol))
        cmp = compare(diffs[i], numeric, atol, rtol, err)
        if not cmp.ok:
            raise s.failure(check, f"bottom_diff of input {i} for {what}: inputs shaped "
                            f"{shapes(xs)}, float64, random top_diff shaped {np.shape(y)}, "
                            f"step {EPS:g} x max(1, |x|), summed back to the input's shape",
                            cmp.describe(f"element of input {i}"))


def _known(s: Subject) -> bool:
    return s.kind in KINDS


CHECKS = [
    ("edge_shapes", _known, edge_shapes),
    ("broadcasting", lambda s: s.kind == "operator" and s.gate.arity > 1, broadcasting),
]
