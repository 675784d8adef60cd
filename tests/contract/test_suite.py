"""The suite (core.contract.suite): which checks a gate gets, reproducible results, the
check names it knows, and expected failures that are strict: counted, never skipped."""
import pytest

from core import ArgumentError, GatesError, check_gate, iter_checks
from core.contract import SuiteError
from tests.contract.planted import NoDoc, WrongAtOne


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


class KnownBad(WrongAtOne):
    """x squared with a known wrong derivative."""
    name = "known_bad"
    expected_failures = {"gradient_matches_finite_differences": "the (1, 2) element, issue 12",
                         "gradient_random_projection": "the same bug",
                         "elementwise": "the same bug"}


class WronglyPessimistic(NoDoc):
    """Declares an expected failure of a check it passes."""
    expected_failures = {"gradient_random_projection": "thought to be flaky"}


def test_expected_failures_are_strict_xfails_counted_not_skipped():
    results = {r.check: r for r in check_gate(KnownBad())}
    xfails = {c for c, r in results.items() if r.status == "xfail"}
    assert xfails == {"gradient_matches_finite_differences", "gradient_random_projection",
                      "elementwise"}
    assert all(r.ok for r in results.values())
    assert "expected failure (the (1, 2) element, issue 12)" in \
        results["gradient_matches_finite_differences"].message
    passing = {r.check: r for r in check_gate(WronglyPessimistic())}
    xpass = passing["gradient_random_projection"]
    assert xpass.status == "xpass" and not xpass.ok
    assert "declared an expected failure (thought to be flaky) but passed" in xpass.message


@pytest.mark.parametrize("seed", [-1, 1.5, None])
def test_a_bad_seed_is_refused_before_any_check_is_blamed_on_the_gate(seed):
    with pytest.raises(GatesError, match="check_gate: a random seed must be a whole number"):
        check_gate("sigmoid", seed=seed)


def test_what_check_gate_cannot_take_is_the_projects_error_and_a_type_or_value_error():
    with pytest.raises(ArgumentError, match="check_gate takes a gate") as err:
        check_gate(5)
    assert isinstance(err.value, TypeError)
    with pytest.raises(ArgumentError, match="checks= is a list of check names, such as "
                                            "\\['deterministic'\\]") as err:
        check_gate("sigmoid", checks="deterministic")
    assert isinstance(err.value, ValueError)


def test_an_error_in_the_suites_own_code_is_reported_as_the_suites(monkeypatch):
    from core.contract import structure

    def broken(*args, **kwargs):
        raise KeyError("a bug in the suite")

    monkeypatch.setattr(structure, "compare", broken)
    results = {r.check: r for r in check_gate("relu")}
    r = results["linear_in_top_diff"]
    assert r.status == "error" and not r.ok
    assert "the contract suite's own code raised KeyError: 'a bug in the suite' -- an error " \
        "in the suite, not in the gate" in r.message
    assert "Traceback (most recent call last)" in r.message and "structure.py" in r.message
    assert "reproduce: gates check relu --check linear_in_top_diff --seed 0" in r.message
    assert results["gradient_matches_finite_differences"].status == "passed"
    from core.contract.suite import summary
    assert summary(results.values())["failed_total"] >= 1
    check = next(iter_checks("relu", checks=["linear_in_top_diff"]))
    with pytest.raises(SuiteError, match="not in the gate"):
        check()


def test_a_gate_that_calls_sys_exit_fails_instead_of_ending_the_run():
    from tests.contract.wrong_gates import Exits
    results = check_gate(Exits())
    failed = [r for r in results if r.status == "failed"]
    assert failed and all("the gate's forward raised SystemExit: 0" in r.message for r in failed)


def test_a_gate_with_a_declared_domain_is_sampled_inside_it():
    from tests.contract.planted import Log

    class Unbounded(Log):
        """log x over every real number: log of negatives is NaN."""
        domain = None

    assert [r.message for r in check_gate(Log()) if not r.ok] == []
    assert "results_are_finite" in {r.check for r in check_gate(Unbounded()) if not r.ok}
