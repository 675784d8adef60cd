"""Inputs for the contract suite: every input over several magnitudes and both signs.

A gate is checked on chosen values, not on one lucky draw. Unless it says
otherwise, every input is filled from ``pool(dtype)``: the magnitudes 1e-3 to
1e3 (``MAGNITUDES``) with both signs, and, with both signs, the exact point
past which ``exp`` overflows in the dtype and the next float above it
(``extremes``: 709.78 in float64, 88.72 in float32). The random part -- which
value lands in which element, and a jitter of up to 15% on the magnitudes --
comes from the check's generator, so ``--seed`` varies it while every value of
the pool is still used: the gradient checks spread the pool over their three
shapes (40 elements), the other checks put all of it in one array (``WIDE``).
Between 0.1 and 10 the magnitudes are at most a factor 1.7 apart, so, jitter
included, every interval [a, 2.3 a] there (of either sign) holds a sample of every
input whatever the seed; narrower ones may fall between samples.

A gate restricts this in one of two ways, and nothing else does:

* ``domain`` -- an open interval ``(lo, hi)`` for every input, or one per input:
  the pool is kept inside it, plus a point just inside each finite edge;
* ``sample_inputs(rng, shape, dtype, scale)`` -- the gate draws its own inputs
  (probabilities, targets that are signs, a matrix product's inner dimension);
  the suite calls it at every scale of ``SCALES``.

Samples are drawn in float64 and cast, so the float32 and float64 runs of a
check see the same numbers, and kept ``KINK_MARGIN`` away from declared kinks.
The 0-d, batch-of-one, empty-batch and broadcast variants of a sample are in
``core.contract.variants``.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import attrs
import numpy as np

#: magnitudes every input takes, with both signs
MAGNITUDES = (1e-3, 1e-2, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0,
              30.0, 100.0, 1e3)
#: the largest magnitude the suite promises finite results for (beside the extremes)
LARGE = 1e3
#: the scales a gate's own ``sample_inputs`` is called at
SCALES = (1e-3, 1.0, 10.0, 1e3)
#: shapes of the gradient checks: a vector, and two with a leading batch dimension
SHAPES: tuple[tuple[int, ...], ...] = ((8,), (4, 5), (2, 3, 2))
#: one array holding the whole pool, for the checks that are not finite differences
WIDE = (8, 5)
#: a batch of 4 rows of 3: what the 0-d, batch-of-one and broadcast variants come from
BASE = (4, 3)
#: how far samples stay from a declared kink, and inside a finite domain edge
KINK_MARGIN = 1e-2
JITTER = 0.15


class SamplingError(Exception):
    """A gate's ``sample_inputs`` hook or ``domain`` gave something unusable."""


@attrs.frozen
class Draw:
    """One set of inputs for a check, and what they are, for messages."""

    xs: list[np.ndarray]
    what: str


def extremes(dtype) -> tuple[float, float]:
    """The largest float whose exp is finite in ``dtype``, and the next one, whose is not."""
    return _extremes(np.dtype(dtype).str)


@functools.cache
def _extremes(code: str) -> tuple[float, float]:
    dt = np.dtype(code)
    edge = dt.type(np.log(np.finfo(dt).max))
    with np.errstate(over="ignore"):
        while not np.isfinite(np.exp(edge)):
            edge = np.nextafter(edge, dt.type(-np.inf))
    return float(edge), float(np.nextafter(edge, dt.type(np.inf)))


def domains(gate) -> list[tuple[float, float]]:
    """The open interval of each input: ``gate.domain`` (one for all, or one per input)."""
    declared = getattr(gate, "domain", None)
    arity = int(gate.arity)
    if declared is None:
        return [(-math.inf, math.inf)] * arity
    if _interval(declared):
        return [_bounds(declared)] * arity
    if isinstance(declared, (tuple, list)) and len(declared) == arity and \
            all(d is None or _interval(d) for d in declared):
        return [(-math.inf, math.inf) if d is None else _bounds(d) for d in declared]
    raise SamplingError(f"domain must be None, an interval (lo, hi) with lo < hi, or one "
                        f"interval (or None) per input ({arity}), got {declared!r}")


def _interval(d) -> bool:
    return isinstance(d, (tuple, list)) and len(d) == 2 and \
        all(isinstance(v, (int, float)) and not math.isnan(v) for v in d) and d[0] < d[1]


def _bounds(d) -> tuple[float, float]:
    return float(d[0]), float(d[1])


def pool(dtype, lo: float = -math.inf, hi: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """(values, exact): the pool within (lo, hi); ``exact`` marks values never jittered
    (the overflow extremes and the points just inside a finite edge). Read-only."""
    return _pool(np.dtype(dtype).str, float(lo), float(hi))


@functools.lru_cache(maxsize=64)
def _pool(dtype: str, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    values = {s * m: False for m in MAGNITUDES for s in (1.0, -1.0)}
    values.update({s * e: True for e in extremes(dtype) for s in (1.0, -1.0)})
    kept = {v: exact for v, exact in values.items() if lo < v < hi}
    for edge, inward in ((lo, 1.0), (hi, -1.0)):
        if math.isfinite(edge):
            step = KINK_MARGIN * max(1.0, abs(edge))
            if math.isfinite(hi - lo):
                step = min(step, (hi - lo) / 4)
            kept[edge + inward * step] = True
    order = sorted(kept)
    arrays = np.array(order, dtype=np.float64), np.array([kept[v] for v in order])
    for a in arrays:
        a.flags.writeable = False
    return arrays


def fill(rng: np.random.Generator, shapes: Sequence[tuple[int, ...]], dtype,
         bounds: tuple[float, float] = (-math.inf, math.inf),
         kinks: Sequence[float] = ()) -> list[np.ndarray]:
    """Arrays of ``shapes`` (float64) holding the pool's values, each at least once when
    there are enough elements, in a random order and jittered, away from ``kinks``."""
    values, exact = pool(dtype, *bounds)
    n = sum(math.prod(s) for s in shapes)
    rounds = max(1, -(-n // len(values)))
    order = np.concatenate([rng.permutation(len(values)) for _ in range(rounds)])[:n]
    v = values[order] * np.where(exact[order], 1.0, rng.uniform(1 - JITTER, 1 + JITTER, n))
    v = np.where((v > bounds[0]) & (v < bounds[1]), v, values[order])
    v = away_from_kinks(v, kinks)
    out, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        out.append(v[start:start + size].reshape(shape))
        start += size
    return out


def draws(gate, rng: np.random.Generator, shapes: Sequence[tuple[int, ...]], dtype,
          scales: Sequence[float] = SCALES) -> list[Draw]:
    """The inputs of a check: the pool spread over ``shapes`` (one draw per shape), or the
    gate's own ``sample_inputs`` at every shape and scale (when it returns inputs)."""
    dtype = np.dtype(dtype)
    own = [Draw(xs, f"the gate's sample_inputs at scale {scale:g}, {dtype}")
           for scale in scales for shape in shapes
           if (xs := custom(gate, rng, shape, dtype, scale)) is not None]
    if own:
        return own
    kinks = tuple(getattr(gate, "kinks", ()) or ())
    per_input = [fill(rng, shapes, dtype, b, kinks) for b in domains(gate)]
    what = f"magnitudes 1e-3 to 1e3 and +-{extremes(dtype)[0]:.6g}, both signs"
    if getattr(gate, "domain", None) is not None:
        what += f", within the domain {gate.domain!r}"
    return [Draw([xs[k].astype(dtype) for xs in per_input], f"{what}, {dtype}")
            for k in range(len(shapes))]


def extreme_draws(gate, rng: np.random.Generator, dtype) -> list[Draw]:
    """Inputs at the extremes: +-1e3 and the exp-overflow edge of ``dtype`` (every
    combination for two inputs), or the gate's ``sample_inputs`` at those scales."""
    dtype = np.dtype(dtype)
    edge = extremes(dtype)[0]
    own = [Draw(xs, f"the gate's sample_inputs at scale {scale:.6g}, {dtype}")
           for scale in (LARGE, edge) if (xs := custom(gate, rng, WIDE, dtype, scale)) is not None]
    if own:
        return own
    per_input = []
    for lo, hi in domains(gate):
        values, exact = pool(dtype, lo, hi)
        big = values[exact | (np.abs(values) >= LARGE)]
        per_input.append(away_from_kinks(big, getattr(gate, "kinks", ()) or ()))
    if gate.arity == 2:
        a, b = np.meshgrid(*per_input, indexing="ij")
        xs = [a, b]
    else:
        size = max(len(v) for v in per_input)
        xs = [np.resize(rng.permutation(v) if i else v, size) for i, v in enumerate(per_input)]
    return [Draw([np.ascontiguousarray(x).astype(dtype) for x in xs],
                 f"the extremes +-{LARGE:g}, +-{edge:.8g} and the next float above it, "
                 f"{dtype}")]


def custom(gate, rng: np.random.Generator, shape: Sequence[int], dtype,
           scale: float) -> list[np.ndarray] | None:
    """``gate.arity`` inputs from the gate's own ``sample_inputs``, checked; None when it
    has none or returns None (the suite's own samples, then)."""
    hook = getattr(gate, "sample_inputs", None)
    got = hook(rng, tuple(shape), np.dtype(dtype), scale) if callable(hook) else None
    if got is None:
        return None
    dtype = np.dtype(dtype)
    xs = [np.asarray(x) for x in got]
    if len(xs) != gate.arity:
        raise SamplingError(f"sample_inputs returned {len(xs)} arrays; the gate has arity "
                            f"{gate.arity}")
    bad = [i for i, x in enumerate(xs) if x.dtype != dtype]
    if bad:
        raise SamplingError(f"sample_inputs returned input {bad[0]} as {xs[bad[0]].dtype}; "
                            f"{dtype} was asked for")
    wild = [i for i, x in enumerate(xs) if not np.all(np.isfinite(x))]
    if wild:
        raise SamplingError(f"sample_inputs returned input {wild[0]} with a value that is not "
                            f"finite (scale {scale:g}, shape {tuple(shape)})")
    return xs


def away_from_kinks(x: np.ndarray, kinks: Sequence[float],
                    margin: float = KINK_MARGIN) -> np.ndarray:
    """``x`` with every element closer than ``margin`` to a kink moved to kink +- margin."""
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        near = np.abs(x - k) < margin
        x[near] = k + np.where(x[near] >= k, margin, -margin)
    return x


def cast(xs: Sequence[np.ndarray], dtype) -> list[np.ndarray]:
    return [np.asarray(x).astype(dtype) for x in xs]
