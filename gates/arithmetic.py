"""The seed's two elementwise gates: add, the distributor, and mul, the switcher."""
import numpy as np

from core import Operator


class Add(Operator):
    """Elementwise sum a + b; backward, a distributor: top_diff goes to both inputs."""

    name = "add"
    arity = 2
    supports_out = True
    backward_reads = ()

    def forward(self, a, b, out=None):
        return np.add(a, b, out=out)

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        # local_diff = 1 for both inputs: bottom_diff = top_diff x 1, handed on
        # as it is (no copy, so ``out`` is not needed). The executor sums
        # broadcast inputs (a bias over the batch) back to their shape.
        return top_diff, top_diff


class Mul(Operator):
    """Elementwise product a * b; backward, a switcher: each input gets the other."""

    name = "mul"
    arity = 2
    supports_out = True
    backward_reads = ("inputs",)

    def forward(self, a, b, out=None):
        return np.multiply(a, b, out=out)

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        out_a, out_b = out if out is not None else (None, None)
        # local_diff of a is b, of b is a: the switch
        return (np.multiply(top_diff, b, out=out_a) if needs[0] else None,
                np.multiply(top_diff, a, out=out_b) if needs[1] else None)
