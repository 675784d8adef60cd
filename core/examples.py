"""The built-in example, defined once: the seed's [2, 3, 1] network on the XOR batch of 4.

The network of seeds 000 and 001 (and ``examples/networks/seed.toml``):
X -> XW1 = X.W1 -> z2 = XW1 + b1 -> a2 = sigmoid(z2) -> a2W2 -> z3 = a2W2 + b2,
and J = mse(z3, Y). Its output layer is the identity (seed 000, Eq. F6), so
z3 is both the prediction and what the cost reads. ``gates demo`` trains it;
``gates draw seed`` and ``gates explain seed`` show it.

May import: ``core.graph``, ``core.registry``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.graph.graph import Graph
    from core.registry.manager import Registry

#: the XOR batch of 4: four observations of two inputs, and their targets
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def seed_network(seed: int = 0, registry: Registry | None = None) -> Graph:
    """The seed's [2, 3, 1] network: sigmoid hidden layer, identity output, MSE cost."""
    from core.graph.compose import mlp  # here, so that naming the examples stays cheap
    return mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse", seed=seed,
               registry=registry)


def xor_feed() -> dict[str, np.ndarray]:
    """The XOR batch as a feed for ``seed_network``: X 4x2, Y 4x1 (fresh copies)."""
    return {"X": XOR_X.copy(), "Y": XOR_Y.copy()}


#: {name: (what it is, its network, its feed)}, for the command line's NETWORK argument
EXAMPLES: dict[str, tuple[str, Callable[[], Graph], Callable[[], dict[str, np.ndarray]]]] = {
    "seed": ("the seed's [2, 3, 1] network (seeds 000 and 001) on the XOR batch of 4",
             seed_network, xor_feed),
}
