"""Metadata checks: what a gate declares about itself must be true.

A valid name, a known kind matching the base class, a docstring, an arity that
matches ``forward``'s signature, the kind's methods defined, and well-formed
declarations (kinks, dtypes, supports_out, backward_reads, expected_failures,
domain, tolerances).
"""
from __future__ import annotations

import inspect
import math
from typing import Any

from core.contract.samples import SamplingError, domains
from core.contract.subject import Subject
from core.gate.kinds import KIND_BASES, READS, Gate, kind_of
from core.rules import gate_name_problem

KNOWN_DTYPES = ("float64", "float32", "float16")
METHODS = {"operator": "local_gradient", "activation": "derivative", "cost": "gradient"}


def name_is_valid(s: Subject, check: str) -> None:
    """The name is a non-empty identifier-like string (letters, digits, _ . -)."""
    name = getattr(type(s.gate), "name", "")
    problem = gate_name_problem(name)
    if problem:
        raise s.failure(check, problem)


def kind_is_known(s: Subject, check: str) -> None:
    """The declared kind is one of operator, activation, cost, and matches the base class."""
    try:
        kind_of(type(s.gate))
    except TypeError as exc:
        raise s.failure(check, str(exc)) from None


def has_docstring(s: Subject, check: str) -> None:
    """The gate type has its own docstring (`gates list` shows its first line)."""
    if not (type(s.gate).__doc__ or "").strip():
        raise s.failure(check, f"{type(s.gate).__qualname__} has no docstring; write one line "
                        f"saying what the gate computes")


def arity_matches_forward(s: Subject, check: str) -> None:
    """``forward`` takes exactly ``arity`` positional inputs (``out=`` aside)."""
    arity = getattr(s.gate, "arity", None)
    params = [p for p in inspect.signature(s.gate.forward).parameters.values()
              if p.name != "out"]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if not len(required) <= arity <= len(positional):  # type: ignore[operator]
        raise s.failure(check, f"arity is {arity} but forward{inspect.signature(s.gate.forward)}"
                        f" takes {len(required)} input(s)")


def kind_methods_defined(s: Subject, check: str) -> None:
    """The gate overrides forward and its kind's backward method."""
    cls = type(s.gate)
    for method in ("forward", METHODS[s.kind]):
        if getattr(cls, method) is getattr(KIND_BASES[s.known], method, None) or \
                getattr(cls, method) is getattr(Gate, method, None):
            raise s.failure(check, f"{cls.__qualname__} does not define {method}(), which "
                            f"a{'n' if s.kind[0] in 'ao' else ''} {s.kind} must")


def declarations_are_valid(s: Subject, check: str) -> None:
    """kinks are finite numbers, dtypes known, supports_out a bool, backward_reads names
    'inputs'/'output', expected_failures name checks."""
    g = s.gate
    kinks = getattr(g, "kinks", ())
    if not isinstance(kinks, tuple) or not all(isinstance(k, (int, float)) and math.isfinite(k)
                                               for k in kinks):
        raise s.failure(check, f"kinks must be a tuple of finite numbers, got {kinks!r}")
    dtypes = getattr(g, "dtypes", ())
    unknown = [d for d in dtypes if d not in KNOWN_DTYPES]
    if not dtypes or unknown:
        raise s.failure(check, f"dtypes must name some of {', '.join(KNOWN_DTYPES)}, "
                        f"got {dtypes!r}")
    if not isinstance(getattr(g, "supports_out", False), bool):
        raise s.failure(check, f"supports_out must be True or False, got {g.supports_out!r}")
    reads = getattr(g, "backward_reads", READS)
    if not isinstance(reads, tuple) or not set(reads) <= set(READS):
        raise s.failure(check, f"backward_reads must be a tuple of 'inputs' and/or 'output', "
                        f"got {reads!r}")
    xfails = getattr(g, "expected_failures", {})
    if not isinstance(xfails, dict) or not all(isinstance(v, str) and v.strip()
                                               for v in xfails.values()):
        raise s.failure(check, "expected_failures must map check names to reasons (non-empty "
                        f"strings), got {xfails!r}")
    stray = sorted(set(xfails) - set(s.checks))
    if stray:
        raise s.failure(check, f"expected_failures names unknown check(s) {', '.join(stray)}; "
                        f"the checks are: {', '.join(s.checks)}")
    idle = sorted(set(xfails) - set(s.applicable))
    if idle:
        raise s.failure(check, f"expected_failures names check(s) {', '.join(idle)} that do "
                        f"not apply to this gate, so they would never run")
    try:
        domains(g)
    except (SamplingError, TypeError) as exc:
        raise s.failure(check, str(exc)) from None
    problem = tolerance_problem(getattr(g, "tolerances", {}), s.applicable)
    if problem:
        raise s.failure(check, problem)


#: the checks that compare numbers with a tolerance, which a gate may declare its own for
TOLERANT = ("gradient_matches_finite_differences", "gradient_random_projection",
            "gradient_at_kinks", "broadcasting", "edge_shapes", "float32_matches_float64")
#: the loosest tolerance a gate may declare: beyond it, declare an expected failure
LOOSEST = 1e-2


def tolerance_problem(declared: Any, applicable: tuple[str, ...]) -> str:
    """What is wrong with a ``tolerances`` declaration, or ''."""
    if not isinstance(declared, dict):
        return f"tolerances must map check names to {{'atol', 'rtol', 'reason'}}, got " \
               f"{declared!r}"
    for name, value in declared.items():
        if name not in TOLERANT or name not in applicable:
            return (f"tolerances names {name!r}, which is not a check of this gate that "
                    f"compares numbers; those are: "
                    f"{', '.join(c for c in TOLERANT if c in applicable)}")
        if not isinstance(value, dict) or set(value) - {"atol", "rtol", "reason"} or \
                not {"atol", "rtol"} & set(value):
            return (f"tolerances[{name!r}] must be a dict with 'atol' and/or 'rtol' and a "
                    f"'reason', got {value!r}")
        reason = value.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            return f"tolerances[{name!r}] needs a 'reason' (a non-empty string)"
        for key in ("atol", "rtol"):
            v = value.get(key, 0.0)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or \
                    not 0 <= v <= LOOSEST:
                return (f"tolerances[{name!r}][{key!r}] must be a number from 0 to "
                        f"{LOOSEST:g}, got {v!r}; a gate that is further off declares an "
                        f"expected failure instead")
    return ""


def _known(s: Subject) -> bool:
    return s.kind in METHODS


CHECKS = [
    ("name_is_valid", lambda s: True, name_is_valid),
    ("kind_is_known", lambda s: True, kind_is_known),
    ("has_docstring", lambda s: True, has_docstring),
    ("arity_matches_forward", lambda s: True, arity_matches_forward),
    ("kind_methods_defined", _known, kind_methods_defined),
    ("declarations_are_valid", lambda s: True, declarations_are_valid),
]
