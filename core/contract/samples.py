"""Inputs for the contract suite: sampled per gate, kept away from declared kinks.

The suite asks for inputs of a suggested shape. A gate with a restricted
domain (probabilities, a matrix product's inner dimension) steers this through
its optional ``sample_inputs(rng, shape, dtype, scale)`` hook (see
``core.gate.Gate``); otherwise every input is ``scale`` times a standard
normal sample of that shape. Samples are drawn in float64 and cast, so the
float32 and float64 runs of a check see the same numbers.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: suggested shapes: a vector, and two with a leading batch dimension
SHAPES: tuple[tuple[int, ...], ...] = ((5,), (4, 3), (2, 3, 2))
#: how far samples stay from a declared kink; much more than the FD step
KINK_MARGIN = 1e-2


class SamplingError(Exception):
    """A gate's ``sample_inputs`` hook returned something unusable."""


def sample_inputs(gate, rng: np.random.Generator, shape: Sequence[int], dtype,
                  scale: float = 1.0) -> list[np.ndarray]:
    """``gate.arity`` input arrays for one run of a check."""
    dtype = np.dtype(dtype)
    custom = gate.sample_inputs(rng, tuple(shape), dtype, scale) \
        if callable(getattr(gate, "sample_inputs", None)) else None
    if custom is None:
        xs = [scale * rng.standard_normal(tuple(shape)) for _ in range(gate.arity)]
        xs = [away_from_kinks(x, gate.kinks) for x in xs]
        return [x.astype(dtype) for x in xs]
    xs = [np.asarray(x) for x in custom]
    if len(xs) != gate.arity:
        raise SamplingError(f"sample_inputs returned {len(xs)} arrays; the gate has arity "
                            f"{gate.arity}")
    bad = [i for i, x in enumerate(xs) if x.dtype != dtype]
    if bad:
        raise SamplingError(f"sample_inputs returned input {bad[0]} as {xs[bad[0]].dtype}; "
                            f"{dtype} was asked for")
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
