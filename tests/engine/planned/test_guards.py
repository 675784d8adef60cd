"""A compiled step's guards compare by value: arrays that went through pickle, copies and
other layouts run on it, and its internal stale marker never reaches a caller."""
import pickle
import warnings

import numpy as np
import pytest

from core import EngineWarning, Executor, GatesError, mlp
from core.engine.planned.program import STALE
from core.engine.state import cache_of


def pickled(*arrays):
    return pickle.loads(pickle.dumps(arrays))


def test_a_pickled_feed_trains_on_the_compiled_step_every_time():
    X, Y = pickled(np.zeros((4, 2)), np.ones((4, 1)))
    assert X.dtype == np.float64 and X.dtype is not np.dtype(np.float64)  # equal, not identical
    net = mlp([2, 3, 1])
    ex = net.executor()
    losses = [ex.sgd_step({"X": X, "Y": Y}, 0.1) for _ in range(4)]
    assert all(type(loss) is float for loss in losses)
    assert losses[-1] < losses[0]  # the steps updated the parameters
    assert len(cache_of(net).steps) == 1  # ... on one compiled step


def test_value_and_grad_returns_loss_and_gradients_from_the_second_call_on():
    X, Y = pickled(np.zeros((4, 2)), np.ones((4, 1)))
    net = mlp([2, 3, 1])
    reference = Executor(net, mode="reference").value_and_grad({"X": X, "Y": Y})
    for _ in range(3):
        loss, grads = net.value_and_grad({"X": X, "Y": Y})
        assert loss == pytest.approx(reference[0], rel=1e-12)
        assert set(grads) == set(net.params)
    assert cache_of(net).steps  # compiled, not stuck on the reference path


@pytest.mark.parametrize("layout", ["byteswapped", "fortran", "readonly", "strided"])
def test_feeds_in_other_layouts_give_the_reference_results(layout, rng):
    net = mlp([3, 4, 2])
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    want = Executor(net, mode="reference").value_and_grad({"X": X, "Y": Y})
    if layout == "byteswapped":
        X = X.astype(X.dtype.newbyteorder())
    elif layout == "fortran":
        X = np.asfortranarray(X)
    elif layout == "readonly":
        X = X.copy()
        X.flags.writeable = False
    else:
        X = np.repeat(X, 2, axis=0)[::2]
    for _ in range(3):
        loss, grads = net.value_and_grad({"X": X, "Y": Y})
        assert loss == pytest.approx(want[0], rel=1e-12)
        for name in grads:
            np.testing.assert_allclose(grads[name], want[1][name], rtol=1e-10)


def test_a_step_whose_guard_refuses_its_own_feed_is_an_error_not_a_marker(monkeypatch):
    net = mlp([2, 3, 1])
    cache_of(net).eager = True
    from core.engine.planned import compiled

    real = compiled.compile_step

    def refusing(*args, **kw):
        step = real(*args, **kw)
        step.fn = lambda feed: STALE
        return step

    monkeypatch.setattr(compiled, "compile_step", refusing)
    with pytest.raises(GatesError, match="refused it"):
        net.executor().sgd_step({"X": np.zeros((4, 2)), "Y": np.ones((4, 1))}, 0.1)


def test_replacing_arrays_behind_the_graphs_back_falls_back_once_with_a_warning():
    net = mlp([2, 3, 1])
    cache_of(net).eager = True
    feed = {"X": np.zeros((4, 2)), "Y": np.ones((4, 1))}
    ex = net.executor()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(6):
            dict.__setitem__(net.params, "W1", net.params["W1"].copy())
            loss = ex.sgd_step(feed, 0.1)
            assert type(loss) is float
    found = [w for w in caught if issubclass(w.category, EngineWarning)]
    assert len(found) == 1
    assert "set_params" in str(found[0].message) and "reference path" in str(found[0].message)
