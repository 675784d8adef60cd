"""The executor's gradients against central finite differences, on randomly composed graphs
and on fan-out, broadcasting, matmul shapes, float32 and a long chain."""
import numpy as np
import pytest

from core import Graph
from tests.engine.random_graphs import random_graph


@pytest.mark.parametrize("batch", [1, 5])
@pytest.mark.parametrize("case", range(12))
def test_gradients_match_central_differences(registry, numeric_grad, batch, case):
    rng = np.random.default_rng(1000 * batch + case)
    g, feed = random_graph(registry, rng, batch)
    wrt = list(g.params) + ["X"]
    loss, grads = g.value_and_grad(feed, wrt=wrt)
    assert np.isfinite(loss)
    for name in wrt:
        numeric = numeric_grad(g, feed, name)
        assert grads[name].shape == numeric.shape, name
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7,
                                   err_msg=f"dJ/d{name}, graph case {case}")


def test_fan_out_sums_gradients(registry):
    # y = x*x + x reads x three times: dy/dx = 2x + 1
    g = Graph(registry)
    g.param("x", [[1.5, -2.0]])
    g.gate("mul", "x", "x", name="sq")
    g.gate("add", "sq", "x", name="y")
    loss, grads = g.value_and_grad({}, wrt=["x"], of=["y"])
    np.testing.assert_allclose(grads["x"], 2 * np.array([[1.5, -2.0]]) + 1)


def test_add_gate_shares_top_diff_without_corrupting_it(registry):
    # add hands the same top_diff array to both inputs; a second reader of one
    # input must not write into the array the other input received.
    g = Graph(registry)
    g.param("a", [[1.0, 2.0]])
    g.param("b", [[3.0, 4.0]])
    g.gate("add", "a", "b", name="s")
    g.gate("add", "s", "a", name="t")  # a reached twice
    loss, grads = g.value_and_grad({}, wrt=["a", "b"], of=["t"])
    np.testing.assert_array_equal(grads["a"], [[2.0, 2.0]])
    np.testing.assert_array_equal(grads["b"], [[1.0, 1.0]])


def test_bias_gradient_is_summed_over_the_batch(registry, rng):
    g = Graph(registry)
    g.input("X")
    g.param("b", shape=(1, 3), init="zeros")
    g.gate("add", "X", "b", name="z")
    g.input("Y")
    g.gate("mse", "z", "Y", name="J")
    X, Y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    _, grads = g.value_and_grad({"X": X, "Y": Y})
    np.testing.assert_allclose(grads["b"], (2 * (X - Y) / X.size).sum(0, keepdims=True))


def test_matmul_vectors_and_batches(registry, rng, numeric_grad):
    # a vector times a matrix, and a batch of matrices times one matrix
    for a_shape, b_shape in [((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((4, 2, 3), (3, 2))]:
        g = Graph(registry)
        g.param("A", rng.standard_normal(a_shape))
        g.param("B", rng.standard_normal(b_shape))
        g.gate("matmul", "A", "B", name="C")
        g.gate("sigmoid", "C", name="S")
        _, grads = g.value_and_grad({}, wrt=["A", "B"], of=["S"])
        for name in ("A", "B"):
            np.testing.assert_allclose(grads[name], numeric_grad(g, {}, name, of=["S"]),
                                       rtol=1e-6, atol=1e-8, err_msg=f"{a_shape} @ {b_shape}")


@pytest.mark.parametrize("case", range(4))
def test_float32_graphs_agree_with_float64(registry, case):
    rng = np.random.default_rng(77 + case)
    g64, feed = random_graph(registry, rng, 3)
    rng = np.random.default_rng(77 + case)
    g32, _ = random_graph(registry, rng, 3, dtype=np.float32)
    loss64, grads64 = g64.value_and_grad(feed)
    loss32, grads32 = g32.value_and_grad(feed)
    assert all(grads32[n].dtype == np.float32 for n in grads32)
    np.testing.assert_allclose(loss32, loss64, rtol=1e-4)
    for name in grads64:
        np.testing.assert_allclose(grads32[name], grads64[name], rtol=2e-3, atol=1e-5)


def test_only_needed_gradients_are_computed(registry, rng):
    # dJ/dX is never asked for in training: the matmul must be told so.
    seen = []
    g = Graph(registry)
    g.input("X")
    g.param("W", shape=(2, 3))
    g.gate("matmul", "X", "W", name="Z")
    g.input("Y")
    g.gate("mse", "Z", "Y", name="J")
    executor = g.executor()
    executor.value_and_grad({"X": rng.standard_normal((4, 2)), "Y": np.zeros((4, 3))},
                            trace=lambda node, top, local, bottom: seen.append(
                                (node.name, [b is not None for b in bottom])))
    assert ("Z", [False, True]) in seen


def test_long_chain_runs_iteratively(registry):
    g = Graph(registry)
    g.param("x", [0.3, -0.2])
    prev = "x"
    for i in range(5000):
        prev = g.gate("identity", prev, name=f"i{i}")
    g.gate("sigmoid", prev, name="s")
    loss, grads = g.value_and_grad({}, wrt=["x"], of=["s"])
    s = 1 / (1 + np.exp(-np.array([0.3, -0.2])))
    np.testing.assert_allclose(grads["x"], s * (1 - s))
