"""The checks chosen by a gate's kind and declarations: elementwise, finite for large
inputs, the gradient at declared kinks, a cost's scalar, an honest backward_reads."""
import numpy as np
import pytest

from core import Activation, Cost, Operator, check_gate
from tests.contract.planted import ClaimsOutputOnly, NanAtKink, SteepAtKink


class NotElementwise(Activation):
    """Centres its input: not elementwise."""
    name = "centre"

    def forward(self, x, out=None):
        return x - x.mean()

    def derivative(self, x, y, out=None):
        return np.full_like(x, 1 - 1 / x.size)


class NaiveSoftplus(Activation):
    """log(1 + e^x), overflowing for large x."""
    name = "naive_softplus"

    def forward(self, x, out=None):
        return np.log(1 + np.exp(x))

    def derivative(self, x, y, out=None):
        return 1 / (1 + np.exp(-x))


class PerElementCost(Cost):
    """Squared error without the sum: not a scalar."""
    name = "per_element"

    def forward(self, prediction, target):
        return (prediction - target) ** 2

    def gradient(self, prediction, target, out=None):
        return 2 * (prediction - target)


@pytest.mark.parametrize("gate, check, words", [
    (NotElementwise(), "elementwise", "changed output element(s)"),
    (NaiveSoftplus(), "results_are_finite", "forward is inf at element"),
    (NanAtKink(), "gradient_at_kinks", "element (0, 0): the derivative is nan"),
    (SteepAtKink(), "gradient_at_kinks", "derivative is 5, not between the one-sided differences"),
    (PerElementCost(), "cost_returns_scalar", "a cost returns a finite scalar J"),
])
def test_kind_checks_catch_their_fault(failed, gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]


class OutputOnlyScale(Operator):
    """y = 2 x, whose local gradient reads nothing although it is declared to read x."""
    name = "output_only_scale"
    arity = 1
    backward_reads = ()

    def forward(self, x, out=None):
        return 2 * x

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (2 * top_diff,)


def test_a_backward_that_reads_more_than_it_declares_is_caught(failed):
    msgs = failed(ClaimsOutputOnly(), seed=1)
    assert set(msgs) == {"backward_reads_honest"}
    m = msgs["backward_reads_honest"]
    assert "derivative raised TypeError" in m and "None for its inputs" in m
    assert "backward_reads = ('output',)" in m and "declare what it reads" in m
    # an honest, smaller declaration passes the check (and the check applies to operators)
    assert "backward_reads_honest" in [r.check for r in check_gate(OutputOnlyScale())]
    assert failed(OutputOnlyScale()) == {}
