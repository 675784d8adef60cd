"""Composing common networks from registered gate names.

``mlp([2, 3, 1], "sigmoid", cost="mse")`` builds the seed's network with the
seed's names: X -> XW1 = X.W1 -> z2 = XW1 + b1 -> a2 = f(z2) -> a2W2 -> z3 ->
a3 -> J = cost(a3, Y). Nothing here knows any gate's math: every step is a
gate looked up by name in the registry.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.errors import GraphError
from core.graph.graph import Graph
from core.registry.manager import Registry


def mlp(sizes: Sequence[int], activation: str = "sigmoid", *,
        output_activation: str | None = "identity", cost: str | None = "mse",
        registry: Registry | None = None, dtype: Any = np.float64, seed: int | None = 0,
        init: str = "lecun", linear: str = "matmul", bias: str = "add",
        activation_attributes: dict[str, Any] | None = None) -> Graph:
    """A fully connected network; ``sizes[0]`` inputs, ``sizes[-1]`` outputs."""
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise GraphError(f"mlp sizes must be at least two positive ints, got {sizes}")
    g = Graph(registry, dtype=dtype, seed=seed)
    a = g.input("X", shape=(None, sizes[0]))
    layers = len(sizes) - 1
    for layer in range(1, layers + 1):
        W = g.param(f"W{layer}", shape=(sizes[layer - 1], sizes[layer]), init=init)
        b = g.param(f"b{layer}", shape=(1, sizes[layer]), init="zeros")
        prod = g.gate(linear, a, W, name=f"{a}W{layer}")
        z = g.gate(bias, prod, b, name=f"z{layer + 1}")
        last = layer == layers
        act = output_activation if last else activation
        if act is None:
            a = z
        else:
            attrs = {} if last else dict(activation_attributes or {})
            a = g.gate(act, z, name=f"a{layer + 1}", **attrs)
    g.output(a)
    if cost is not None:
        g.input("Y", shape=(None, sizes[-1]))
        g.gate(cost, a, "Y", name="J")
    return g
