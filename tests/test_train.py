"""Training: minibatches, the in-place update, history, bad arguments."""
import numpy as np
import pytest

from core import SGD, GraphError, mlp, train


def regression_data(rng, n=64):
    X = rng.standard_normal((n, 3))
    Y = np.tanh(X @ np.array([[1.0], [-2.0], [0.5]]))
    return X, Y


def test_minibatches_take_one_step_each(registry, rng):
    X, Y = regression_data(rng, 50)
    net = mlp([3, 4, 1], "sigmoid", registry=registry)
    history = train(net, {"X": X, "Y": Y}, epochs=3, batch_size=16, rate=0.1)
    assert len(history.losses) == 3 * 4          # 16 + 16 + 16 + 2 per epoch
    assert len(history.epoch_losses) == 3


def test_training_lowers_the_loss_and_updates_in_place(registry, rng):
    X, Y = regression_data(rng)
    net = mlp([3, 8, 1], "sigmoid", registry=registry)
    W1 = net.params["W1"]
    history = train(net, {"X": X, "Y": Y}, epochs=200, batch_size=16, rate=0.2)
    assert net.params["W1"] is W1                 # the same array, updated in place
    assert history.epoch_losses[-1] < 0.2 * history.epoch_losses[0]


def test_graph_param_rate_is_lambda_i(registry):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    net.rates["W2"] = 0.0
    before = net.params["W2"].copy()
    train(net, {"X": np.ones((3, 2)), "Y": np.zeros((3, 1))}, epochs=5, rate=0.3)
    np.testing.assert_array_equal(net.params["W2"], before)
    assert SGD(0.3).rate_for(net, "W2") == 0.0
    assert SGD(0.3, {"W2": 0.7}).rate_for(net, "W2") == 0.7


def test_callback_can_stop_early(registry, rng):
    X, Y = regression_data(rng)
    net = mlp([3, 2, 1], "sigmoid", registry=registry)
    history = train(net, {"X": X, "Y": Y}, epochs=100, callback=lambda e, s, l: s >= 7)
    assert len(history.losses) == 7


def test_bad_training_arguments(registry):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    data = {"X": np.ones((3, 2)), "Y": np.zeros((3, 1))}
    with pytest.raises(GraphError, match="differ in length"):
        train(net, {"X": np.ones((3, 2)), "Y": np.zeros((4, 1))})
    with pytest.raises(GraphError, match=r"rates given for \['W9'\]"):
        train(net, data, rates={"W9": 0.1})
    with pytest.raises(GraphError, match="epochs"):
        train(net, data, epochs=0)


def test_divergence_is_reported_before_the_bad_update(registry):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    data = {"X": np.full((3, 2), 10.0), "Y": np.zeros((3, 1))}
    with pytest.raises(GraphError, match="loss became"), np.errstate(all="ignore"):
        train(net, data, epochs=500, rate=1e6)
    assert all(np.isfinite(p).all() for p in net.params.values())



@pytest.mark.parametrize("kw, said", [
    ({"batch_size": -1}, "batch_size must be None (the whole data) or a whole number"),
    ({"batch_size": 0}, "got 0"), ({"batch_size": "2"}, "got '2'"),
    ({"epochs": 1.5}, "epochs must be a whole number of at least 1, got 1.5"),
    ({"epochs": 0}, "got 0"), ({"epochs": True}, "got True")])
def test_bad_epochs_and_batch_sizes_are_refused_naming_them(kw, said):
    net = mlp([2, 3, 1], "sigmoid", cost="mse")
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(GraphError) as info:
        train(net, {"X": np.zeros((4, 2)), "Y": np.zeros((4, 1))}, **kw)
    assert said in str(info.value)
    assert all(np.array_equal(before[k], v) for k, v in net.params.items())
