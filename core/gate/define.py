"""Defining an elementwise activation from two functions, without writing a class.

    swish = elementwise("swish", forward=lambda x: x / (1 + np.exp(-x)),
                        derivative=lambda x, y: ...)

makes an ``Activation`` subclass named ``swish`` -- a forward and a derivative,
nothing more -- ready for ``register(swish)``.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.gate.kinds import Activation


def elementwise(name: str, forward: Callable[[np.ndarray], np.ndarray],
                derivative: Callable[[np.ndarray, np.ndarray], np.ndarray], *,
                kinks: tuple[float, ...] = (), doc: str | None = None) -> type[Activation]:
    """An Activation type computing ``forward(x)``, with ``derivative(x, y)``."""

    def _forward(self, x, out=None):
        return forward(x)

    def _derivative(self, x, y):
        return derivative(x, y)

    namespace = {
        "name": name,
        "kinks": tuple(kinks),
        "forward": _forward,
        "derivative": _derivative,
        "__doc__": doc or f"The {name} activation.",
        "__module__": getattr(forward, "__module__", __name__),
    }
    return type(name.title().replace("_", ""), (Activation,), namespace)
