"""A gate that fails inside a compiled step is named: node, gate type, plugin and
method, with the gate's own exception chained."""
import numpy as np
import pytest

from core import Activation, Executor, GateContractError, GateError, Graph, check_gate
from core.engine.state import cache_of


class FailsLater(Activation):
    """Doubles; its derivative raises once the test says so (as a gate failing at run time)."""

    name = "fails_later"
    supports_out = True
    failing = False

    def forward(self, x, out=None):
        return np.multiply(x, 2.0, out=out)

    def derivative(self, x, y, out=None):
        if FailsLater.failing:
            raise RuntimeError("the gate's own trouble")
        if out is None:
            return np.full_like(x, 2.0)
        out.fill(2.0)
        return out


class ObjectDerivative(Activation):
    """Its derivative is an object array when it is handed nothing (backward_reads = ())."""

    name = "object_derivative"
    backward_reads = ()

    def forward(self, x, out=None):
        return x * 3.0

    def derivative(self, x, y, out=None):
        base = np.ones_like(x)  # handed nothing: np.ones_like(None), an object array
        return np.full(base.shape, 3.0, dtype=base.dtype)


def graph(registry_with, gate_type):
    g = Graph(registry_with(gate_type, name="flaky"))
    g.input("x", shape=(None, 2))
    g.input("y", shape=(None, 2))
    g.gate(gate_type.name, "x", name="h")
    g.gate("mse", "h", "y", name="J")
    return g


def test_an_exception_inside_the_compiled_step_names_node_gate_plugin_and_method(
        registry_with, monkeypatch):
    g = graph(registry_with, FailsLater)
    cache_of(g).eager = True
    feed = {"x": np.ones((3, 2)), "y": np.zeros((3, 2))}
    g.executor().value_and_grad(feed, wrt=["x"])  # compiled, and it runs
    assert cache_of(g).steps
    monkeypatch.setattr(FailsLater, "failing", True)
    with pytest.raises(GateError) as err:
        g.executor().value_and_grad(feed, wrt=["x"])
    message = str(err.value)
    assert "gate 'h' (fails_later) from plugin 'flaky' (local): derivative" in message
    assert "RuntimeError inside the compiled step: the gate's own trouble" in message
    assert isinstance(err.value.__cause__, RuntimeError)


def test_a_derivative_that_is_an_object_array_when_reduced_fails_the_contract():
    failed = {r.check: r.message for r in check_gate(ObjectDerivative()) if not r.ok}
    assert "backward_reads_honest" in failed
    assert "object" in failed["backward_reads_honest"]
    assert "float64" in failed["backward_reads_honest"]


def test_the_same_gate_is_named_when_its_step_is_compiled(registry_with):
    g = graph(registry_with, ObjectDerivative)
    cache_of(g).eager = True
    feed = {"x": np.ones((3, 2)), "y": np.zeros((3, 2))}
    Executor(g, mode="reference").value_and_grad(feed, wrt=["x"])  # full values: it works
    with pytest.raises(GateContractError) as err:
        g.executor().value_and_grad(feed, wrt=["x"])
    assert ("gate 'h' (object_derivative) from plugin 'flaky' (local): derivative returned "
            "an array of object shaped ()") in str(err.value)
    assert "backward_reads ()" in str(err.value)
