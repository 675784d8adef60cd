"""The registry (core.registry.manager): local registration, duplicate names, unknown
names, bad gate types and gate attributes."""
import attrs
import numpy as np
import pytest

from core import Activation, DuplicateGateError, Graph, Operator, UnknownGateError
from core.errors import GraphError
from tests.sample_gates import Cube

SEED_GATES = {"add", "mul", "matmul", "sigmoid", "identity", "mse"}


def test_local_registration_through_register(registry, plugin_of):
    registry.register(plugin_of(Cube), name="cube-plugin")
    spec = registry.get("cube")
    assert (spec.kind, spec.arity, spec.plugin, spec.distribution) == \
        ("activation", 1, "cube-plugin", None)
    g = Graph(registry)
    g.param("x", [2.0])
    g.gate("cube", "x", name="y")
    _, grads = g.value_and_grad({}, wrt=["x"], of=["y"])
    assert grads["x"][0] == pytest.approx(12.0)


def test_local_registration_through_the_plugin_manager(registry, plugin_of):
    plugin = plugin_of(Cube)
    registry.pm.register(plugin, name="direct")
    assert "cube" in registry
    assert registry.get("cube").plugin == "direct"
    registry.unregister(plugin)
    assert "cube" not in registry
    assert SEED_GATES <= set(registry.names())


class OtherAdd(Operator):
    """Another gate that wants the name 'add'."""

    name = "add"

    def forward(self, a, b, out=None):
        return a + b


def test_duplicate_names_are_refused_naming_both_and_nothing_is_lost(registry, plugin_of):
    before = registry.specs()
    with pytest.raises(DuplicateGateError) as err:
        registry.register(plugin_of(Cube, OtherAdd), name="clash",
                          distribution="clashing-dist", version="9")
    message = str(err.value)
    assert "'add'" in message and "'seed'" in message and "'clash'" in message
    assert "clashing-dist" in message and "gates" in message
    assert registry.specs() == before           # cube was not half-registered
    assert "clash" not in [registry.pm.get_name(p) for p in registry.pm.get_plugins()]
    with pytest.raises(DuplicateGateError) as err:  # a plugin registered in-process
        registry.register(plugin_of(Cube, OtherAdd), name="clash-here")
    assert "by plugin 'clash-here' (local)" in str(err.value)


def test_unknown_gate_suggests_close_names(registry):
    with pytest.raises(UnknownGateError, match="did you mean 'sigmoid'"):
        registry.get("sigmod")
    g = Graph(registry)
    with pytest.raises(UnknownGateError, match="'matmul'"):
        g.gate("matmull", "a", "b")
    assert g.nodes == {}


@pytest.mark.parametrize("bad, message", [
    (type("NoKind", (), {"name": "x"}), "Gate subclass"),
    (type("BadName", (Activation,), {"name": "2fast"}), "invalid name"),
    (type("BadArity", (Activation,), {"name": "twoin", "arity": 2}), "arity 1"),
    (type("ZeroArity", (Operator,), {"name": "zero", "arity": 0}), "positive int"),
    (type("Wrongkind", (Operator,), {"name": "wk", "kind": "layer"}), "kind 'layer'"),
])
def test_invalid_gate_types_are_refused(registry, plugin_of, bad, message):
    with pytest.raises(TypeError, match=message):
        registry.register(plugin_of(bad))
    assert set(registry.names()) == SEED_GATES


@attrs.frozen
class Scale(Activation):
    """x times a factor."""
    name = "scale"
    factor: float = 2.0

    def forward(self, x, out=None):
        return self.factor * x

    def derivative(self, x, y, out=None):
        return np.full_like(x, self.factor)


def test_gate_attributes_are_checked(registry, plugin_of):
    registry.register(plugin_of(Scale))
    assert registry.get("scale").attributes() == ("factor",)
    assert registry.create("scale", factor=3.0).factor == 3.0
    with pytest.raises(GraphError, match="does not take attribute.*factr.*takes: factor"):
        registry.create("scale", factr=3.0)
