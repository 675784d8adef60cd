"""The planned path against the reference executor on random graphs.

Every planned step here is compiled with ``poison=True``: each buffer is
filled with NaN right after its last use, so a value read after its memory was
handed to another would show up as NaN or a wrong number.
"""
import numpy as np
import pytest

from core import Executor, mlp
from core.engine.planned import compile_step
from core.engine.state import cache_of
from tests.engine.random_graphs import random_graph

TOL = {np.float64: 1e-12, np.float32: 1e-5}


def reference(g, feed, wrt):
    return Executor(g, mode="reference").value_and_grad(feed, wrt=wrt)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batch", [1, 5])
@pytest.mark.parametrize("case", range(12))
def test_planned_values_and_gradients_equal_the_reference(registry, dtype, batch, case):
    rng = np.random.default_rng(7000 + 100 * batch + case)
    g, feed = random_graph(registry, rng, batch, dtype)
    wrt = list(g.params) + ["X"]
    step = compile_step(g, feed, wrt=wrt, poison=True)
    loss, grads = step(feed)
    ref_loss, ref_grads = reference(g, feed, wrt)
    tol = TOL[dtype]
    assert loss == pytest.approx(ref_loss, rel=tol, abs=tol)
    for name in wrt:
        assert grads[name].dtype == ref_grads[name].dtype == np.dtype(dtype), name
        np.testing.assert_allclose(grads[name], ref_grads[name], rtol=tol, atol=tol,
                                   err_msg=f"dJ/d{name}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_planned_sgd_steps_follow_the_reference_updates(registry, rng, dtype):
    X = rng.standard_normal((6, 3)).astype(dtype)
    Y = rng.standard_normal((6, 2)).astype(dtype)
    nets = [mlp([3, 4, 4, 2], "sigmoid", registry=registry, dtype=dtype) for _ in range(2)]
    planned = compile_step(nets[0], {"X": X, "Y": Y}, rates={n: 0.3 for n in nets[0].params},
                           poison=True)
    ref = Executor(nets[1], mode="reference")
    for _ in range(5):
        loss = planned({"X": X, "Y": Y})
        assert loss == pytest.approx(ref.sgd_step({"X": X, "Y": Y}, 0.3), rel=TOL[dtype])
    for name in nets[0].params:
        np.testing.assert_allclose(nets[0].params[name], nets[1].params[name],
                                   rtol=TOL[dtype], atol=TOL[dtype])


def test_the_memory_plan_reuses_buffers(registry, rng):
    """The poisoning above means something only if buffers really are reused."""
    net = mlp([3, 5, 5, 5, 2], "sigmoid", registry=registry)
    feed = {"X": rng.standard_normal((4, 3)), "Y": rng.standard_normal((4, 2))}
    step = compile_step(net, feed, rates={n: 0.1 for n in net.params})
    assert len(step.memory.arrays) < step.logical_buffers


def test_no_gradient_is_computed_for_the_fed_input(registry, rng):
    net = mlp([3, 4, 2], "sigmoid", registry=registry)
    feed = {"X": rng.standard_normal((4, 3)), "Y": rng.standard_normal((4, 2))}
    step = compile_step(net, feed, rates={n: 0.1 for n in net.params})
    first_matmul = [line for line in step.source.splitlines() if "(x" in line and "out=(" in line]
    assert len(first_matmul) == 1 and "out=(None," in first_matmul[0]  # dJ/dX not asked for


def test_value_and_grad_uses_the_planned_path_from_the_second_call(registry, rng):
    net = mlp([2, 3, 1], "sigmoid", registry=registry)
    feed = {"X": rng.standard_normal((4, 2)), "Y": rng.standard_normal((4, 1))}
    first = net.value_and_grad(feed)
    assert not cache_of(net).steps  # a one-off call compiles nothing
    second = net.value_and_grad(feed)
    assert len(cache_of(net).steps) == 1
    assert first[0] == pytest.approx(second[0], rel=1e-12)
    for name in net.params:
        np.testing.assert_allclose(first[1][name], second[1][name], rtol=1e-12)
