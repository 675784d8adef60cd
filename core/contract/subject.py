"""The gate under test: an instance with its name, kind, provenance and seed,
and the failure a check raises, with a message that says what went wrong where
and how to reproduce it.

The helpers the checks call the gate through (``forward``, ``backward``,
``raw_backward``) note which inputs it was given last, so that an exception the
gate raises is reported with them; ``raised_by`` tells an exception the gate's
code raised from one raised by the suite's own code.
"""
from __future__ import annotations

import inspect
from collections.abc import Sequence
from types import CodeType
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


class BadResult(Exception):
    """The gate returned something the suite cannot use as an array of numbers."""


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
    #: what each check that ran gave, by name (``core.contract.running``), and the inputs
    #: the gate was last called with, for the message of an exception it raises
    outcomes: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    noted: tuple[Any, ...] = attrs.field(default=(), eq=False, repr=False)

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
        declared = self.declared_tolerance(check)
        if declared is not None:
            lines.append(f"  with the tolerance the gate declares for it: "
                         f"{describe_tolerance(declared)}")
        lines.append(f"  reproduce: {self.reproduce(check)}")
        return CheckFailure("\n".join(lines))

    def declared_tolerance(self, check: str) -> dict[str, Any] | None:
        """What the gate declares in ``tolerances`` for this check, if anything."""
        declared = getattr(self.gate, "tolerances", None)
        found = declared.get(check) if isinstance(declared, dict) else None
        return found if isinstance(found, dict) else None

    def tolerance(self, check: str, default: tuple[float, float]) -> tuple[float, float]:
        """(atol, rtol) for a check: the suite's ``default``, or what the gate declares."""
        declared = self.declared_tolerance(check) or {}
        return (float(declared.get("atol", default[0])), float(declared.get("rtol", default[1])))

    def note(self, xs: Sequence[Any]) -> None:
        """Remember the inputs the gate is about to be called with (cheaply: every call)."""
        self.noted = tuple(xs)

    @property
    def last(self) -> str:
        """'inputs shaped (4, 5), (4, 5), float64': what the gate was last called with."""
        if not self.noted:
            return ""
        dtypes = sorted({str(np.asarray(x).dtype) for x in self.noted if x is not None})
        return f"inputs shaped {shapes(self.noted)}, {', '.join(dtypes)}"


def describe_tolerance(declared: dict[str, Any]) -> str:
    """'atol 1e-06, rtol 0.001 (reason)' for a declared tolerance."""
    parts = [f"{k} {declared[k]:g}" for k in ("atol", "rtol")
             if isinstance(declared.get(k), (int, float))]
    return f"{', '.join(parts)} ({declared.get('reason', '')})"


def raised_by(exc: BaseException, gate: Gate) -> str | None:
    """The name of the gate's method an exception came from, or None when the traceback
    never passes through the gate's code (the suite's own error)."""
    codes = _gate_code(type(gate))
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code in codes:
            return tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return None


def _gate_code(cls: type) -> dict[CodeType, str]:
    """The code objects of every function a gate class (and its bases) defines."""
    found: dict[CodeType, str] = {}
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, attr in vars(klass).items():
            func = getattr(attr, "__func__", attr)
            if callable(func):
                try:
                    func = inspect.unwrap(func)
                except ValueError:
                    pass
                code = getattr(func, "__code__", None)
                if isinstance(code, CodeType):
                    found[code] = name
    return found


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
    except (Exception, SystemExit) as exc:
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
    """The gate's forward output as an array of numbers (BadResult if it is not one)."""
    s.note(xs)
    return numbers(s.gate.forward(*xs), "forward output")


def numbers(value: Any, what: str) -> np.ndarray:
    """``value`` as an array of real numbers, or BadResult saying the gate's ``what`` is not
    one (``what``: "forward output", "bottom_diff 0", ...)."""
    try:
        a = np.asarray(value)
    except Exception as exc:
        raise BadResult(f"the gate's {what} is a {type(value).__name__}, not an array of "
                        f"numbers ({type(exc).__name__}: {exc})") from None
    if a.dtype.kind not in "fiub":
        raise BadResult(f"the gate's {what} is a {type(value).__name__} of dtype {a.dtype}, "
                        f"not an array of real numbers")
    return a


def raw_backward(s: Subject, xs: Sequence[np.ndarray], y: np.ndarray, top_diff: np.ndarray,
                 reads: Sequence[str] = READS,
                 needs: Sequence[bool] | None = None) -> Sequence[Any] | None:
    """What the gate's kind rule gives for ``top_diff`` (``core.gate.backward``), as the
    executor gets it; handed every value unless ``reads`` says otherwise."""
    s.note(xs)
    needs = [True] * len(xs) if needs is None else list(needs)
    return bottom_diffs(s.gate, s.known, top_diff, xs, y, needs, reads)[1]


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
            out[i] = check_bottom_diff(numbers(diffs[i], f"bottom_diff {i}")
                                       if diffs[i] is not None else None, xs[i], i,
                                       forward=forward)
    except DiffProblem as exc:
        raise s.failure(check, f"the gate {exc} (inputs shaped {shapes(xs)})") from None
    return out


def shapes(xs: Sequence[Any]) -> str:
    return ", ".join(str(tuple(np.shape(x))) for x in xs)


def finite_problem(what: str, v: Any, xs: Sequence[np.ndarray]) -> str | None:
    """'forward is nan at element (2,) ...' for the first element that is not finite."""
    a = np.asarray(v, dtype=np.float64)
    bad = ~np.isfinite(a)
    if not bad.any():
        return None
    at = tuple(int(k) for k in np.argwhere(bad)[0]) if a.ndim else ()
    inputs = [float(np.asarray(x)[at]) for x in xs if np.shape(x) == a.shape]
    given = f" where the input is {', '.join(f'{v:.10g}' for v in inputs)}" if inputs else ""
    return f"{what} is {a[at]} at element {at}{given}"

