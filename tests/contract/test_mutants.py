"""The suite tested as the project's standards say: mutants of every correct gate (the
seed's, the packs', gates-swish's), each one mistake a plugin author makes, are all
caught -- by a failure of the gate (never an error of the suite) naming the gate, the check
and a reproduction line -- and every correct gate passes. tests/contract/mutants.py lists
the mistakes by class."""
import collections

import pytest

from core import check_gate, iter_checks
from tests.contract.mutants import CORRECT, MUTANTS

# the mutants compute NaNs, overflow and empty means on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

CLASSES = {"region", "extremes", "mutation", "alias", "dtype", "disagree", "shapes", "other"}


def first_failure(gate):
    """The first check the gate fails, in the order the suite runs them (root cause first)."""
    for check in iter_checks(gate):
        result = check.run()
        if not result.ok:
            return result
    return None


@pytest.mark.parametrize("qual", sorted(MUTANTS))
def test_every_mutant_is_caught(qual):
    mistake, gate_type = MUTANTS[qual]
    result = first_failure(gate_type())
    assert result is not None, f"{qual} ({mistake}) passed the whole suite"
    assert result.status == "failed", result.message
    m = result.message
    assert m.startswith(f"gate {gate_type.name!r} (") and f"check {result.check!r} failed" in m
    assert f'reproduce: python -c "from tests.contract.mutants import {qual};' in m


def test_the_mutants_cover_every_class_of_mistake_on_every_gate():
    per_class = collections.Counter(mistake for mistake, _ in MUTANTS.values())
    assert set(per_class) == CLASSES and min(per_class.values()) >= 8, per_class
    per_gate = collections.Counter(t.__mro__[1].name for _, t in MUTANTS.values())
    assert set(per_gate) == set(CORRECT) and min(per_gate.values()) >= 9, per_gate
    assert len(MUTANTS) >= 250


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_every_correct_gate_passes(name):
    results = check_gate(CORRECT[name]())
    assert [r.message for r in results if r.status != "passed"] == []
