"""Every installed built-in gate (gates/ and plugins/) passes the contract suite,
through the same pytest plugin a third party uses."""
import numpy as np
import pytest

from core import CHECK_NAMES, check_gate, default_registry, iter_checks
from core.pytest_plugin import parametrize_with_checks

BUILTIN = [s for s in default_registry().specs() if s.distribution == "gates"]


def test_the_builtins_and_packs_are_found_through_entry_points():
    plugins = {s.name: s.plugin for s in BUILTIN}
    assert plugins["relu"] == "activations" and plugins["softmax"] == "activations"
    assert plugins["huber"] == "costs" and plugins["softmax_cross_entropy"] == "costs"
    assert plugins["matmul"] == "seed"
    assert {"tanh", "leaky_relu", "softplus", "arctan", "cross_entropy", "bce_with_logits",
            "l1", "add", "mul", "sigmoid", "identity", "mse"} <= set(plugins)


@parametrize_with_checks(BUILTIN)
def test_builtin_gate(check):
    check()


@pytest.mark.parametrize("spec", BUILTIN, ids=lambda s: s.name)
def test_check_gate_records_every_check_as_passed(spec):
    results = check_gate(spec)
    assert [r.status for r in results] == ["passed"] * len(results)
    assert {r.check for r in results} <= set(CHECK_NAMES)
    assert all(r.gate == spec.name and spec.distribution in r.plugin for r in results)


def test_checks_are_chosen_by_kind_and_metadata():
    names = lambda gate: {c.name for c in iter_checks(gate)}
    assert "elementwise" in names("relu") and "gradient_at_kinks" in names("relu")
    assert "gradient_at_kinks" not in names("tanh")
    assert "elementwise" not in names("softmax") and "cost_returns_scalar" not in names("softmax")
    assert "cost_returns_scalar" in names("huber") and "elementwise" not in names("huber")
    assert "out_matches_plain" in names("add") and "out_matches_plain" in names("mse")


def test_results_are_reproducible_for_a_seed():
    first = check_gate("softmax_cross_entropy", seed=7)
    assert first == check_gate("softmax_cross_entropy", seed=7)


def test_a_non_default_attribute_is_checked_as_given():
    from plugins.activations import LeakyReLU
    results = check_gate(LeakyReLU(slope=0.3))
    assert all(r.ok for r in results)


def test_unknown_check_names_are_refused():
    with pytest.raises(ValueError, match="unknown check.*gradient_matches_fd.*the checks are"):
        check_gate("relu", checks=["gradient_matches_fd"])


def test_check_gate_refuses_what_is_not_a_gate():
    with pytest.raises(TypeError, match="check_gate takes a gate"):
        check_gate(np.tanh)


def test_a_gate_made_with_the_elementwise_helper_passes():
    from core import elementwise
    cube = elementwise("cube_helper", forward=lambda x: x ** 3,
                       derivative=lambda x, y: 3 * x * x, doc="x cubed.")
    assert [r.check for r in check_gate(cube) if not r.ok] == []


def test_a_gate_type_that_needs_attributes_says_to_pass_an_instance():
    import attrs

    from core import Activation

    @attrs.frozen
    class Scaled(Activation):
        """scale * x."""
        name = "scaled"
        scale: float

        def forward(self, x, out=None):
            return self.scale * x

        def derivative(self, x, y, out=None):
            return np.full_like(x, self.scale)

    with pytest.raises(TypeError, match=r"gate type .*Scaled cannot be built without "
                                        r"attributes \(TypeError: .*scale.*\); check an "
                                        r"instance instead"):
        check_gate(Scaled)
    assert all(r.ok for r in check_gate(Scaled(2.0)))
