"""Every installed built-in gate (gates/ and plugins/) passes the contract suite,
through the same pytest plugin a third party uses."""
import pytest

from core import CHECK_NAMES, check_gate, default_registry
from core.pytest_plugin import parametrize_with_checks
from core.registry.discovery import HOST_DISTRIBUTION

BUILTIN = [s for s in default_registry().specs() if s.distribution == HOST_DISTRIBUTION]


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
