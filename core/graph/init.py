"""Parameter initialisers, by name (used by Graph.param and network files)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.errors import GraphError, suggest

Initialiser = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def _fan_in(shape: tuple[int, ...]) -> int:
    return shape[0] if len(shape) >= 2 else max(1, int(np.prod(shape)))


INITIALISERS: dict[str, Initialiser] = {
    "zeros": lambda rng, shape: np.zeros(shape),
    "ones": lambda rng, shape: np.ones(shape),
    "normal": lambda rng, shape: rng.standard_normal(shape),
    "uniform": lambda rng, shape: rng.uniform(-1.0, 1.0, shape),
    # N(0, 1/fan_in): LeCun's scaling, what the benchmark peers use
    "lecun": lambda rng, shape: rng.standard_normal(shape) / np.sqrt(_fan_in(shape)),
    # Glorot & Bengio: N(0, 2/(fan_in + fan_out))
    "xavier": lambda rng, shape: rng.standard_normal(shape)
    * np.sqrt(2.0 / (_fan_in(shape) + (shape[-1] if len(shape) >= 2 else 1))),
    # He et al.: N(0, 2/fan_in), for ReLU layers
    "he": lambda rng, shape: rng.standard_normal(shape) * np.sqrt(2.0 / _fan_in(shape)),
}


def initialise(init: str, shape: tuple[int, ...], rng: np.random.Generator,
               dtype: np.dtype, scale: float = 1.0) -> np.ndarray:
    """A new array of ``shape`` drawn by the named initialiser, times ``scale``."""
    try:
        make = INITIALISERS[init]
    except KeyError:
        raise GraphError(f"unknown initialiser {init!r}"
                         f"{suggest(init, INITIALISERS, 'the initialisers are')}") from None
    value = make(rng, tuple(shape))
    return np.asarray(value * scale if scale != 1.0 else value, dtype=dtype)
