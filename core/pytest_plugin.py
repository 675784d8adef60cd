"""The contract suite in pytest: ``parametrize_with_checks`` and ``GateContractTests``.

A plugin author's test module is about three lines, in either style:

    from core.pytest_plugin import parametrize_with_checks
    @parametrize_with_checks([Swish(), Hinge()])
    def test_contract(check):
        check()

    from core.pytest_plugin import GateContractTests
    class TestSwish(GateContractTests):
        gates = [Swish(), Hinge()]

The first follows scikit-learn's ``parametrize_with_checks``, the second
pandas' ``ExtensionTests`` base class. Both parametrise over the same
generator as ``core.check_gate``: test ids are ``<gate>-<check>``, a gate's
``expected_failures`` become strict xfails (a check that passes anyway fails
the run), a check whose prerequisite (a fundamental) failed is skipped naming
it, and every test carries the ``gate_contract`` marker, so
``pytest -m "not gate_contract"`` leaves them out. The ids and their order are
the same in every process, so ``pytest -n auto`` (pytest-xdist) spreads a
suite over cores; each worker runs the fundamentals a check needs itself.

Neither needs the pytest plugin: the decorator builds its parameters, and the
base class parametrises itself through its own ``pytest_generate_tests``, so
both run with ``-p no:gates`` or ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``. The
plugin (entry point ``pytest11: gates``) is the small module
``plugins.pytest_gates``, which only registers the marker: it imports nothing
of the engine, so a project that merely has ``gates`` installed does not pay
for numpy and the engine at every pytest start.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pytest

from core.contract.subject import CheckFailure
from core.contract.suite import iter_checks

MARKER = "gate_contract"
#: the marker's line in ``pytest --markers``, as plugins/pytest_gates.py registers it
MARKER_LINE = f"{MARKER}: a check of the gates contract suite (core.check_gate)"


def contract_mark() -> pytest.MarkDecorator:
    """The ``gate_contract`` mark, registered first if the pytest plugin that registers
    it is off (``-p no:gates``), so that pytest neither warns that it is unknown nor
    fails under ``--strict-markers``."""
    config = getattr(pytest.mark, "_config", None)  # the run's config, set by pytest
    if config is not None and MARKER not in {line.split(":")[0].split("(")[0].strip()
                                             for line in config.getini("markers")}:
        config.addinivalue_line("markers", MARKER_LINE)
    return getattr(pytest.mark, MARKER)


def check_params(gates: Iterable[Any], *, seed: int = 0,
                 expected_failures: Mapping[str, Mapping[str, str]] | None = None) -> list:
    """One ``pytest.param`` per check of every gate, id ``<gate>-<check>``.

    ``expected_failures`` adds ``{gate name: {check: reason}}`` to what the
    gates declare themselves (for gates whose code you do not own).
    """
    extra = dict(expected_failures or {})
    checks = [check for gate in gates for check in iter_checks(gate, seed=seed)]
    _validate(extra, checks)
    params, seen = [], set()
    for check in checks:
        reason = extra.get(check.gate, {}).get(check.name, check.xfail)
        # a check whose prerequisite failed is a skip naming it, not a second failure
        check = attrs.evolve(check, xfail=reason, skip=pytest.skip)
        marks = [contract_mark()]
        if check.xfail is not None:
            marks.append(pytest.mark.xfail(strict=True, raises=CheckFailure,
                                           reason=check.xfail))
        ident, n = check.id, 1
        while ident in seen:  # the same gate twice (e.g. with other attributes)
            n += 1
            ident = f"{check.id}-{n}"
        seen.add(ident)
        params.append(pytest.param(check, id=ident, marks=marks))
    return params


def _validate(extra: Mapping[str, Mapping[str, str]], checks: list) -> None:
    """A typo in expected_failures must not silently expect nothing: name it."""
    from core.contract.suite import CHECK_NAMES
    applies = {(c.gate, c.name) for c in checks}
    gates = sorted({c.gate for c in checks})
    for gate, declared in extra.items():
        if gate not in gates:
            raise ValueError(f"expected_failures names gate {gate!r}, which is not among the "
                             f"gates checked here: {', '.join(gates)}")
        if not isinstance(declared, Mapping):
            raise TypeError(f"expected_failures[{gate!r}] must map check names to reasons, "
                            f"got {declared!r}")
        for name, reason in declared.items():
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(f"expected_failures[{gate!r}][{name!r}] needs a reason (a "
                                 f"non-empty string), got {reason!r}")
            if name not in CHECK_NAMES:
                raise ValueError(f"expected_failures[{gate!r}] names unknown check {name!r}; "
                                 f"the checks are: {', '.join(CHECK_NAMES)}")
            if (gate, name) not in applies:
                raise ValueError(f"expected_failures[{gate!r}] names check {name!r}, which "
                                 f"does not apply to gate {gate!r}, so it would never run")


def parametrize_with_checks(gates: Iterable[Any], *, seed: int = 0,
                            expected_failures: Mapping[str, Mapping[str, str]] | None = None):
    """Decorate a test taking ``check``; it runs once per check, calling ``check()``."""
    return pytest.mark.parametrize(
        "check", check_params(gates, seed=seed, expected_failures=expected_failures))


class GateContractTests:
    """Subclass as ``TestMyGates`` and set ``gates`` (or ``gate``) to run the whole suite.

    Optional: ``seed`` (default 0) and ``expected_failures``
    (``{gate name: {check: reason}}``).
    """

    gate: Any = None
    gates: Iterable[Any] = ()
    seed: int = 0
    expected_failures: Mapping[str, Mapping[str, str]] = {}

    def test_gate_contract(self, gate_check):
        __tracebackhide__ = True
        gate_check()

    def pytest_generate_tests(self, metafunc):
        # pytest calls a test class's own pytest_generate_tests: the base class
        # parametrises itself, with or without the pytest11 plugin loaded
        generate(metafunc)


def generate(metafunc) -> None:
    """Parametrise ``gate_check`` of a GateContractTests subclass."""
    cls = metafunc.cls
    if "gate_check" not in metafunc.fixturenames or cls is None or \
            not issubclass(cls, GateContractTests):
        return
    gates = list(cls.gates) or ([cls.gate] if cls.gate is not None else [])
    if not gates:
        raise TypeError(f"{cls.__qualname__} subclasses GateContractTests but sets neither "
                        f"'gates' nor 'gate'; set gates = [MyGate()]")
    metafunc.parametrize("gate_check", check_params(
        gates, seed=cls.seed, expected_failures=cls.expected_failures))
