"""Running one check: root cause first, the gate's errors told from the suite's own.

A check may depend on others (``Check.requires``): the metadata a check needs
(a known kind, its methods, an arity that matches, valid declarations) and the
fundamentals (``bottom_diffs_match_inputs``, ``inputs_not_modified``,
``results_do_not_alias``, ``deterministic``). Those run first, once per gate
and process (their outcome is kept on the ``Subject``); when one failed, a
check that depends on it is reported as not run because of it -- status
``skipped``, a skip in pytest -- rather than as a second, misleading failure.

An exception raised while a check runs is the gate's when its traceback passes
through the gate's code (``subject.raised_by``): the check fails, naming the
method, its exception and the inputs it was given. Anything else is an error
of the suite itself (status ``error``), reported with its traceback. A gate
calling ``sys.exit()`` fails the check like any other exception it raises.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import attrs

from core.contract.samples import SamplingError
from core.contract.subject import BadResult, CheckFailure, Subject, describe_tolerance, raised_by
from core.gate.diffs import DiffProblem

STATUSES = ("passed", "failed", "xfail", "xpass", "skipped", "error")


class CheckSkipped(Exception):
    """A check was not run: a check it depends on failed first (the message says which)."""


class SuiteError(Exception):
    """An error in the contract suite's own code, not in the gate; please report it."""


@attrs.frozen
class CheckResult:
    """One check on one gate: status is passed, failed, xfail, xpass (a strict failure),
    skipped (not run: ``blocked_by`` failed first) or error (the suite's own)."""

    gate: str
    check: str
    status: str
    message: str = ""
    plugin: str = ""
    blocked_by: str = ""
    #: the tolerance the gate declares for this check, with its reason, if any
    tolerance: dict[str, Any] | None = attrs.field(default=None, hash=False)

    @property
    def ok(self) -> bool:
        """Not a failure of its own: passed, an expected failure, or not run."""
        return self.status in ("passed", "xfail", "skipped")

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Outcome:
    """How a check came out, kept per subject: passed, failed (``error``) or skipped."""

    status: str
    error: BaseException | None = None
    blocked_by: str = ""


@attrs.frozen
class Check:
    """One check of one gate, ready to run; calling it raises CheckFailure on failure."""

    name: str
    subject: Subject = attrs.field(repr=False)
    function: Callable[[Subject, str], None] = attrs.field(repr=False)
    xfail: str | None = None  # the declared reason, for an expected failure
    #: the checks that must pass first, run once per subject
    requires: tuple[Check, ...] = attrs.field(default=(), repr=False)
    #: how a check that is not run says so (pytest.skip under pytest); else CheckSkipped
    skip: Callable[[str], Any] | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def gate(self) -> str:
        return self.subject.name

    @property
    def id(self) -> str:
        """The pytest id: ``<gate>-<check>``."""
        return f"{self.gate}-{self.name}"

    def __call__(self) -> None:
        __tracebackhide__ = True  # pytest: the message says it all
        outcome = settle(self)
        if outcome.status == "skipped":
            message = self._not_run(outcome.blocked_by)
            if self.skip is not None:
                self.skip(message)
            raise CheckSkipped(message)
        error = outcome.error
        if error is None:
            return
        if isinstance(error, CheckFailure) and error.__cause__ is None:
            raise error.with_traceback(None) from None
        raise error.with_traceback(None) from error.__cause__

    def _not_run(self, blocker: str) -> str:
        return (f"gate {self.gate!r}: check {self.name!r} not run: it needs check "
                f"{blocker!r}, which failed (reported there)")

    def run(self) -> CheckResult:
        """Run into a record; an expected failure that passes is an 'xpass' (a failure)."""
        outcome = settle(self)
        declared = self.subject.declared_tolerance(self.name)
        plugin = self.subject.plugin

        def result(status: str, message: str = "", blocked: str = "") -> CheckResult:
            return CheckResult(self.gate, self.name, status, message, plugin, blocked,
                               declared)

        if outcome.status == "skipped":
            return result("skipped", self._not_run(outcome.blocked_by), outcome.blocked_by)
        if isinstance(outcome.error, SuiteError):
            return result("error", str(outcome.error))
        if outcome.error is not None:
            if self.xfail is None:
                return result("failed", str(outcome.error))
            return result("xfail", f"expected failure ({self.xfail}): {outcome.error}")
        if self.xfail is not None:
            return result("xpass", f"gate {self.gate!r}: check {self.name!r} was declared an "
                                   f"expected failure ({self.xfail}) but passed; remove it "
                                   f"from expected_failures")
        return result("passed")


def settle(check: Check) -> Outcome:
    """The outcome of a check on its subject: its requirements first, then itself, once."""
    s = check.subject
    known = s.outcomes.get(check.name)
    if known is not None:
        return known
    outcome = Outcome("passed")
    for need in check.requires:
        first = settle(need)
        if first.status != "passed":
            outcome = Outcome("skipped", blocked_by=first.blocked_by or need.name)
            break
    else:
        error = run(s, check.name, check.function)
        if error is not None:
            outcome = Outcome("failed", error)
    s.outcomes[check.name] = outcome
    return outcome


def run(s: Subject, name: str, function: Callable[[Subject, str], None]
        ) -> BaseException | None:
    """Run one check's function: None, its CheckFailure, or a SuiteError."""
    try:
        function(s, name)
    except CheckFailure as exc:
        return exc
    except (SamplingError, BadResult, DiffProblem) as exc:  # the gate's, by construction
        return s.failure(name, f"{_source(exc)}{exc}" + (f" ({s.last})" if s.last else ""))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit included: a gate must not end the run
        method = raised_by(exc, s.gate)
        if method is None:
            return _suite_error(s, name, exc)
        failure = s.failure(name, f"the gate's {method} raised {type(exc).__name__}: {exc}"
                            + (f" ({s.last})" if s.last else ""))
        failure.__cause__ = exc
        return failure
    return None


def _source(exc: BaseException) -> str:
    return "the gate's " if isinstance(exc, SamplingError) else "" \
        if isinstance(exc, BadResult) else "the gate "


def _suite_error(s: Subject, name: str, exc: BaseException) -> SuiteError:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()
    error = SuiteError(
        f"gate {s.name!r} ({s.kind}, {s.plugin}): check {name!r} could not be completed: "
        f"the contract suite's own code raised {type(exc).__name__}: {exc} -- an error in "
        f"the suite, not in the gate (please report it)" +
        (f"; the gate was last called with {s.last}" if s.last else "") +
        f"\n  reproduce: {s.reproduce(name)}\n" + _indent(text))
    error.__cause__ = exc
    return error


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def tolerance_note(result: CheckResult) -> str:
    """'gate 'x', check 'y': atol ..., rtol ... (reason)' for a declared tolerance."""
    if result.tolerance is None:
        return ""
    return f"gate {result.gate!r}, check {result.check!r}: " \
           f"{describe_tolerance(result.tolerance)}"
