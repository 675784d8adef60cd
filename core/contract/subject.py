"""The gate under test: an instance with its name, kind, provenance and seed,
and the failure a check raises, with a message that says what went wrong where
and how to reproduce it."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from core.errors import ArgumentError
from core.gate.backward import READS, RULES, bottom_diffs
from core.gate.diffs import DiffProblem, check_bottom_diff, check_count
from core.gate.kinds import Gate, Kind, kind_of
from core.registry.manager import GateSpec
from core.rules import seed_problem


class CheckFailure(AssertionError):
    """A contract check failed; the message is complete and ready to print."""


@attrs.define
class Subject:
    """One gate as the contract suite sees it."""

    gate: Gate
    name: str
    kind: str
    plugin: str  # 'plugin ... (distribution version)', or '(local)'
    by_name: bool  # the default registry builds this same gate from its name
    seed: int = 0
    #: every check of the suite, and those that apply to this gate (the suite fills them in)
    checks: tuple[str, ...] = ()
    applicable: tuple[str, ...] = ()

    @property
    def known(self) -> Kind:
        """The gate's kind, for the checks that run only on a known kind."""
        if self.kind not in RULES:
            raise TypeError(f"gate {self.name!r} has no known kind ({self.kind!r})")
        return self.kind

    def rng(self, salt: str) -> np.random.Generator:
        """A generator for one check, fixed by the seed and the check's name."""
        return np.random.default_rng([self.seed, *salt.encode()])

    def reproduce(self, check: str) -> str:
        """One command that runs this check again and fails the same way (exit status 1)."""
        if self.by_name:
            return f"gates check {self.name} --check {check} --seed {self.seed}"
        cls = type(self.gate)
        made = f"{cls.__qualname__}()" if _is_default(self.gate) else repr(self.gate)
        run = f"iter_checks({made}, checks=['{check}'], seed={self.seed})"
        if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
            return (f"core.iter_checks(gate, checks=['{check}'], seed={self.seed}), each check "
                    f"called (define {cls.__qualname__} at module level for a one-line command)")
        return (f"python -c \"from {cls.__module__} import {cls.__qualname__.split('.')[0]}; "
                f"from core import iter_checks; [c() for c in {run}]\"")

    def failure(self, check: str, *details: str) -> CheckFailure:
        lines = [f"gate {self.name!r} ({self.kind}, {self.plugin}): check {check!r} failed, "
                 f"seed {self.seed}"]
        lines += ["  " + d for d in details]
        lines.append(f"  reproduce: {self.reproduce(check)}")
        return CheckFailure("\n".join(lines))


def subject(gate: Any, seed: int = 0) -> Subject:
    """A Subject from a gate instance, a gate type, a GateSpec or a registered name."""
    if seed_problem(seed):  # before any check runs: a bad seed is not the gate's failure
        raise ArgumentError(f"check_gate: {seed_problem(seed)}")
    spec = None
    if isinstance(gate, str):
        from core.registry.discovery import default_registry
        spec = default_registry().get(gate)
        instance = _build(spec.gate_type, f"gate {gate!r} ({spec.source})")
    elif isinstance(gate, GateSpec):
        spec, instance = gate, _build(gate.gate_type, f"gate {gate.name!r} ({gate.source})")
    elif isinstance(gate, type) and issubclass(gate, Gate):
        instance = _build(gate, f"gate type {gate.__qualname__}")
    elif isinstance(gate, Gate):
        instance = gate
    else:
        raise ArgumentError(f"check_gate takes a gate instance, a Gate subclass, a GateSpec "
                        f"or a registered gate name, got {gate!r}")
    cls = type(instance)
    if spec is None:
        spec = _registered(cls)
    try:
        kind: str = kind_of(cls)
    except TypeError:
        kind = str(getattr(cls, "kind", "")) or "?"
    by_name = spec is not None and spec.gate_type is cls and _is_default(instance)
    plugin = spec.source if spec is not None and spec.gate_type is cls else "plugin (local)"
    return Subject(instance, str(getattr(cls, "name", "") or cls.__name__), kind, plugin,
                   by_name, seed)


def _build(gate_type: type, what: str) -> Gate:
    """An instance with default attributes, or a TypeError saying to pass one."""
    try:
        return gate_type()
    except Exception as exc:
        raise TypeError(f"{what} cannot be built without attributes ({type(exc).__name__}: "
                        f"{exc}); check an instance instead, e.g. "
                        f"check_gate({gate_type.__qualname__}(...))") from exc


def _registered(cls: type) -> GateSpec | None:
    """The default registry's spec for this type, if it registered it (no error if not)."""
    from core.registry.discovery import default_registry
    try:
        spec = default_registry().get(getattr(cls, "name", ""))
    except Exception:
        return None
    return spec if spec.gate_type is cls else None


def _is_default(instance: Gate) -> bool:
    """True when ``type(instance)()`` would build an equal gate (its default attributes)."""
    if not attrs.has(type(instance)):
        return True
    try:
        return type(instance)() == instance
    except Exception:
        return False


def wrt(s: Subject) -> tuple[int, ...]:
    """Inputs that get a gradient by the kind's rule: all but a cost's target."""
    rule = RULES[s.known]
    return tuple(i for i in range(s.gate.arity) if rule.gets_gradient(i))


def forward(s: Subject, xs: Sequence[np.ndarray]) -> np.ndarray:
    return np.asarray(s.gate.forward(*xs))


def raw_backward(s: Subject, xs: Sequence[np.ndarray], y: np.ndarray, top_diff: np.ndarray,
                 reads: Sequence[str] = READS) -> Sequence[Any] | None:
    """What the gate's kind rule gives for ``top_diff`` (``core.gate.backward``), as the
    executor gets it; handed every value unless ``reads`` says otherwise."""
    return bottom_diffs(s.gate, s.known, top_diff, xs, y, [True] * len(xs), reads)[1]


def backward(s: Subject, check: str, xs: Sequence[np.ndarray], y: np.ndarray,
             top_diff: np.ndarray) -> dict[int, np.ndarray]:
    """{input: its bottom_diff} for every input that gets one, shaped like the input.

    Checked by the executor's own checker (``core.gate.diffs``): a CheckFailure
    names the input when the count or a shape is wrong.
    """
    out: dict[int, np.ndarray] = {}
    try:
        diffs = check_count(raw_backward(s, xs, y, top_diff), xs)
        forward = [*(np.shape(x) for x in xs), np.shape(y)]  # the broadcasts it made
        for i in wrt(s):
            out[i] = check_bottom_diff(diffs[i], xs[i], i, forward=forward)
    except DiffProblem as exc:
        raise s.failure(check, f"the gate {exc} (inputs shaped {shapes(xs)})") from None
    return out


def shapes(xs: Sequence[Any]) -> str:
    return ", ".join(str(tuple(np.shape(x))) for x in xs)
