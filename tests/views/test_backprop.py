"""The backprop trace (core.views.backprop.explain) of the seed's [2, 3, 1] network follows
seeds 000 and 001; it needs only what the cost needs."""
import numpy as np
import pytest

from core import GraphError, to_dot
from core.examples import XOR_Y, seed_network
from core.views.backprop import explain

# seed 000, Eq. B1-B10: (the node whose gradient each equation gives, the gate passing it)
SEED_B = [("z3", "J"), ("a2W2", "z3"), ("b2", "z3"), ("a2", "a2W2"), ("W2", "a2W2"),
          ("z2", "a2"), ("XW1", "z2"), ("b1", "z2"), ("X", "XW1"), ("W1", "XW1")]
# seed 001's dimension table for a batch of 4
SEED_SHAPES = {"X": (4, 2), "W1": (2, 3), "z2": (4, 3), "a2": (4, 3), "W2": (3, 1),
               "z3": (4, 1)}


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
    np.testing.assert_allclose(J.passed[0].diff, 2 * (seed_step.values["z3"] - XOR_Y) / 4)


def test_trace_gradients_match_value_and_grad(seed_step):
    diffs = {p.input: p.diff for s in seed_step.steps for p in s.passed}
    for name in ("W1", "b1", "W2", "b2", "X"):
        np.testing.assert_allclose(diffs[name], seed_step.grads[name])


def seed_with_a_side_branch():
    net = seed_network(3)
    net.input("extra")  # feeds a gate that no cost reads
    net.gate("mul", "extra", "z3", name="side")
    return net


def test_an_input_the_step_does_not_need_may_be_left_out(xor):
    net = seed_with_a_side_branch()
    step = explain(net, xor)
    assert "side" not in step.values and "extra" not in step.grads
    plain = explain(seed_network(3), xor)
    assert step.loss == plain.loss
    for name, grad in plain.grads.items():
        assert step.grads[name].tobytes() == grad.tobytes()
    text = step.text()
    assert "B10 dJ/dW1" in text and "side" not in text.split("Backward")[1]
    assert '"side"' in to_dot(net, step)  # drawn, without values
    fed = explain(net, {**xor, "extra": np.ones((4, 1))})
    assert fed.values["side"].shape == (4, 1)


def test_an_input_the_step_needs_is_named_when_missing(xor):
    with pytest.raises(GraphError, match="no value was fed for input 'Y'"):
        explain(seed_with_a_side_branch(), {"X": xor["X"]})
