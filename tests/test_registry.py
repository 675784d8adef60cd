"""The registry: entry-point discovery, local registration, duplicates, bad gate types."""
import sys
import textwrap

import numpy as np
import pytest

import gates.builtin
from core import (Activation, DuplicateGateError, Graph, Operator, Registry,
                  UnknownGateError, default_registry, hookimpl, load_entry_points)
from core.errors import GraphError

SEED_GATES = {"add", "mul", "matmul", "sigmoid", "identity", "mse"}


def test_default_registry_discovers_the_builtins_through_entry_points():
    reg = default_registry()
    assert SEED_GATES <= set(reg.names())
    for name in SEED_GATES:
        spec = reg.get(name)
        assert spec.distribution == "gates"
        assert spec.version
        assert spec.plugin == "seed"
    assert default_registry() is reg  # scanned once per process


class Cube(Activation):
    """x cubed."""

    name = "cube"

    def forward(self, x, out=None):
        return x ** 3

    def derivative(self, x, y, out=None):
        return 3 * x * x


class CubePlugin:
    @hookimpl
    def register_gates(self, register):
        register(Cube)


def test_local_registration_through_register(registry):
    registry.register(CubePlugin(), name="cube-plugin")
    spec = registry.get("cube")
    assert (spec.kind, spec.arity, spec.plugin, spec.distribution) == \
        ("activation", 1, "cube-plugin", None)
    g = Graph(registry)
    g.param("x", [2.0])
    g.gate("cube", "x", name="y")
    _, grads = g.value_and_grad({}, wrt=["x"], of=["y"])
    assert grads["x"][0] == pytest.approx(12.0)


def test_local_registration_through_the_plugin_manager(registry):
    plugin = CubePlugin()
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


class Clash:
    @hookimpl
    def register_gates(self, register):
        register(Cube)
        register(OtherAdd)


def test_duplicate_names_are_refused_naming_both_and_nothing_is_lost(registry):
    before = registry.specs()
    with pytest.raises(DuplicateGateError) as err:
        registry.register(Clash(), name="clash", distribution="clashing-dist", version="9")
    message = str(err.value)
    assert "'add'" in message and "'seed'" in message and "'clash'" in message
    assert "clashing-dist" in message and "gates" in message
    assert registry.specs() == before           # cube was not half-registered
    assert "clash" not in [registry.pm.get_name(p) for p in registry.pm.get_plugins()]
    with pytest.raises(DuplicateGateError) as err:  # a plugin registered in-process
        registry.register(Clash(), name="clash-here")
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
def test_invalid_gate_types_are_refused(registry, bad, message):
    class Plugin:
        @hookimpl
        def register_gates(self, register):
            register(bad)

    with pytest.raises(TypeError, match=message):
        registry.register(Plugin())
    assert set(registry.names()) == SEED_GATES


def test_gate_attributes_are_checked(registry):
    import attrs

    @attrs.frozen
    class Scale(Activation):
        """x times a factor."""
        name = "scale"
        factor: float = 2.0

        def forward(self, x, out=None):
            return self.factor * x

        def derivative(self, x, y, out=None):
            return np.full_like(x, self.factor)

    class Plugin:
        @hookimpl
        def register_gates(self, register):
            register(Scale)

    registry.register(Plugin())
    assert registry.get("scale").attributes() == ("factor",)
    assert registry.create("scale", factor=3.0).factor == 3.0
    with pytest.raises(GraphError, match="does not take attribute.*factr.*takes: factor"):
        registry.create("scale", factr=3.0)


def write_distribution(root, dist, module, body, entry="myplugin"):
    """A minimal installed distribution: a module and a .dist-info with an entry point."""
    (root / f"{module}.py").write_text(textwrap.dedent(body))
    info = root / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[gates]\n{entry} = {module}\n")


GOOD = """
    import numpy as np
    from core import Activation, hookimpl

    class Square(Activation):
        "x squared."
        name = "square_ep"
        def forward(self, x, out=None):
            return x * x
        def derivative(self, x, y, out=None):
            return 2 * x

    @hookimpl
    def register_gates(register):
        register(Square)
"""

CLASHING = """
    from core import Operator, hookimpl

    class Matmul(Operator):
        "A second matmul."
        name = "matmul"

    @hookimpl
    def register_gates(register):
        register(Matmul)
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    for var in ("GATES_DISABLE_PLUGIN_AUTOLOAD", "GATES_LOAD_PLUGINS", "GATES_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    yield tmp_path
    for mod in ("good_gates", "clashing_gates"):
        sys.modules.pop(mod, None)


def test_entry_point_discovery_of_a_third_party_distribution(site):
    write_distribution(site, "good-gates", "good_gates", GOOD)
    reg = Registry()
    infos = load_entry_points(reg)
    spec = reg.get("square_ep")
    assert (spec.distribution, spec.version, spec.plugin) == ("good-gates", "1.2.3", "myplugin")
    assert SEED_GATES <= set(reg.names())
    info = next(i for i in infos if i.distribution == "good-gates")
    assert info.status == "loaded" and info.gates == ["square_ep"]


def test_a_name_taken_by_another_distribution_names_both(site):
    write_distribution(site, "clashing-gates", "clashing_gates", CLASHING, entry="clash")
    reg = Registry()
    with pytest.warns(UserWarning, match="clashing-gates") as warned:
        infos = load_entry_points(reg)
    text = str(warned[0].message)
    assert "'matmul'" in text and "gates" in text and "clashing-gates" in text
    assert reg.get("matmul").distribution == "gates"  # the first registration stays
    failed = next(i for i in infos if i.distribution == "clashing-gates")
    assert failed.status == "failed" and "matmul" in failed.error
