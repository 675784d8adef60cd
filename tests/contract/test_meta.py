"""The metadata checks (core.contract.meta): a docstring, the arity, the kind and its
methods, the name, and declarations that name real, applicable checks."""
import pytest

from core import Gate, Operator, check_gate
from tests.contract.planted import ClaimsOutputOnly, NoDoc


class BadArity(Operator):
    """Declares two inputs, takes three."""
    name = "bad_arity"

    def forward(self, a, b, c, out=None):
        return a + b + c

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff, top_diff


class NoBackward(Operator):
    """Defines no local_gradient."""
    name = "no_backward"

    def forward(self, a, b, out=None):
        return a + b


class BadName(NoDoc):
    """A name with a space."""
    name = "my gate"


class BadKind(Gate):
    """Declares a kind that does not exist."""
    name = "bad_kind"
    kind = "layer"

    def forward(self, x, out=None):
        return x


class StrayXfail(NoDoc):
    """Declares an expected failure of a check that does not exist, and one that does not apply."""
    expected_failures = {"gradient_is_right": "typo"}


class IdleXfail(NoDoc):
    """An expected failure of a check that does not apply (no kinks)."""
    expected_failures = {"gradient_at_kinks": "never runs"}


@pytest.mark.parametrize("gate, check, words", [
    (NoDoc(), "has_docstring", "NoDoc has no docstring"),
    (BadArity(), "arity_matches_forward", "arity is 2 but forward(a, b, c, out=None) takes 3"),
    (NoBackward(), "kind_methods_defined", "does not define local_gradient()"),
    (BadName(), "name_is_valid", "the name 'my gate' is not valid"),
    (BadKind(), "kind_is_known",
     "declares kind 'layer'; expected one of operator, activation, cost"),
    (StrayXfail(), "declarations_are_valid", "unknown check(s) gradient_is_right; the checks are"),
    (IdleXfail(), "declarations_are_valid", "gradient_at_kinks that do not apply to this gate"),
])
def test_metadata_checks_catch_their_fault(failed, gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]


def test_an_unknown_kind_runs_only_the_metadata_checks():
    assert {r.check for r in check_gate(BadKind())} == {
        "name_is_valid", "kind_is_known", "has_docstring", "arity_matches_forward",
        "declarations_are_valid"}


def test_backward_reads_must_name_inputs_or_output(failed):
    class Misspelt(ClaimsOutputOnly):
        """Cube, with a misspelt declaration."""
        name = "misspelt_reads"
        backward_reads = ("outputs",)
    msgs = failed(Misspelt())
    assert "backward_reads must be a tuple of 'inputs' and/or 'output', got ('outputs',)" \
        in msgs["declarations_are_valid"]


@pytest.mark.parametrize("tolerances, words", [
    ({"gradient_matches_fd": {"rtol": 1e-3, "reason": "r"}},
     "tolerances names 'gradient_matches_fd', which is not a check of this gate that compares "
     "numbers; those are: gradient_matches_finite_differences"),
    ({"deterministic": {"rtol": 1e-3, "reason": "r"}}, "tolerances names 'deterministic'"),
    ({"gradient_matches_finite_differences": {"rtol": 1e-3}}, "needs a 'reason'"),
    ({"gradient_matches_finite_differences": {"reason": "r"}}, "with 'atol' and/or 'rtol'"),
    ({"gradient_matches_finite_differences": {"rtol": 0.5, "reason": "anything goes"}},
     "['rtol'] must be a number from 0 to 0.01, got 0.5; a gate that is further off declares "
     "an expected failure instead"),
])
def test_declared_tolerances_are_checked(failed, tolerances, words):
    class Declares(NoDoc):
        """x, with a tolerance declaration."""
    Declares.tolerances = tolerances
    msgs = failed(Declares())
    assert words in msgs["declarations_are_valid"]
    assert set(msgs) == {"declarations_are_valid"}  # the rest is not run because of it


def test_a_domain_must_be_intervals(failed):
    class BadDomain(NoDoc):
        """x, with a domain that is not an interval."""
        domain = (1.0, 0.0)
    assert "domain must be None, an interval (lo, hi) with lo < hi, or one interval (or " \
        "None) per input (1), got (1.0, 0.0)" in failed(BadDomain())["declarations_are_valid"]
