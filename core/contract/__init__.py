"""The contract suite every gate plugin must pass: one generator of checks.

``suite`` holds ``iter_checks``, ``check_gate`` and ``CheckResult``; the checks
by theme are in ``meta`` (declarations), ``structure`` (what the executor
relies on), ``kinds`` (what is particular to a kind) and ``gradients`` (finite
differences, projections, kinks); ``subject`` is the gate under test and its
failure messages, ``samples`` its inputs, ``numeric`` the finite differences.
The pytest entry points (``parametrize_with_checks``, ``GateContractTests``)
are in ``core.pytest_plugin``.

May import: ``core.registry``, ``core.gate``, ``core.errors``, ``core.rules``.
It calls the gate kinds' one backward rule (``core.gate.backward``), never
the engine.
"""
from core.contract.subject import CheckFailure
from core.contract.suite import CHECK_NAMES, Check, CheckResult, check_gate, iter_checks, summary

__all__ = ["CHECK_NAMES", "Check", "CheckFailure", "CheckResult", "check_gate", "iter_checks",
           "summary"]
