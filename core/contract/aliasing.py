"""The fundamental ``results_do_not_alias``: what the gate returns is its own.

The forward output shares no memory with an input; a bottom_diff shares none
with an input, the output, top_diff or another bottom_diff -- except top_diff
itself handed on whole, the distributor's (add's local gradient is 1: the
executor never writes into a bottom_diff, and copies one before it hands it
out twice); and no result changes when the gate is called again on other
inputs (an array reused between calls). Checked on every set of inputs the
suite uses (``fundamentals.every_draw``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from core.contract.fundamentals import every_draw, first_change, forward_or_none, top_for
from core.contract.subject import Subject, raw_backward, shapes
from core.gate.kinds import KINDS


def results_do_not_alias(s: Subject, check: str) -> None:
    """Returned arrays share no memory with the inputs, top_diff or one another (a
    distributor may hand top_diff itself on), and do not change on the next call."""
    rng = s.rng(f"{check} top")
    for what, xs, refusable in every_draw(s, check):
        y = forward_or_none(s, xs, refusable)
        if y is None:
            continue
        where = f"(inputs shaped {shapes(xs)}, {what})"
        for i, x in enumerate(xs):
            if np.shares_memory(y, x):
                raise s.failure(check, f"the forward output shares memory with input {i} "
                                f"(it is that array or a view of it) {where}; return a new "
                                f"array: the caller may change either")
        top = top_for(y, rng)
        diffs = _raw_diffs(s, xs, np.asarray(y), top, refusable)
        _own_diffs(s, check, diffs, xs, y, top, where)
        again = [np.flip(x).copy() for x in xs]  # other values, same shapes and domain
        first, kept = np.asarray(y), np.array(y, copy=True)
        y2 = forward_or_none(s, again, refusable)
        if y2 is not None and not np.array_equal(first, kept, equal_nan=True):
            raise s.failure(check, f"the forward output changed when forward was called "
                            f"again on other inputs: element {first_change(kept, first)} "
                            f"{where}; it reuses an array between calls, return a new one")
        if s.kind == "operator" and y2 is not None:
            kept_diffs = [None if d is None else np.array(d, copy=True) for d in diffs]
            _raw_diffs(s, again, np.asarray(y2), top_for(y2, rng), refusable)
            for i, (d, k) in enumerate(zip(diffs, kept_diffs)):
                if d is not None and k is not None and not np.array_equal(d, k,
                                                                          equal_nan=True):
                    raise s.failure(check, f"bottom_diff {i} changed when local_gradient was "
                                    f"called again on other inputs: element "
                                    f"{first_change(k, d)} {where}; it reuses an array "
                                    f"between calls, return a new one")


def _raw_diffs(s: Subject, xs: list[np.ndarray], y: np.ndarray, top: np.ndarray,
               refusable: bool) -> list[Any]:
    """An operator's bottom_diffs as it returned them ([] for the other kinds, whose
    bottom_diffs the rule computes afresh)."""
    if s.kind != "operator":
        return []
    try:
        return list(raw_backward(s, xs, y, top) or ())
    except Exception:
        if refusable:
            return []
        raise


def _own_diffs(s: Subject, check: str, diffs: list[Any], xs: list[np.ndarray], y: Any,
               top: np.ndarray, where: str) -> None:
    others = [(f"input {j}", x) for j, x in enumerate(xs)] + [("the forward output", y)]
    for i, d in enumerate(diffs):
        if d is None or d is top:  # top_diff handed on whole: the distributor
            continue
        found = [name for name, a in others + [("top_diff", top)] if np.shares_memory(d, a)]
        found += [f"bottom_diff {k}" for k, e in enumerate(diffs)
                  if k != i and e is not None and e is not top and np.shares_memory(d, e)]
        if found:
            raise s.failure(check, f"bottom_diff {i} shares memory with {found[0]} {where}; "
                            f"return a new array (or top_diff itself, unchanged, where the "
                            f"local gradient is 1)")


def _known(s: Subject) -> bool:
    return s.kind in KINDS


CHECKS = [("results_do_not_alias", _known, results_do_not_alias)]
