"""The gate under test: an instance with its name, kind, provenance and seed,
and the failure a check raises, with a message that says what went wrong where
and how to reproduce it."""
from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from .contract import Gate, kind_of
from .registry import GateSpec


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
    spec = None
    if isinstance(gate, str):
        from .discovery import default_registry
        spec = default_registry().get(gate)
        instance = _build(spec.gate_type, f"gate {gate!r} ({spec.source})")
    elif isinstance(gate, GateSpec):
        spec, instance = gate, _build(gate.gate_type, f"gate {gate.name!r} ({gate.source})")
    elif isinstance(gate, type) and issubclass(gate, Gate):
        instance = _build(gate, f"gate type {gate.__qualname__}")
    elif isinstance(gate, Gate):
        instance = gate
    else:
        raise TypeError(f"check_gate takes a gate instance, a Gate subclass, a GateSpec "
                        f"or a registered gate name, got {gate!r}")
    cls = type(instance)
    if spec is None:
        spec = _registered(cls)
    try:
        kind = kind_of(cls)
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
    from .discovery import default_registry
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
    """Inputs that get a gradient: a cost's prediction only; every input otherwise."""
    return (0,) if s.kind == "cost" else tuple(range(s.gate.arity))


def forward(s: Subject, xs) -> np.ndarray:
    return np.asarray(s.gate.forward(*xs))


def raw_backward(s: Subject, xs, y, top_diff) -> Any:
    """What the gate returns for ``top_diff``, combined as the executor combines it."""
    g = s.gate
    if s.kind == "activation":
        return [top_diff * np.asarray(g.derivative(xs[0], y))]
    if s.kind == "cost":
        return [top_diff * np.asarray(g.gradient(xs[0], xs[1])), None]
    return g.local_gradient(top_diff, list(xs), y, [True] * len(xs))


def backward(s: Subject, check: str, xs, y, top_diff) -> list:
    """One bottom_diff per input (None where no gradient is due), shaped like the input.

    Raises a CheckFailure naming the input when the count or a shape is wrong.
    """
    from .samples import to_shape
    diffs = raw_backward(s, xs, y, top_diff)
    if diffs is None or len(diffs) != len(xs):
        got = "None" if diffs is None else f"{len(diffs)} arrays"
        raise s.failure(check, f"the local gradient returned {got}; expected one bottom_diff "
                        f"per input ({len(xs)}), for inputs shaped {shapes(xs)}")
    out = []
    for i, d in enumerate(diffs):
        if i not in wrt(s):
            out.append(None)
            continue
        if d is None:
            raise s.failure(check, f"no bottom_diff for input {i} (shape {xs[i].shape}), "
                            f"which needs one")
        shaped = to_shape(d, xs[i].shape)
        if shaped is None:
            raise s.failure(check, f"bottom_diff {i} has shape {np.shape(d)}; input {i} has "
                            f"shape {xs[i].shape} (inputs shaped {shapes(xs)})")
        out.append(shaped)
    return out


def shapes(xs) -> str:
    return ", ".join(str(tuple(np.shape(x))) for x in xs)
