"""Finding plugins through entry points (core.registry.discovery): the built-ins, a
third-party distribution, and a name another distribution already took."""
import pytest

from core import Registry, default_registry, load_entry_points
from core.registry.discovery import HOST_DISTRIBUTION

SEED_GATES = {"add", "mul", "matmul", "sigmoid", "identity", "mse"}

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


def test_default_registry_discovers_the_builtins_through_entry_points():
    reg = default_registry()
    assert SEED_GATES <= set(reg.names())
    for name in SEED_GATES:
        spec = reg.get(name)
        assert spec.distribution == HOST_DISTRIBUTION
        assert spec.version
        assert spec.plugin == "seed"
    assert default_registry() is reg  # scanned once per process


def test_entry_point_discovery_of_a_third_party_distribution(site):
    site.install("good-gates", "1.2.3", {"myplugin": "good_gates"}, {"good_gates": GOOD})
    reg = Registry()
    infos = load_entry_points(reg)
    spec = reg.get("square_ep")
    assert (spec.distribution, spec.version, spec.plugin) == ("good-gates", "1.2.3", "myplugin")
    assert SEED_GATES <= set(reg.names())
    info = next(i for i in infos if i.distribution == "good-gates")
    assert info.status == "loaded" and info.gates == ["square_ep"]


def test_a_name_taken_by_another_distribution_names_both(site):
    site.install("clashing-gates", "1.2.3", {"clash": "clashing_gates"},
                 {"clashing_gates": CLASHING})
    reg = Registry()
    with pytest.warns(UserWarning, match="clashing-gates") as warned:
        infos = load_entry_points(reg)
    text = str(warned[0].message)
    assert "'matmul'" in text and HOST_DISTRIBUTION in text and "clashing-gates" in text
    assert reg.get("matmul").distribution == HOST_DISTRIBUTION  # the first registration stays
    clash = next(i for i in infos if i.distribution == "clashing-gates")
    assert clash.status == "loaded" and "'matmul'" in clash.problems[0]
