"""Every installed gate, built-in or from a plugin pack, on the planned path.

Each gate is wired into a small graph -- its first input scaled by a parameter
of ones (so the values stay in the gate's domain), a cost after it unless it is
one -- and the planned step, with its buffers poisoned after their last use,
must give the reference executor's loss and gradients.
"""
import numpy as np
import pytest

from core import Executor, Graph, default_registry
from core.contract.samples import draws
from core.engine.planned import compile_step

NAMES = default_registry().names()


def wired(name, dtype):
    spec = default_registry().get(name)
    gate = default_registry().create(name)
    rng = np.random.default_rng(11)
    xs = draws(gate, rng, [(4, 3)], dtype, scales=(1.0,))[0].xs
    g = Graph(dtype=dtype)
    feed = {}
    for i, x in enumerate(xs):
        g.input(f"I{i}")
        feed[f"I{i}"] = x
    g.param("P", np.ones_like(xs[0]))
    g.gate("mul", "I0", "P", name="m")
    g.gate(name, "m", *[f"I{i}" for i in range(1, len(xs))], name="y")
    if spec.kind != "cost":
        shape = Executor(g, mode="reference").forward(feed, ["y"])["y"].shape
        g.input("Y")
        feed["Y"] = rng.standard_normal(shape).astype(dtype)
        g.gate("mse", "y", "Y", name="J")
    return g, feed


# every registered gate in every dtype it declares (none is left out by a skip)
CASES = [(name, dtype) for name in NAMES for dtype in (np.float64, np.float32)
         if np.dtype(dtype).name in default_registry().get(name).gate_type.dtypes]


@pytest.mark.parametrize("name, dtype", CASES)
def test_every_registered_gate_gives_the_reference_results_when_planned(name, dtype):
    g, feed = wired(name, dtype)
    wrt = ["P", "I0"]
    ref_loss, ref_grads = Executor(g, mode="reference").value_and_grad(feed, wrt=wrt)
    loss, grads = compile_step(g, feed, wrt=wrt, poison=True)(feed)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert loss == pytest.approx(ref_loss, rel=tol, abs=tol)
    for w in wrt:
        np.testing.assert_allclose(grads[w], ref_grads[w], rtol=tol, atol=tol, err_msg=w)
