"""A fed value that is not numbers is named by its input, on every path that converts it."""
import numpy as np
import pytest

from core import GatesError, GraphError, mlp, train
from core.engine.feeds import FeedError

Y = np.zeros((2, 1))
BAD = {
    "strings": ([["a", "b"], ["c", "d"]], r"dtype <U1 \(e\.g\. 'a'\)"),
    "numeric strings": (np.array([["1", "2"], ["3", "4"]]), r"dtype <U1 \(e\.g\. '1'\)"),
    "objects": (np.array([[None, 1.0], [2.0, 3.0]], dtype=object), r"dtype object"),
    "complex": (np.ones((2, 2), dtype=complex), r"dtype complex128"),
    "ragged": ([[1.0, [2.0]], [3.0, 4.0]], r"not a rectangular array of numbers"),
}


@pytest.fixture(params=[np.float64, np.float32])
def net(request, registry):
    return mlp([2, 2, 1], "sigmoid", registry=registry, dtype=request.param)


def calls(net):
    ex = net.executor()
    ref = net.executor()
    ref.mode = "reference"
    return {"forward": lambda f: net.forward(f), "predict": lambda f: net.predict(f),
            "value_and_grad": lambda f: net.value_and_grad(f),
            "reference value_and_grad": lambda f: ref.value_and_grad(f),
            "sgd_step": lambda f: ex.sgd_step(f, 0.1),
            "reference sgd_step": lambda f: ref.sgd_step(f, 0.1),
            "train": lambda f: train(net, f, epochs=1)}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_feed_names_the_input_and_the_problem(net, case):
    value, problem = BAD[case]
    for what, call in calls(net).items():
        if what == "predict":
            net.outputs = net.outputs or ["z2"]
        with pytest.raises(FeedError, match=rf"^input 'X' was fed .*{problem}") as info:
            call({"X": value, "Y": Y})
        assert isinstance(info.value, GraphError) and isinstance(info.value, GatesError), what


def test_strings_after_good_steps_on_the_fast_path(net):
    ex = net.executor()
    good = {"X": [[0.0, 1.0], [1.0, 0.0]], "Y": Y.tolist()}
    for _ in range(4):  # the planned path compiles, then calls the compiled step directly
        ex.sgd_step(good, 0.1)
    with pytest.raises(FeedError, match=r"^input 'X' was fed values of dtype <U1"):
        ex.sgd_step({"X": [["a", "b"], ["c", "d"]], "Y": Y.tolist()}, 0.1)
    for _ in range(4):
        net.value_and_grad({"X": np.ones((2, 2)), "Y": Y})
    with pytest.raises(FeedError, match="input 'Y'"):
        net.value_and_grad({"X": np.ones((2, 2)), "Y": np.array([["x"], ["y"]])})


def test_numbers_of_any_kind_are_still_taken(net):
    for X in ([[1, 0], [0, 1]], np.array([[True, False], [False, True]]),
              np.ones((2, 2), dtype=np.int32), np.ones((2, 2), dtype=np.float16)):
        loss, grads = net.value_and_grad({"X": X, "Y": Y})
        assert np.isfinite(loss) and grads["W1"].dtype == net.dtype
