"""Buffers are never shared between values alive at the same time.

Two independent checks: ``verify`` reads the memory the plan actually handed
out, and a poisoned step (NaN written into each buffer after its last use)
must still give the reference results. Both are shown to catch a planner that
lets two live values share a buffer.
"""
import numpy as np
import pytest

from core import Executor, mlp
from core.engine.planned import compile_step, memory
from core.engine.planned.trace import Buffer


def buffers(*spans):
    return [Buffer(i, (2, 2), np.dtype(np.float64), np.empty((2, 2)), first, last)
            for i, (first, last) in enumerate(spans)]


def test_assign_shares_only_buffers_whose_lives_do_not_overlap():
    bufs = buffers((0, 2), (1, 3), (3, 4), (5, 6))
    plan = memory.assign(bufs)
    views = [plan.views[b.id] for b in bufs]
    assert not np.shares_memory(views[0], views[1])  # both alive at ops 1-2
    assert not np.shares_memory(views[1], views[2])  # both alive at op 3
    assert np.shares_memory(views[0], views[2])  # 0 ends at op 2, 2 starts at op 3
    assert len(plan.arrays) == 2
    memory.verify(bufs, plan)


def test_verify_catches_live_buffers_sharing_memory():
    bufs = buffers((0, 2), (1, 3))
    shared = np.empty(4)
    plan = memory.MemoryPlan({0: shared.reshape(2, 2), 1: shared.reshape(2, 2)}, [shared])
    with pytest.raises(AssertionError, match="alive together but share memory"):
        memory.verify(bufs, plan)


def careless_assign(bufs):
    """A broken planner: every buffer of a size shares one array, lives ignored."""
    arrays, views = {}, {}
    for b in bufs:
        key = (int(np.prod(b.shape)), b.dtype.str)
        arrays.setdefault(key, np.empty(key[0], b.dtype))
        views[b.id] = arrays[key].reshape(b.shape)
    return memory.MemoryPlan(views, list(arrays.values()))


def seed_case(registry):
    rng = np.random.default_rng(5)
    net = mlp([3, 4, 4, 2], "sigmoid", registry=registry)
    feed = {"X": rng.standard_normal((5, 3)), "Y": rng.standard_normal((5, 2))}
    return net, feed


def test_the_checks_catch_a_careless_planner(registry, monkeypatch):
    net, feed = seed_case(registry)
    ref_loss, ref_grads = Executor(net, mode="reference").value_and_grad(feed)
    monkeypatch.setattr("core.engine.planned.compiled.assign", careless_assign)
    with pytest.raises(AssertionError, match="memory plan error"):
        compile_step(net, feed)
    monkeypatch.setattr("core.engine.planned.compiled.verify", lambda bufs, plan: None)
    loss, grads = compile_step(net, feed, poison=True)(feed)
    wrong = [n for n in grads if not np.allclose(grads[n], ref_grads[n])]
    assert wrong or not np.isclose(loss, ref_loss)


def test_poisoned_and_plain_steps_agree(registry):
    net, feed = seed_case(registry)
    a = compile_step(net, feed, poison=True)(feed)
    b = compile_step(net, feed)(feed)
    assert "fill(np.nan)" in compile_step(net, feed, poison=True).source
    assert a[0] == b[0]
    for name in a[1]:
        np.testing.assert_array_equal(a[1][name], b[1][name])


def test_a_long_chain_lives_in_a_few_arrays(registry):
    """Identity needs no forward value on the way back, so buffers free early."""
    from core import Graph
    g = Graph(registry)
    g.param("x", [0.3, -0.2])
    prev = "x"
    for i in range(1000):
        prev = g.gate("identity", prev, name=f"i{i}")
    g.gate("sigmoid", prev, name="s")
    step = compile_step(g, {}, wrt=["x"], of=["s"], poison=True)
    _, grads = step({})
    s = 1 / (1 + np.exp(-np.array([0.3, -0.2])))
    np.testing.assert_allclose(grads["x"], s * (1 - s))
    assert step.logical_buffers > 2000 and len(step.memory.arrays) <= 4
