"""Gates shared by several contract test modules: ones that break the contract in one way
each, and Log, a correct gate with a restricted domain.

A support module, not a test module. Each test module keeps the planted faults only it uses.
"""
import math

import numpy as np

from core import Activation, Operator


class WrongAtOne(Activation):
    """x squared, with a derivative wrong at element (1, 2) of a batch."""
    name = "wrong_at_one"

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        d = 2 * x
        if d.ndim == 2 and d.shape[0] > 1 and d.shape[1] > 2:
            d = d.copy()
            d[1, 2] += 1.0
        return d


class Mul(Operator):
    """a * b."""
    name = "mul_variant"

    def forward(self, a, b, out=None):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1], top_diff * inputs[0]


class NanAtKink(Activation):
    """|x| with a derivative that is NaN at 0."""
    name = "abs_nan"
    kinks = (0.0,)

    def forward(self, x, out=None):
        return np.abs(x)

    def derivative(self, x, y, out=None):
        with np.errstate(invalid="ignore"):
            return x / np.abs(x)


class SteepAtKink(NanAtKink):
    """|x| with derivative 5 at 0, outside [-1, 1]."""
    def derivative(self, x, y, out=None):
        return np.where(x == 0, 5.0, np.sign(x))


class NoDoc(Activation):
    name = "no_doc"

    def forward(self, x, out=None):
        return x.copy()

    def derivative(self, x, y, out=None):
        return np.ones_like(x)


class ClaimsOutputOnly(Activation):
    """Cube, whose derivative reads x although it declares it reads only the output."""
    name = "claims_output_only"
    backward_reads = ("output",)

    def forward(self, x, out=None):
        return x ** 3

    def derivative(self, x, y, out=None):
        return 3 * x * x


class Log(Activation):
    """log x, defined for x > 0."""
    name = "log_x"
    domain = (0.0, math.inf)

    def forward(self, x, out=None):
        return np.log(x)

    def derivative(self, x, y, out=None):
        return 1 / x
