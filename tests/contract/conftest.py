"""Fixtures of the contract tests: the failed checks of a gate, and the broken example."""
import sys

import pytest

from core import check_gate
from tests.paths import BROKEN


def failures(gate, **kw):
    """{check: message} of the checks ``gate`` fails (``kw`` as for check_gate)."""
    return {r.check: r.message for r in check_gate(gate, **kw) if not r.ok}


@pytest.fixture
def failed():
    """failed(gate, **kw) -> {check: message} of the checks the gate fails."""
    return failures


@pytest.fixture
def broken_cumsum(monkeypatch):
    """The BrokenCumsum gate type of examples/gates-broken (wrong at its last column)."""
    monkeypatch.syspath_prepend(str(BROKEN))
    from gates_broken import BrokenCumsum
    yield BrokenCumsum
    sys.modules.pop("gates_broken", None)
