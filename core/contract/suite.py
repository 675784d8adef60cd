"""The contract suite: one generator of checks, and ``check_gate`` to run it without pytest.

``iter_checks(gate)`` yields the checks that apply to a gate, chosen by its
declared kind and metadata; the pytest plugin (``core.pytest_plugin``) and
``gates check`` use the same generator, as scikit-learn's
``parametrize_with_checks`` and ``check_estimator`` share one. A gate may
declare ``expected_failures = {check name: reason}``: such a check is a strict
expected failure -- counted, never skipped, and an error when it passes.

    from core import check_gate
    results = check_gate("relu")            # or a gate instance, type or GateSpec
    assert all(r.ok for r in results), "\\n".join(r.message for r in results if not r.ok)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from core.contract import gradients, kinds, meta, structure
from core.contract.subject import CheckFailure, Subject, subject
from core.errors import ArgumentError

#: every check, in the order they run: (name, applies to a subject, function)
ALL: list[tuple[str, Callable[[Subject], bool], Callable[[Subject, str], None]]] = [
    *meta.CHECKS, *structure.CHECKS, *kinds.CHECKS, *gradients.CHECKS]
CHECK_NAMES: tuple[str, ...] = tuple(name for name, _, _ in ALL)
STATUSES = ("passed", "failed", "xfail", "xpass")


@attrs.frozen
class CheckResult:
    """One check on one gate: status is passed, failed, xfail or xpass (a strict failure)."""

    gate: str
    check: str
    status: str
    message: str = ""
    plugin: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "xfail")

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Check:
    """One check of one gate, ready to run; calling it raises CheckFailure on failure."""

    name: str
    subject: Subject = attrs.field(repr=False)
    function: Callable[[Subject, str], None] = attrs.field(repr=False)
    xfail: str | None = None  # the declared reason, for an expected failure

    @property
    def gate(self) -> str:
        return self.subject.name

    @property
    def id(self) -> str:
        """The pytest id: ``<gate>-<check>``."""
        return f"{self.gate}-{self.name}"

    def __call__(self) -> None:
        __tracebackhide__ = True  # pytest: the message says it all
        try:
            self.function(self.subject, self.name)
        except CheckFailure as exc:
            failure = exc
        except Exception as exc:  # the gate raised: keep its traceback as the cause
            raise self.subject.failure(
                self.name, f"the gate raised {type(exc).__name__}: {exc}") from exc
        else:
            return
        raise failure.with_traceback(None) from None

    def run(self) -> CheckResult:
        """Run into a record; an expected failure that passes is an 'xpass' (a failure)."""
        try:
            self()
        except CheckFailure as exc:
            status = "xfail" if self.xfail is not None else "failed"
            message = str(exc) if self.xfail is None else \
                f"expected failure ({self.xfail}): {exc}"
            return CheckResult(self.gate, self.name, status, message, self.subject.plugin)
        if self.xfail is not None:
            return CheckResult(self.gate, self.name, "xpass",
                               f"gate {self.gate!r}: check {self.name!r} was declared an "
                               f"expected failure ({self.xfail}) but passed; remove it from "
                               f"expected_failures", self.subject.plugin)
        return CheckResult(self.gate, self.name, "passed", "", self.subject.plugin)


def applicable(s: Subject) -> list[str]:
    """Names of the checks that apply to this gate."""
    return [name for name, applies, _ in ALL if _applies(applies, s)]


def _applies(applies: Callable[[Subject], bool], s: Subject) -> bool:
    try:
        return bool(applies(s))
    except Exception:
        return False


def iter_checks(gate: Any, *, seed: int = 0, checks: Iterable[str] | None = None
                ) -> Iterator[Check]:
    """The checks that apply to ``gate`` (an instance, a Gate type, a GateSpec or a name)."""
    s = gate if isinstance(gate, Subject) else subject(gate, seed)
    s = attrs.evolve(s, checks=CHECK_NAMES, applicable=tuple(applicable(s)))
    if isinstance(checks, str):
        raise ArgumentError(f"checks= is a list of check names, such as [{checks!r}], not "
                            f"the string {checks!r}")
    wanted = None if checks is None else list(checks)
    if wanted is not None:
        unknown = [str(c) for c in wanted if c not in CHECK_NAMES]
        if unknown:
            raise ArgumentError(f"unknown check(s) {', '.join(unknown)}; the checks are: "
                                f"{', '.join(CHECK_NAMES)}")
    xfails = getattr(s.gate, "expected_failures", {})
    xfails = xfails if isinstance(xfails, dict) else {}
    for name, applies, function in ALL:
        if wanted is not None and name not in wanted:
            continue
        if _applies(applies, s):
            reason = xfails.get(name)
            yield Check(name, s, function, None if reason is None else str(reason))


def check_gate(gate: Any, *, seed: int = 0, checks: Iterable[str] | None = None
               ) -> list[CheckResult]:
    """Run the contract suite on one gate without pytest: one record per check."""
    return [check.run() for check in iter_checks(gate, seed=seed, checks=checks)]


def summary(results: Iterable[CheckResult]) -> dict[str, int]:
    """Counts per status; 'xpass' counts with the failures in ``failed_total``."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    counts["failed_total"] = counts["failed"] + counts["xpass"]
    return counts
