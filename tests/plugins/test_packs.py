"""The activation and cost packs together: one entry point each, finite and warning-free
for |x| up to 1e3 in float64 and 80 in float32, attributes refused with the gate's and
the attribute's name, and networks composed from them by name that learn."""
import numpy as np
import pytest

from core import GraphError, default_registry, mlp, train
from tests.plugins.packs import ACTIVATIONS, COSTS, forward_and_gradient, gate


def test_each_pack_has_its_own_entry_point():
    plugins = {s.name: s.plugin for s in default_registry().specs()}
    assert {plugins[n] for n in ACTIVATIONS} == {"activations"}
    assert {plugins[n] for n in COSTS} == {"costs"}
    assert default_registry().get("softmax").kind == "operator"


@pytest.mark.parametrize("name", ACTIVATIONS + COSTS)
def test_finite_and_warning_free_up_to_1e3(name):
    x = np.array([[-1e3, 0.0, 1e3], [1e3, -1e3, 5.0], [-7.0, 1e3, -1e3], [2.0, -3.0, 1e3]])
    with np.errstate(all="raise"):
        values = forward_and_gradient(name, x)
    assert all(np.all(np.isfinite(v)) for v in values)


@pytest.mark.parametrize("name", ACTIVATIONS + COSTS)
def test_float32_stays_float32_finite_and_warning_free_up_to_80(name):
    x = np.array([[-80.0, 0.0, 80.0], [80.0, -80.0, 5.0], [-7.0, 80.0, -80.0]], np.float32)
    # overflow, invalid values and division by zero raise; gradual underflow towards 0
    # in a tail is the right answer (numpy does not warn about it by default either)
    with np.errstate(all="raise", under="ignore"):
        values = forward_and_gradient(name, x)
    for v in values:
        assert v.dtype == np.float32, (name, v.dtype)
        assert np.all(np.isfinite(v)), (name, v)


ELEMENTWISE = ["tanh", "relu", "leaky_relu", "softplus", "arctan", "sigmoid", "identity"]
ELEMENTWISE_COSTS = ["mse", "bce_with_logits", "l1", "huber", "cross_entropy"]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activations_take_a_0d_input_like_any_other(name):
    g, x = gate(name), np.array(0.3)
    y = g.forward(x)
    d = g.derivative(x, y)
    assert np.shape(y) == () and np.shape(d) == ()
    row = np.array([0.3])
    assert float(y) == g.forward(row)[0] and float(d) == g.derivative(row, g.forward(row))[0]


@pytest.mark.parametrize("name", ELEMENTWISE_COSTS)
def test_elementwise_costs_take_0d_inputs_and_an_empty_batch(name):
    g = gate(name)
    p, t = np.array(0.3), np.array(0.6)
    J, grad = g.forward(p, t), g.gradient(p, t)
    assert np.shape(J) == () and np.shape(grad) == ()
    assert float(J) == pytest.approx(float(g.forward(p[None], t[None])))
    assert float(grad) == pytest.approx(float(g.gradient(p[None], t[None])[0]))
    empty = np.zeros((0, 3))
    with np.errstate(all="raise"):  # no 0/0: a mean over no elements is taken as 0
        assert float(g.forward(empty, empty)) == 0.0
        assert g.gradient(empty, empty).shape == (0, 3)


def test_stable_formulas_keep_their_tails():
    sp = gate("softplus")
    assert sp.forward(np.array([1e3]))[0] == 1e3 and sp.forward(np.array([-1e3]))[0] >= 0
    z = np.array([[1e3, -1e3, 0.0]])
    assert np.isclose(gate("softmax_cross_entropy").forward(z, np.array([[0.0, 0.0, 1.0]])), 1e3)
    assert np.isclose(gate("bce_with_logits").forward(np.array([-1e3]), np.array([1.0])), 1e3)


@pytest.mark.parametrize("name, bad, words", [
    ("huber", {"delta": -1}, "huber's delta must be a positive number, got -1.0"),
    ("huber", {"delta": 0.0}, "huber's delta must be a positive number, got 0.0"),
    ("huber", {"delta": "wide"}, "delta"),
    ("leaky_relu", {"slope": float("inf")}, "leaky_relu's slope must be finite, got inf"),
    ("leaky_relu", {"slope": float("nan")}, "leaky_relu's slope must be finite, got nan")])
def test_bad_attributes_name_the_gate_and_the_attribute(name, bad, words):
    with pytest.raises(GraphError) as info:
        default_registry().create(name, **bad)
    assert f"gate {name!r} rejected its attributes" in str(info.value)
    assert words in str(info.value)


def test_a_softmax_classifier_composed_by_name_trains():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 0] > 1).astype(int)
    Y = np.eye(3)[labels]
    net = mlp([2, 8, 3], "tanh", output_activation="identity", cost="softmax_cross_entropy",
              seed=0)
    before = net.value_and_grad({"X": X, "Y": Y})[0]
    train(net, {"X": X, "Y": Y}, epochs=300, rate=0.5)
    after = net.value_and_grad({"X": X, "Y": Y})[0]
    assert after < 0.5 * before


@pytest.mark.parametrize("hidden, cost", [("relu", "bce_with_logits"), ("softplus", "huber"),
                                          ("arctan", "l1"), ("leaky_relu", "bce_with_logits")])
def test_xor_networks_from_the_packs_learn(hidden, cost, xor):
    net = mlp([2, 8, 1], hidden, output_activation="identity", cost=cost, seed=1)
    before = net.value_and_grad(xor)[0]
    train(net, xor, epochs=1500, rate=0.2)
    assert net.value_and_grad(xor)[0] < 0.7 * before
