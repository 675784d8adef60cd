"""The activation and cost packs: their numbers, their stability for |x| up to
1e3 in float64, their attributes, and networks composed from them by name."""
import numpy as np
import pytest

from core import Graph, GraphError, default_registry, mlp, train

from packs import ACTIVATIONS, COSTS, forward_and_gradient, gate


def test_each_pack_has_its_own_entry_point():
    plugins = {s.name: s.plugin for s in default_registry().specs()}
    assert {plugins[n] for n in ACTIVATIONS} == {"activations"}
    assert {plugins[n] for n in COSTS} == {"costs"}
    assert default_registry().get("softmax").kind == "operator"


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


def test_cost_values():
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    onehot = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    ce = -np.sum(onehot * np.log(p)) / 2
    assert np.isclose(gate("softmax_cross_entropy").forward(z, onehot), ce)
    assert np.isclose(gate("cross_entropy").forward(p, onehot), ce)
    # the fused gradient is (softmax - onehot) / n
    assert np.allclose(gate("softmax_cross_entropy").gradient(z, onehot), (p - onehot) / 2)
    t = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    sig = 1 / (1 + np.exp(-z))
    bce = -np.mean(t * np.log(sig) + (1 - t) * np.log(1 - sig))
    assert np.isclose(gate("bce_with_logits").forward(z, t), bce)
    assert np.allclose(gate("bce_with_logits").gradient(z, t), (sig - t) / 6)
    assert np.isclose(gate("l1").forward(z, t), np.mean(np.abs(z - t)))
    r = np.array([0.5, -3.0])
    assert np.isclose(gate("huber").forward(r, np.zeros(2)), (0.125 + 2.5) / 2)
    assert np.isclose(gate("huber", delta=2.0).forward(r, np.zeros(2)), (0.125 + 4.0) / 2)
    assert np.allclose(gate("huber").gradient(r, np.zeros(2)), [0.25, -0.5])


@pytest.mark.parametrize("name", ACTIVATIONS + COSTS)
def test_finite_and_warning_free_up_to_1e3(name):
    x = np.array([[-1e3, 0.0, 1e3], [1e3, -1e3, 5.0], [-7.0, 1e3, -1e3], [2.0, -3.0, 1e3]])
    with np.errstate(all="raise"):
        values = forward_and_gradient(name, x)
    assert all(np.all(np.isfinite(v)) for v in values)


def test_stable_formulas_keep_their_tails():
    sp = gate("softplus")
    assert sp.forward(np.array([1e3]))[0] == 1e3 and sp.forward(np.array([-1e3]))[0] >= 0
    z = np.array([[1e3, -1e3, 0.0]])
    assert np.isclose(gate("softmax_cross_entropy").forward(z, np.array([[0.0, 0.0, 1.0]])), 1e3)
    assert np.isclose(gate("bce_with_logits").forward(np.array([-1e3]), np.array([1.0])), 1e3)


@pytest.mark.parametrize("name, bad", [("leaky_relu", {"slope": float("nan")}),
                                       ("huber", {"delta": 0.0}), ("huber", {"delta": -1})])
def test_bad_attributes_are_refused(name, bad):
    with pytest.raises(GraphError, match=f"gate {name!r} rejected its attributes"):
        default_registry().create(name, **bad)


def test_costs_refuse_a_target_of_another_shape():
    with pytest.raises(ValueError, match="softmax_cross_entropy needs .* same shape"):
        gate("softmax_cross_entropy").forward(np.zeros((4, 3)), np.zeros((4,)))


def test_leaky_relu_slope_through_the_graph_api():
    g = Graph()
    g.input("x")
    g.gate("leaky_relu", "x", name="y", slope=0.25)
    y = g.executor().forward({"x": np.array([-4.0, 2.0])})["y"]
    assert np.array_equal(y, [-1.0, 2.0])


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
def test_xor_networks_from_the_packs_learn(hidden, cost):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    Y = np.array([[0], [1], [1], [0]], float)
    net = mlp([2, 8, 1], hidden, output_activation="identity", cost=cost, seed=1)
    before = net.value_and_grad({"X": X, "Y": Y})[0]
    train(net, {"X": X, "Y": Y}, epochs=1500, rate=0.2)
    assert net.value_and_grad({"X": X, "Y": Y})[0] < 0.7 * before
