"""The gradient checks (core.contract.gradients): a wrong element is named with its
analytic and numeric values, the tolerance and a reproduction; declared kinks are checked."""
import re

import numpy as np

from core import Operator
from tests.contract.planted import SteepAtKink, WrongAtOne


def test_a_wrong_element_is_named_with_values_tolerance_and_reproduction(failed):
    msgs = failed(WrongAtOne(), seed=3)
    # wrong at (1, 2) of a 2-d batch only: its derivative depends on the position, which
    # the elementwise check also sees
    assert set(msgs) == {"gradient_matches_finite_differences", "gradient_random_projection",
                         "elementwise"}
    m = msgs["gradient_matches_finite_differences"]
    assert "gate 'wrong_at_one'" in m and "'gradient_matches_finite_differences'" in m
    assert "seed 3" in m and "inputs shaped (4, 5)" in m
    assert "worst element of input 0 (1, 2)" in m and "input 0 at (1, 2) is " in m
    assert "analytic" in m and "numeric" in m and "abs error" in m
    assert "tolerance atol 1e-07 + rtol 0.0001 x |numeric| + finite-difference error" in m
    assert "magnitudes 1e-3 to 1e3 and +-709.783, both signs" in m
    assert "reproduce: python -c" in m and "WrongAtOne()" in m and "seed=3" in m
    p = msgs["gradient_random_projection"]
    assert "<u, J^T v>" in p
    assert "full Jacobian: worst element d output[1, 2] / d input 0[1, 2]" in p
    assert "abs error 1, rel error" in p and "tolerance atol 1e-07 + rtol 0.0001 x |numeric|" \
        in p.split("full Jacobian")[1]


def test_the_broken_example_plugin_is_caught_at_its_last_column(failed, broken_cumsum):
    msgs = failed(broken_cumsum())
    assert "worst element of input 0 (7,): analytic 0," in \
        msgs["gradient_matches_finite_differences"]
    assert re.search(r"d input 0\[\d, 4\] \(input value [^)]*\): analytic 0,",
                     msgs["gradient_random_projection"])


class GatedMul(Operator):
    """max(a, 0) * b: an operator with a kink of its first input at 0."""
    name = "gated_mul"
    kinks = (0.0,)

    def forward(self, a, b, out=None):
        return np.maximum(a, 0) * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        return top_diff * (a > 0) * b, top_diff * np.maximum(a, 0)


class GatedMulWrongAtKink(GatedMul):
    """max(a, 0) * b, with a gradient of a that is 3b at the kink: outside [0, b]."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        return top_diff * ((a > 0) + 3 * (a == 0)).astype(a.dtype) * b, top_diff * np.maximum(a, 0)


class GatedMulNanAtKink(GatedMul):
    """max(a, 0) * b, with a NaN gradient for b at a = 0."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        with np.errstate(invalid="ignore", divide="ignore"):
            return top_diff * (a > 0) * b, top_diff * a * np.maximum(a, 0) / a


def test_declared_kinks_of_an_operator_are_checked(failed):
    assert failed(GatedMul()) == {}
    wrong = failed(GatedMulWrongAtKink())
    assert set(wrong) == {"gradient_at_kinks"}
    assert "at the kink x = 0 (input 0 equal to it everywhere, inputs shaped (4, 5), (4, 5))" \
        in wrong["gradient_at_kinks"]
    assert "bottom_diff 0 (top_diff all ones) is" in wrong["gradient_at_kinks"]
    nan = failed(GatedMulNanAtKink())["gradient_at_kinks"]
    assert "element (0, 0): bottom_diff 1 (top_diff all ones) is nan" in nan


def test_kinked_gates_pass_away_from_the_kink(failed):
    class Abs(SteepAtKink):
        """|x| with derivative 0 at the kink."""
        def derivative(self, x, y, out=None):
            return np.sign(x)
    assert failed(Abs()) == {}
