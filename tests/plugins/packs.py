"""The plugin packs' gate names, and one way to run any of them on an input.

A support module, not a test module.
"""
import numpy as np

from core import default_registry

ACTIVATIONS = ["tanh", "relu", "leaky_relu", "softplus", "arctan", "softmax"]
COSTS = ["cross_entropy", "softmax_cross_entropy", "bce_with_logits", "l1", "huber"]


def gate(name, **attrs):
    return default_registry().create(name, **attrs)


def target_for(name, x):
    """A valid target for cost ``name`` with a prediction shaped like the 2-D ``x``."""
    rows, cols = x.shape
    return {"cross_entropy": np.full(x.shape, 1 / cols, x.dtype),
            "softmax_cross_entropy": np.eye(cols, dtype=x.dtype)[np.arange(rows) % cols],
            "bce_with_logits": (x[::-1] > 0).astype(x.dtype)}.get(name, -x[::-1])


def forward_and_gradient(name, x):
    """[forward value, local gradient] of pack gate ``name`` at ``x`` (top_diff of ones)."""
    g = gate(name)
    if name in COSTS:
        pred = np.clip(x, 0, 1) if name == "cross_entropy" else x
        target = target_for(name, x)
        return [np.asarray(g.forward(pred, target)), g.gradient(pred, target)]
    out = g.forward(x)
    if name == "softmax":
        return [out, g.local_gradient(np.ones_like(x), [x], out, [True])[0]]
    return [out, g.derivative(x, out)]
