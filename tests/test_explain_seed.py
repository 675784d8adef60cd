"""The backprop trace of the seed's [2, 3, 1] network reads like seeds 000 and 001."""
import re

import numpy as np
import pytest

from core import mlp
from core.views.backprop import explain, value_text

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])

# seed 000, Eq. B1-B10: (the node whose gradient each equation gives, the gate passing it)
SEED_B = [("z3", "J"), ("a2W2", "z3"), ("b2", "z3"), ("a2", "a2W2"), ("W2", "a2W2"),
          ("z2", "a2"), ("XW1", "z2"), ("b1", "z2"), ("X", "XW1"), ("W1", "XW1")]
# seed 001's dimension table for a batch of 4
SEED_SHAPES = {"X": (4, 2), "W1": (2, 3), "z2": (4, 3), "a2": (4, 3), "W2": (3, 1),
               "z3": (4, 1)}


@pytest.fixture
def seed_step():
    net = mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse", seed=3)
    return explain(net, {"X": X, "Y": Y})


def test_backward_order_is_the_seeds_b1_to_b10(seed_step):
    got = [(p.input, s.node.name) for s in seed_step.steps for p in s.passed]
    assert got == SEED_B
    assert [p.index for s in seed_step.steps for p in s.passed] == list(range(1, 11))


def test_shapes_are_seed_001s_tables(seed_step):
    for name, shape in SEED_SHAPES.items():
        assert seed_step.values[name].shape == shape
    diffs = {p.input: p for s in seed_step.steps for p in s.passed}
    for name, shape in SEED_SHAPES.items():
        assert diffs[name].diff.shape == shape, name
    # the bias gradients arrive batch-shaped and are summed over the batch
    assert diffs["b1"].raw.shape == (4, 3) and diffs["b1"].diff.shape == (1, 3)
    assert diffs["b2"].raw.shape == (4, 1) and diffs["b2"].diff.shape == (1, 1)


def test_each_bottom_diff_is_top_diff_times_local_diff(seed_step):
    steps = {s.node.name: s for s in seed_step.steps}
    a2 = steps["a2"]
    z2 = seed_step.values["z2"]
    s = 1 / (1 + np.exp(-z2))
    np.testing.assert_allclose(a2.local_diff, s * (1 - s))  # sigmoid' (seed 000)
    np.testing.assert_allclose(a2.passed[0].diff, a2.top_diff * a2.local_diff)
    # the add gates are distributors: both inputs get top_diff (summed for the bias)
    z3 = steps["z3"]
    np.testing.assert_allclose(z3.passed[0].diff, z3.top_diff)
    np.testing.assert_allclose(z3.passed[1].diff, z3.top_diff.sum(axis=0, keepdims=True))
    # the matmul gate is a switcher with transposes (seed 001)
    mm = steps["a2W2"]
    W2, a2v = seed_step.values["W2"], seed_step.values["a2"]
    np.testing.assert_allclose(mm.passed[0].diff, mm.top_diff @ W2.T)
    np.testing.assert_allclose(mm.passed[1].diff, a2v.T @ mm.top_diff)
    # the cost's top_diff is dJ/dJ = 1 and it passes 2 (z3 - y) / n
    J = steps["J"]
    assert float(J.top_diff) == 1.0
    np.testing.assert_allclose(J.passed[0].diff, 2 * (seed_step.values["z3"] - Y) / 4)


def test_trace_gradients_match_value_and_grad(seed_step):
    diffs = {p.input: p.diff for s in seed_step.steps for p in s.passed}
    for name in ("W1", "b1", "W2", "b2", "X"):
        np.testing.assert_allclose(diffs[name], seed_step.grads[name])


def test_text_reads_like_the_seeds_equations(seed_step):
    text = seed_step.text()
    assert "B4  dJ/da2 = dJ/dz3 . dz3/da2W2 . da2W2/da2" in text
    assert "B10 dJ/dW1 = dJ/dz3 . dz3/da2W2 . da2W2/da2 . da2/dz2 . dz2/dXW1 . dXW1/dW1" \
        in text
    assert re.search(r"B3\s+dJ/db2 = dJ/dz3 . dz3/db2", text)
    assert "4x1 summed over the batch to 1x1" in text
    assert "local_diff  = da2/dz2 = sigmoid'(z2)" in text
    table = dict(re.findall(r"^  (\w+)\s+\w+\s+(\S+)\s+\S+$", text, re.M))
    assert {k: table[k] for k in SEED_SHAPES} == {"X": "4x2", "W1": "2x3", "z2": "4x3",
                                                  "a2": "4x3", "W2": "3x1", "z3": "4x1"}


def test_fan_out_sums_the_bottom_diffs():
    from core import Graph
    g = Graph()
    g.input("x")
    g.param("w", 3.0)
    g.gate("mul", "x", "w", name="p")
    g.gate("mul", "p", "p", name="q")  # p read twice
    g.input("t")
    g.gate("mse", "q", "t", name="J")
    step = explain(g, {"x": np.array(2.0), "t": np.array(0.0)})
    assert step.readers()["p"] == ["q", "q"]
    assert "dJ/dp = sum of the bottom_diffs from q (input 0), q (input 1) (B2 + B3)" \
        in step.text()


def test_value_text_small_in_full_large_summarised():
    assert value_text(np.array([[1.5, 2.0]])) == "[[1.5 2]]"
    big = value_text(np.arange(100.0).reshape(10, 10))
    assert big.startswith("10x10: mean 49.5") and "max 99" in big
