"""The activation pack (plugins/activations.py): its values, softmax over the last axis,
and an attribute given through the graph API."""
import numpy as np
import pytest

from core import Graph
from tests.plugins.packs import gate


def test_activation_values():
    x = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
    assert np.allclose(gate("tanh").forward(x), np.tanh(x))
    assert np.array_equal(gate("relu").forward(x), [0, 0, 0, 1, 3])
    assert np.allclose(gate("leaky_relu").forward(x), [-0.02, -0.005, 0, 1, 3])
    assert np.allclose(gate("leaky_relu", slope=0.2).forward(x), [-0.4, -0.1, 0, 1, 3])
    assert np.allclose(gate("softplus").forward(x), np.log1p(np.exp(x)))
    assert np.isclose(gate("arctan").forward(np.array([1.0]))[0], np.pi / 4)
    assert np.array_equal(gate("relu").derivative(x, None), [0, 0, 0, 1, 1])
    s = gate("softmax").forward(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(s.sum(axis=-1), 1) and np.allclose(s[1], 1 / 3)
    assert np.allclose(s[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


def test_softmax_normalises_the_last_axis_only():
    x = np.arange(24.0).reshape(2, 3, 4)
    y = gate("softmax").forward(x)
    assert np.allclose(y.sum(axis=-1), 1.0)
    assert not np.allclose(y.sum(axis=0), 1.0)
    row = np.exp(x[1, 2] - x[1, 2].max())
    assert np.allclose(y[1, 2], row / row.sum())


def test_leaky_relu_slope_through_the_graph_api():
    g = Graph()
    g.input("x")
    g.gate("leaky_relu", "x", name="y", slope=0.25)
    y = g.executor().forward({"x": np.array([-4.0, 2.0])})["y"]
    assert np.array_equal(y, [-1.0, 2.0])


def test_softmax_refuses_a_0d_input_with_a_value_error():
    # numpy takes axis -1 of a 0-d array as no axis: the ufuncs then return scalars that
    # out= cannot write into; refused plainly instead (the reference path names the node)
    with pytest.raises(ValueError, match="softmax normalises the last axis; a 0-d input"):
        gate("softmax").forward(np.array(1.5))
