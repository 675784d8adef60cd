"""The contract suite: one generator of checks, and ``check_gate`` to run it without pytest.

``iter_checks(gate)`` yields the checks that apply to a gate, chosen by its
declared kind and metadata; the pytest plugin (``core.pytest_plugin``) and
``gates check`` use the same generator, as scikit-learn's
``parametrize_with_checks`` and ``check_estimator`` share one. A gate may
declare ``expected_failures = {check name: reason}``: such a check is a strict
expected failure -- counted, never skipped, and an error when it passes.

The checks run root cause first: the metadata, then the fundamentals (one
bottom_diff per input with its shape and dtype, no mutation, no aliasing,
determinism, finite results), then the rest, each of which is reported as not run when a
check it depends on failed (``REQUIRES``; ``core.contract.running``).

    from core import check_gate
    results = check_gate("relu")            # or a gate instance, type or GateSpec
    assert all(r.ok for r in results), "\\n".join(r.message for r in results if not r.ok)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from core.contract import aliasing, fundamentals, gradients, kinds, meta, shapes, structure
from core.contract.running import STATUSES, Check, CheckResult, CheckSkipped, SuiteError
from core.contract.subject import CheckFailure, Subject, subject
from core.errors import ArgumentError

__all__ = ["ALL", "CHECK_NAMES", "STATUSES", "Check", "CheckFailure", "CheckResult",
           "CheckSkipped", "SuiteError", "check_gate", "iter_checks", "summary"]

#: every check, in the order they run: (name, applies to a subject, function)
ALL: list[tuple[str, Callable[[Subject], bool], Callable[[Subject, str], None]]] = [
    *meta.CHECKS, *fundamentals.FIRST, *aliasing.CHECKS, *fundamentals.THEN, *structure.CHECKS,
    *kinds.CHECKS, *gradients.CHECKS, *shapes.CHECKS]
CHECK_NAMES: tuple[str, ...] = tuple(name for name, _, _ in ALL)

#: what a check needs to run: the metadata it reads, then the fundamentals
NEEDS_META = ("kind_is_known", "kind_methods_defined", "arity_matches_forward",
              "declarations_are_valid")
FUNDAMENTALS = tuple(name for name, _, _ in
                     [*fundamentals.FIRST, *aliasing.CHECKS, *fundamentals.THEN])


def requires(name: str) -> tuple[str, ...]:
    """The checks that must pass before ``name`` can say anything."""
    if name in (n for n, _, _ in meta.CHECKS):
        return ()
    if name == "results_do_not_alias":  # a mutating gate fails it too
        return (*NEEDS_META, "inputs_not_modified")
    if name == "deterministic":  # so does an array reused between calls
        return (*NEEDS_META, "inputs_not_modified", "results_do_not_alias")
    if name == "results_are_finite":  # reads the bottom_diffs through the shape checker
        return (*NEEDS_META, "inputs_not_modified", "bottom_diffs_match_inputs")
    if name in FUNDAMENTALS:
        return NEEDS_META
    return (*NEEDS_META, *FUNDAMENTALS)


REQUIRES: dict[str, tuple[str, ...]] = {name: requires(name) for name in CHECK_NAMES}


def applicable(s: Subject) -> list[str]:
    """Names of the checks that apply to this gate."""
    return [name for name, applies, _ in ALL if _applies(applies, s)]


def _applies(applies: Callable[[Subject], bool], s: Subject) -> bool:
    try:
        return bool(applies(s))
    except Exception:
        return False


def _checks(gate: object, seed: int) -> dict[str, Check]:
    """Every applicable check of a gate, in order, each knowing the checks it requires."""
    s = gate if isinstance(gate, Subject) else subject(gate, seed)
    s = attrs.evolve(s, checks=CHECK_NAMES, applicable=tuple(applicable(s)), outcomes={})
    xfails = getattr(s.gate, "expected_failures", {})
    xfails = xfails if isinstance(xfails, dict) else {}
    made: dict[str, Check] = {}
    for name, _, function in ALL:
        if name in s.applicable:
            reason = xfails.get(name)
            made[name] = Check(name, s, function, None if reason is None else str(reason),
                               tuple(made[r] for r in REQUIRES[name] if r in made))
    return made


def iter_checks(gate: object, *, seed: int = 0, checks: Iterable[str] | None = None
                ) -> Iterator[Check]:
    """The checks that apply to ``gate`` (an instance, a Gate type, a GateSpec or a name)."""
    if isinstance(checks, str):
        raise ArgumentError(f"checks= is a list of check names, such as [{checks!r}], not "
                            f"the string {checks!r}")
    wanted = None if checks is None else list(checks)
    if wanted is not None:
        unknown = [str(c) for c in wanted if c not in CHECK_NAMES]
        if unknown:
            raise ArgumentError(f"unknown check(s) {', '.join(unknown)}; the checks are: "
                                f"{', '.join(CHECK_NAMES)}")
    for name, check in _checks(gate, seed).items():
        if wanted is None or name in wanted:
            yield check


def check_gate(gate: object, *, seed: int = 0, checks: Iterable[str] | None = None
               ) -> list[CheckResult]:
    """Run the contract suite on one gate without pytest: one record per check.

    A check not run because a check it needs failed is 'skipped'; when that check
    was not asked for (``checks``), its failure is added to the records, so that a
    subset never passes for a gate that fails at its root.
    """
    wanted = list(iter_checks(gate, seed=seed, checks=checks))
    results = [check.run() for check in wanted]
    have = {r.check for r in results}
    missing = {r.blocked_by for r in results if r.status == "skipped"} - have
    if missing:
        every = {c.name: c for need in wanted for c in _closure(need)}
        results += [every[name].run() for name in CHECK_NAMES if name in missing & set(every)]
    return results


def _closure(check: Check) -> Iterator[Check]:
    yield check
    for need in check.requires:
        yield from _closure(need)


def summary(results: Iterable[CheckResult]) -> dict[str, int]:
    """Counts per status; 'xpass' and 'error' count with the failures in ``failed_total``."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    counts["failed_total"] = counts["failed"] + counts["xpass"] + counts["error"]
    return counts
