"""A third party's gates that know nothing of ``out=``: methods without the
parameter, ``supports_out`` left False. They pass the contract suite (the
``out_matches_plain`` check does not apply), and the executor runs, differentiates
and trains a network of them in float64 and float32."""
import numpy as np
import pytest

from core import Activation, Cost, Graph, Operator, check_gate, train


class PlainTanh(Activation):
    """tanh, written without out=."""
    name = "plain_tanh"

    def forward(self, x):
        return np.tanh(x)

    def derivative(self, x, y):
        return 1 - y * y


class PlainScale(Operator):
    """a * b elementwise, written without out=."""
    name = "plain_scale"

    def forward(self, a, b):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs):
        a, b = inputs
        return (top_diff * b if needs[0] else None, top_diff * a if needs[1] else None)


class PlainMSE(Cost):
    """Half the mean squared error, written without out= (NaN on an empty batch, as numpy's
    mean gives it: accepted)."""
    name = "plain_mse"

    def forward(self, prediction, target):
        return 0.5 * np.mean((prediction - target) ** 2)

    def gradient(self, prediction, target):
        return (prediction - target) / prediction.dtype.type(prediction.size)


@pytest.mark.parametrize("gate_type", [PlainTanh, PlainScale, PlainMSE])
@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value")
def test_gates_without_out_pass_the_suite(gate_type):
    results = check_gate(gate_type)
    assert [r.message for r in results if not r.ok] == []
    assert "out_matches_plain" not in {r.check for r in results}


def network(dtype):
    g = Graph(dtype=dtype, seed=0)
    g.input("X")
    g.input("Y")
    g.param("W", np.array([[0.3, -0.2], [0.1, 0.4]]))
    g.param("s", np.array([1.5, 0.5]))
    g.gate("matmul", "X", "W", name="z")
    g.gate("plain_scale", "z", "s", name="zs")
    g.gate("plain_tanh", "zs", name="a")
    g.gate("plain_mse", "a", "Y", name="J")
    return g


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_executor_runs_and_trains_gates_without_out(on_default_registry, numeric_grad,
                                                        dtype):
    on_default_registry(PlainTanh, PlainScale, PlainMSE, name="plain")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((16, 2))
    Y = np.tanh(X @ np.array([[1.0, -1.0], [0.5, 1.0]]))
    feed = {"X": X.astype(dtype), "Y": Y.astype(dtype)}
    g = network(dtype)
    J, grads = g.value_and_grad(feed)
    assert grads["W"].dtype == dtype and grads["s"].dtype == dtype
    if dtype == np.float64:  # the gradient is right: central differences on W
        assert np.allclose(grads["W"], numeric_grad(g, feed, "W"), atol=1e-8)
    train(g, feed, epochs=200, rate=0.5)
    assert g.value_and_grad(feed)[0] < 0.5 * J
