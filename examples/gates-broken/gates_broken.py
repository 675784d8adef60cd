"""A gate with a deliberately wrong gradient, for the contract suite to catch.

The forward pass is right; the backward pass has an off-by-one bug that leaves
the gradient of the last element along the axis at zero. ``gates check
broken_cumsum`` names that element.
"""
import numpy as np

from core import Operator, hookimpl


class BrokenCumsum(Operator):
    """Cumulative sum along the last axis (its gradient is wrong in the last column)."""

    name = "broken_cumsum"
    arity = 1

    def forward(self, x, out=None):
        return np.cumsum(x, axis=-1)

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        # d/dx_j of sum_i top_i y_i is sum_{i >= j} top_i: a reversed cumulative sum.
        grad = np.flip(np.cumsum(np.flip(top_diff, -1), -1), -1)
        grad[..., -1] = 0.0  # the bug: the last column was meant to be top_diff[..., -1]
        return (grad,)


@hookimpl
def register_gates(register):
    register(BrokenCumsum)
