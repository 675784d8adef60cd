"""Fan-out sums work for every shape, 0-d scalars included, on both paths."""
import numpy as np
import pytest

from core import Executor, Graph
from core.engine.state import cache_of


def thrice(registry):
    """b = (x + x) + x: x is read three times, so its gradient is a sum of three parts."""
    g = Graph(registry)
    g.input("x")
    g.gate("add", "x", "x", name="a")
    g.gate("add", "a", "x", name="b")
    g.gate("mul", "b", "x", name="c")  # c = 3x^2: dc/dx = 6x
    return g


@pytest.mark.parametrize("mode", ["reference", "planned"])
@pytest.mark.parametrize("x", [3.0, np.float64(-1.5), np.array(2.0), np.array([1.0, -2.0])])
def test_a_node_read_three_times_gets_the_sum_of_its_parts(registry, mode, x):
    g = thrice(registry)
    cache_of(g).eager = True
    ex = Executor(g, mode=mode)
    for _ in range(3):  # compiled on the first call, then run again
        c, grads = ex.value_and_grad({"x": x}, wrt=["x"], of=["c"])
        assert c == pytest.approx(float(np.sum(3 * np.asarray(x) ** 2)))
        np.testing.assert_allclose(grads["x"], 6 * np.asarray(x))
        assert np.shape(grads["x"]) == np.shape(x)


@pytest.mark.parametrize("mode", ["reference", "planned"])
def test_no_two_gradients_handed_out_are_one_array(registry, mode):
    # add, the distributor, hands its top_diff to both inputs as it is: the caller must
    # still get arrays it can change one at a time (dJ/da, dJ/db and dJ/dz are equal)
    g = Graph(registry)
    g.input("a")
    g.input("b")
    g.gate("add", "a", "b", name="z")
    g.gate("mul", "z", "z", name="y")
    cache_of(g).eager = True
    ex = Executor(g, mode=mode)
    feed = {"a": np.array([[1.0, 2.0]]), "b": np.array([[3.0, -1.0]])}
    for _ in range(2):  # the planned path compiles on the first call
        _, grads = ex.value_and_grad(feed, wrt=["a", "b", "z"], of=["y"])
        arrays = list(grads.values())
        assert not any(np.shares_memory(p, q) for i, p in enumerate(arrays)
                       for q in arrays[i + 1:])
        assert not any(np.shares_memory(d, v) for d in arrays for v in feed.values())
        grads["a"][...] = 0.0
        np.testing.assert_array_equal(grads["b"], 2 * (feed["a"] + feed["b"]))
