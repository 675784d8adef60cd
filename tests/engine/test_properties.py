"""Property tests: on random graphs and feeds in every layout a data loader can produce
(pickled, copied, other byte order, Fortran order, read-only, 0-d), many calls in a row
on the planned path give the reference path's loss and gradients."""
import pickle

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gates.builtin
from core import Executor, Graph, Registry
from core.engine.state import cache_of
from core.registry.discovery import HOST_DISTRIBUTION
from tests.engine.random_graphs import random_graph

LAYOUTS = ["as is", "pickled", "copied", "byteswapped", "fortran", "readonly"]
REGISTRY = Registry()  # the seed's gates only, as the registry fixture has them
REGISTRY.register(gates.builtin, name="seed", distribution=HOST_DISTRIBUTION, version="test")
BOUNDED = settings(max_examples=40, deadline=None, derandomize=True)


def laid_out(array, layout):
    """``array`` as a loader might hand it over."""
    if layout == "pickled":
        return pickle.loads(pickle.dumps(array))
    if layout == "copied":
        return array.copy()
    if layout == "byteswapped":
        return array.astype(array.dtype.newbyteorder())
    if layout == "fortran" and array.ndim:  # (a 0-d array has no order to change)
        return np.asfortranarray(array)
    if layout == "readonly":
        array = array.copy()
        array.flags.writeable = False
    return array


def assert_same(got, want):
    assert np.isclose(got[0], want[0], rtol=1e-9, atol=1e-12)
    assert set(got[1]) == set(want[1])
    for name, grad in got[1].items():
        np.testing.assert_allclose(grad, want[1][name], rtol=1e-8, atol=1e-12, err_msg=name)


@BOUNDED
@given(seed=st.integers(0, 2**31 - 1), batch=st.integers(1, 5),
       layouts=st.lists(st.sampled_from(LAYOUTS), min_size=2, max_size=5))
def test_planned_steps_match_the_reference_on_feeds_of_any_layout(seed, batch, layouts):
    graph, feed = random_graph(REGISTRY, np.random.default_rng(seed), batch)
    reference = Executor(graph, mode="reference")
    planned = Executor(graph)
    cache_of(graph).eager = True
    want = reference.value_and_grad(feed)
    for layout in layouts:
        fed = {name: laid_out(value, layout) for name, value in feed.items()}
        assert_same(planned.value_and_grad(fed), want)


def scalar_graph(ops, values):
    """A graph of 0-d values: x and p read several times through adds and muls."""
    g = Graph(REGISTRY)
    g.input("x")
    g.param("p", values[0])
    pool = ["x", "p"]
    for i, (op, a, b) in enumerate(ops):
        pool.append(g.gate(op, pool[a % len(pool)], pool[b % len(pool)], name=f"n{i}"))
    return g, pool[-1]


@BOUNDED
@given(ops=st.lists(st.tuples(st.sampled_from(["add", "mul"]), st.integers(0, 9),
                              st.integers(0, 9)), min_size=1, max_size=6),
       values=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
       layout=st.sampled_from(LAYOUTS))
def test_scalar_graphs_with_fan_out_match_the_reference(ops, values, layout):
    graph, top = scalar_graph(ops, values)
    feed = {"x": laid_out(np.array(values[1]), layout)}
    cache_of(graph).eager = True
    want = Executor(graph, mode="reference").value_and_grad(feed, wrt=["x", "p"], of=[top])
    for _ in range(3):
        got = graph.value_and_grad(feed, wrt=["x", "p"], of=[top])
        assert_same(got, want)
        assert got[1]["x"].shape == () and got[1]["p"].shape == ()
