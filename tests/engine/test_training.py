"""Training (core.engine.training): minibatches, the in-place update, the history, bad
arguments; learning rates are checked wherever they enter, and a divergence is reported
counting epochs and steps from 1."""
import numpy as np
import pytest

from core import SGD, Graph, GraphError, mlp, train
from core.engine.training import History


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
    history = train(net, {"X": X, "Y": Y}, epochs=100, callback=lambda e, s, loss: s >= 7)
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


def test_history_repr_is_short():
    h = History([float(k) for k in range(100000, 0, -1)], [2.5])
    assert repr(h) == "History(100000 steps, first 100000, last 1, 1 epochs)"
    assert repr(History()) == "History(0 steps, 0 epochs)"


BAD_RATES = [-0.5, -1, float("nan"), float("inf"), -float("inf"), "0.1", None, True]


def data(n=3):
    return {"X": np.ones((n, 2)), "Y": np.zeros((n, 1))}


@pytest.mark.parametrize("rate", BAD_RATES)
def test_a_bad_global_rate_is_refused_before_any_step(registry, rate):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(GraphError, match=r"^rate: a learning rate must be a "):
        train(net, data(), epochs=2, rate=rate)
    assert all((net.params[k] == v).all() for k, v in before.items())


@pytest.mark.parametrize("rate", BAD_RATES)
def test_a_bad_per_parameter_rate_names_the_parameter(registry, rate):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    with pytest.raises(GraphError, match=r"^rate for parameter 'W1': a learning rate must"):
        train(net, data(), rates={"b1": 0.1, "W1": rate})
    with pytest.raises(GraphError, match=r"rate for parameter 'W1'"):
        train(net, data(), optimizer=SGD(0.1, {"W1": rate}))


@pytest.mark.parametrize("rate", BAD_RATES)
def test_graph_param_refuses_a_bad_rate_and_adds_nothing(registry, rate):
    g = Graph(registry)
    if rate is None:  # None means "no rate of its own"
        g.param("W", 1.0, rate=rate)
        assert g.rates == {}
        return
    with pytest.raises(GraphError, match=r"^parameter 'W': a learning rate must"):
        g.param("W", 1.0, rate=rate)
    assert "W" not in g.nodes and "W" not in g.params and "W" not in g.rates


@pytest.mark.parametrize("mode", ["planned", "reference"])
def test_sgd_step_refuses_a_bad_rate_even_after_good_steps(registry, mode):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    ex = net.executor()
    ex.mode = mode
    for _ in range(3):  # warm: the planned path has a fast path for a repeated call
        ex.sgd_step(data(), 0.1)
    before = {k: v.copy() for k, v in net.params.items()}
    for rate, rates in ((-1.0, None), (float("nan"), None), (0.1, {"b2": -2.0})):
        with pytest.raises(GraphError, match="a learning rate must be a finite number >= 0"):
            ex.sgd_step(data(), rate, rates)
    assert all((net.params[k] == v).all() for k, v in before.items())


def test_a_zero_rate_is_allowed_and_changes_nothing(registry):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    before = {k: v.copy() for k, v in net.params.items()}
    train(net, data(), epochs=3, rate=0, rates={"W1": 0.0})
    assert all((net.params[k] == v).all() for k, v in before.items())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_divergence_counts_epochs_and_steps_from_1(registry, dtype):
    net = mlp([2, 2, 1], "sigmoid", registry=registry, dtype=dtype)
    d = data(3)
    d["Y"][1, 0] = np.inf  # the second minibatch of one row gives an infinite loss
    seen = []
    with pytest.raises(GraphError, match=r"at epoch 1, step 2; try a smaller rate than 0\.1$"), \
            np.errstate(all="ignore"):
        train(net, d, epochs=2, batch_size=1, shuffle=False, rate=0.1,
              callback=lambda e, s, loss: seen.append((e, s)))
    assert seen == [(0, 1)]  # the callback's own convention is unchanged


def test_divergence_mentions_per_parameter_rates_when_there_are_any(registry):
    net = mlp([2, 2, 1], "sigmoid", registry=registry)
    d = data(3)
    d["Y"][:] = np.inf
    with pytest.raises(GraphError, match=r"step 1; try a smaller rate than 0\.1, or smaller "
                                         r"per-parameter rates than W1=5\.0$"), \
            np.errstate(all="ignore"):
        train(net, d, rate=0.1, rates={"W1": 5.0})
    net.rates["b1"] = 2.0  # a rate of the graph's own counts too
    with pytest.raises(GraphError, match=r"per-parameter rates than b1=2\.0, W1=5\.0$"), \
            np.errstate(all="ignore"):
        train(net, d, rate=0.1, rates={"W1": 5.0})
    every = {name: 1.0 for name in net.params}
    with pytest.raises(GraphError, match=r"; try smaller per-parameter rates than b1=1\.0, "
                                         r"W1=1\.0, W2=1\.0, b2=1\.0$") as info, \
            np.errstate(all="ignore"):
        train(net, d, rate=0.1, rates=every)
    assert "0.1" not in str(info.value)  # the global rate is used by no parameter
