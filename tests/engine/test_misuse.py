"""Misuse of the engine gets the project's own errors, naming what is wrong: an empty
batch, a feed that is no mapping, a bad seed, a node named twice in of=."""
import numpy as np
import pytest

from core import Executor, GraphError, mlp, train
from core.engine.feeds import FeedError
from core.engine.state import cache_of

PATHS = ["planned", "reference"]


def net():
    return mlp([2, 3, 1], "sigmoid", output_activation="identity", cost="mse")


@pytest.mark.parametrize("mode", PATHS)
@pytest.mark.parametrize("call", ["value_and_grad", "sgd_step", "forward"])
def test_a_batch_of_no_rows_is_named(mode, call, xor):
    g = net()
    ex = Executor(g, mode=mode)
    cache_of(g).eager = True
    getattr(ex, call)(xor)  # compiled for 4 rows, on the planned path
    empty = {"X": np.zeros((0, 2)), "Y": np.zeros((0, 1))}
    with pytest.raises(FeedError, match=r"input 'X' was fed an empty array \(shape \(0, 2\)\)"):
        getattr(ex, call)(empty)


def test_training_on_no_rows_is_refused_before_any_step():
    with pytest.raises(FeedError, match="empty array"):
        train(net(), {"X": np.zeros((0, 2)), "Y": np.zeros((0, 1))}, epochs=1)


@pytest.mark.parametrize("mode", PATHS)
@pytest.mark.parametrize("feed", [[("X", 1)], "X", 3, None, np.zeros((4, 2))])
@pytest.mark.parametrize("call", ["value_and_grad", "sgd_step", "forward"])
def test_a_feed_that_is_no_mapping_is_named(mode, feed, call, xor):
    ex = Executor(net(), mode=mode)
    getattr(ex, call)(xor)
    getattr(ex, call)(xor)  # the hot path is warm
    with pytest.raises(FeedError, match=rf"a feed is a mapping of input names to arrays, "
                                        rf"such as \{{'X': \.\.\., 'Y': \.\.\.\}}, not "
                                        rf"{type(feed).__name__}"):
        getattr(ex, call)(feed)


def test_predict_and_train_name_a_feed_that_is_no_mapping():
    g = net()
    with pytest.raises(FeedError, match="a feed is a mapping"):
        g.predict([1, 2])
    with pytest.raises(GraphError, match="training data is a mapping"):
        train(g, [np.zeros((4, 2))], epochs=1)


@pytest.mark.parametrize("seed", [-5, 1.5, "3", True])
def test_train_refuses_a_bad_seed_before_any_step(seed, xor):
    g = net()
    before = {k: v.copy() for k, v in g.params.items()}
    with pytest.raises(GraphError, match="train\\(seed=...\\): a random seed must be a whole"):
        train(g, xor, epochs=2, batch_size=2, seed=seed)
    assert all(np.array_equal(before[k], g.params[k]) for k in before)


def test_train_takes_seed_none_and_numpy_integers(xor):
    train(net(), xor, epochs=1, batch_size=2, seed=None)
    train(net(), xor, epochs=1, batch_size=2, seed=np.int64(3))


@pytest.mark.parametrize("mode", PATHS)
def test_a_node_named_twice_in_of_is_an_error(mode, xor):
    g = net()
    with pytest.raises(GraphError, match="of= names 'J' more than once"):
        Executor(g, mode=mode).value_and_grad(xor, of=["J", "J"])
    loss, grads = Executor(g, mode=mode).value_and_grad(xor, of=["J"])
    assert loss == pytest.approx(g.value_and_grad(xor)[0])


@pytest.mark.parametrize("kw, said", [
    ({"wrt": "W1"}, "wrt= is a list of node names, such as ['W1'], not the string 'W1'"),
    ({"of": "JJ"}, "of= is a list of node names, such as ['JJ'], not the string 'JJ'"),
    ({"wrt": [1]}, "wrt= names nodes by name (strings), not int 1"),
    ({"of": [None]}, "of= names nodes by name (strings), not NoneType None"),
    ({"wrt": 3}, "wrt= is a list of node names, not int 3"),
])
@pytest.mark.parametrize("mode", PATHS)
def test_names_that_are_no_list_of_names_are_refused(kw, said, mode, xor):
    with pytest.raises(GraphError) as err:
        Executor(net(), mode=mode).value_and_grad(xor, **kw)
    assert said in str(err.value)


def test_forward_outputs_that_are_a_string_are_refused(xor):
    with pytest.raises(GraphError, match="outputs= is a list of node names"):
        net().forward(xor, outputs="a3")


@pytest.mark.parametrize("mode", PATHS)
@pytest.mark.parametrize("rates, said", [({"Wx": 0.1}, "rates given for ['Wx'], which are not "
                                                        "parameters"),
                                         ([0.1], "rates= is a mapping of parameter names")])
def test_sgd_step_refuses_rates_for_no_parameter(mode, rates, said, xor):
    ex = Executor(net(), mode=mode)
    ex.sgd_step(xor, 0.1)
    with pytest.raises(GraphError) as err:
        ex.sgd_step(xor, 0.1, rates)
    assert said in str(err.value)


def test_train_refuses_a_callback_that_cannot_be_called(xor):
    with pytest.raises(GraphError, match="callback= is a function callback"):
        train(net(), xor, epochs=1, callback=5)
