"""The packs at the edges of their domains: probabilities for cross_entropy,
float32 inputs up to |x| = 80, the batch scaling of the cross-entropies, and
attributes refused with the gate's and the attribute's name."""
import numpy as np
import pytest

from core import GraphError, default_registry

from packs import ACTIVATIONS, COSTS, forward_and_gradient, gate


@pytest.mark.parametrize("bad, at", [(-0.25, "(1, 2)"), (1.5, "(1, 2)"), (np.nan, "(1, 2)")])
def test_cross_entropy_refuses_what_is_not_a_probability(bad, at):
    p = np.full((2, 3), 1 / 3)
    p[1, 2] = bad
    t = np.eye(3)[[0, 1]]
    for method in ("forward", "gradient"):
        with pytest.raises(ValueError) as info:
            getattr(gate("cross_entropy"), method)(p, t)
        message = str(info.value)
        assert message.startswith("cross_entropy takes probabilities in [0, 1], got ")
        assert f"at {at} of a prediction shaped (2, 3)" in message
        assert "use softmax_cross_entropy" in message


@pytest.mark.parametrize("dtype, limit", [(np.float64, 708.0), (np.float32, 88.0)])
def test_cross_entropy_takes_a_zero_probability_as_the_smallest_normal(dtype, limit):
    p = np.array([[0.0, 1.0], [0.5, 0.5]], dtype)
    t = np.array([[1.0, 0.0], [0.0, 1.0]], dtype)
    with np.errstate(all="raise"):
        J = gate("cross_entropy").forward(p, t)
        grad = gate("cross_entropy").gradient(p, t)
    assert J.dtype == dtype and grad.dtype == dtype
    assert np.isfinite(J) and limit / 2 - 1 < J < limit / 2 + 1  # (-log tiny + log 2) / 2 rows
    assert np.all(np.isfinite(grad))


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


def test_the_cross_entropies_average_over_rows_of_any_batch_shape():
    # J is the mean over rows (every axis but the last); the gradient is (softmax - t) / rows
    rng = np.random.default_rng(0)
    z = rng.standard_normal((2, 3, 4))
    t = np.eye(4)[rng.integers(0, 4, (2, 3))]
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    per_row = -np.sum(t * np.log(p), axis=-1)
    assert np.isclose(gate("softmax_cross_entropy").forward(z, t), per_row.mean())
    assert np.allclose(gate("softmax_cross_entropy").gradient(z, t), (p - t) / 6)
    assert np.isclose(gate("cross_entropy").forward(p, t), per_row.mean())


def test_softmax_normalises_the_last_axis_only():
    x = np.arange(24.0).reshape(2, 3, 4)
    y = gate("softmax").forward(x)
    assert np.allclose(y.sum(axis=-1), 1.0)
    assert not np.allclose(y.sum(axis=0), 1.0)
    row = np.exp(x[1, 2] - x[1, 2].max())
    assert np.allclose(y[1, 2], row / row.sum())


@pytest.mark.parametrize("name", COSTS)
def test_every_cost_gradient_refuses_a_target_of_another_shape(name):
    with pytest.raises(ValueError, match=f"{name} needs the prediction and the target to have "
                                         f"the same shape, got \\(4, 3\\) and \\(4, 1\\)"):
        gate(name).gradient(np.full((4, 3), 0.25), np.full((4, 1), 0.25))


@pytest.mark.parametrize("name, bad, words", [
    ("huber", {"delta": -1}, "huber's delta must be a positive number, got -1.0"),
    ("huber", {"delta": "wide"}, "delta"),
    ("leaky_relu", {"slope": float("inf")}, "leaky_relu's slope must be finite, got inf")])
def test_bad_attributes_name_the_gate_and_the_attribute(name, bad, words):
    with pytest.raises(GraphError) as info:
        default_registry().create(name, **bad)
    assert f"gate {name!r} rejected its attributes" in str(info.value)
    assert words in str(info.value)
