"""The contract suite every gate plugin must pass: one generator of checks.

``suite`` holds ``iter_checks`` and ``check_gate``; ``running`` runs one check
(root cause first, the gate's errors told from the suite's) into a
``CheckResult``. The checks by theme are in ``meta`` (declarations),
``fundamentals`` and ``aliasing`` (shapes and dtypes of the results, mutation,
determinism, finite results, aliasing: run first), ``structure`` (what the
executor relies on), ``kinds`` (what is particular to a kind), ``shapes``
(0-d inputs, a batch of one, an empty batch, broadcasting) and ``gradients``
(finite differences, projections, kinks); ``subject`` is the gate under test
and its failure messages, ``samples`` its inputs over the domain and
``variants`` their shape variants, ``numeric`` the finite differences. The
pytest entry points (``parametrize_with_checks``, ``GateContractTests``) are in
``core.pytest_plugin``.

May import: ``core.registry``, ``core.gate``, ``core.errors``, ``core.rules``.
It calls the gate kinds' one backward rule (``core.gate.backward``), never
the engine.
"""
from core.contract.running import CheckSkipped, SuiteError
from core.contract.subject import CheckFailure
from core.contract.suite import CHECK_NAMES, Check, CheckResult, check_gate, iter_checks, summary

__all__ = ["CHECK_NAMES", "Check", "CheckFailure", "CheckResult", "CheckSkipped", "SuiteError",
           "check_gate", "iter_checks", "summary"]
