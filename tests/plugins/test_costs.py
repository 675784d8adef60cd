"""The cost pack (plugins/costs.py): its values, probabilities for cross_entropy, the batch
scaling of the cross-entropies, and targets of another shape refused."""
import numpy as np
import pytest

from tests.plugins.packs import COSTS, gate


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


def test_costs_refuse_a_target_of_another_shape():
    with pytest.raises(ValueError, match="softmax_cross_entropy needs .* same shape"):
        gate("softmax_cross_entropy").forward(np.zeros((4, 3)), np.zeros((4,)))


@pytest.mark.parametrize("name", COSTS)
def test_every_cost_gradient_refuses_a_target_of_another_shape(name):
    with pytest.raises(ValueError, match=f"{name} needs the prediction and the target to have "
                                         f"the same shape, got \\(4, 3\\) and \\(4, 1\\)"):
        gate(name).gradient(np.full((4, 3), 0.25), np.full((4, 1), 0.25))
