"""The one backward rule: how each gate kind turns top_diff into bottom_diffs.

    bottom_diff = top_diff x local_diff          (docs/design.md, "The backward rule")

* an ``Activation``'s local_diff is ``derivative(x, y)``, elementwise: the rule
  multiplies it by top_diff;
* a ``Cost``'s local_diff is ``gradient(prediction, target)``, dJ/dprediction:
  the rule multiplies it by top_diff (1 at a cost the step differentiates);
  the target gets no gradient;
* an ``Operator`` applies its local gradient to top_diff itself
  (``local_gradient(top_diff, inputs, output, needs)``, a vector-Jacobian
  product) and returns one bottom_diff per input.

``RULES`` says this as data, once. ``bottom_diffs`` applies it; the reference
path, the contract suite and explain call it, and the planned path's tracer
reads the same rule (``local_args``, ``scales``) to write its straight-line
code. A gate's ``backward_reads`` says which forward values its backward
reads; ``passed`` hands None for the others (the planned path frees them early).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from core.gate.kinds import READS, Gate, Kind


@attrs.frozen
class BackwardRule:
    """One kind's backward: which method gives the local diff, and how it is applied."""

    kind: Kind
    method: str  # the gate's local-gradient method
    scales: bool  # True: the rule multiplies top_diff by the method's local_diff
    target_free: bool = False  # True: the second input (a cost's target) gets no gradient

    def local_args(self, inputs: Sequence[Any], output: Any) -> tuple[Any, ...]:
        """The arguments of ``method`` (after top_diff, for an operator)."""
        return _ARGS[self.kind](inputs, output)

    def gets_gradient(self, index: int) -> bool:
        """True when input ``index`` receives a bottom_diff from this kind."""
        return not (self.target_free and index == 1)


#: each kind's local-gradient arguments, from the forward's inputs and output
_ARGS: dict[Kind, Callable[[Sequence[Any], Any], tuple[Any, ...]]] = {
    "activation": lambda xs, y: (xs[0], y),  # derivative(x, y)
    "cost": lambda xs, y: (xs[0], xs[1]),  # gradient(prediction, target)
    "operator": lambda xs, y: (list(xs), y),  # local_gradient(top_diff, inputs, output, ...)
}

RULES: dict[Kind, BackwardRule] = {
    "activation": BackwardRule("activation", "derivative", scales=True),
    "cost": BackwardRule("cost", "gradient", scales=True, target_free=True),
    "operator": BackwardRule("operator", "local_gradient", scales=False),
}


def backward_reads(gate: Gate) -> tuple[str, ...]:
    """What a gate's backward reads: its ``backward_reads`` declaration (default both)."""
    return tuple(gate.backward_reads)


def passed(gate: Gate, inputs: Sequence[Any], output: Any,
           reads: Sequence[str] | None = None) -> tuple[list[Any], Any]:
    """(inputs, output) as the backward receives them: None for what it does not read.

    ``reads`` defaults to the gate's ``backward_reads``; ``READS`` passes everything.
    """
    reads = backward_reads(gate) if reads is None else reads
    xs = list(inputs) if "inputs" in reads else [None] * len(inputs)
    return xs, (output if "output" in reads else None)


def local_diff(gate: Gate, kind: Kind, inputs: Sequence[Any], output: Any,
               out: np.ndarray | None = None) -> Any:
    """An activation's derivative or a cost's gradient: what the rule multiplies top_diff by."""
    rule = RULES[kind]
    method = getattr(gate, rule.method)
    args = rule.local_args(inputs, output)
    return method(*args) if out is None else method(*args, out=out)


def bottom_diffs(gate: Gate, kind: Kind, top_diff: Any, inputs: Sequence[Any], output: Any,
                 needs: Sequence[bool], reads: Sequence[str] = READS
                 ) -> tuple[Any, Sequence[Any] | None]:
    """(local_diff, bottom_diffs) of one gate: bottom_diff = top_diff x local_diff.

    local_diff is None for an operator, which applies its local gradient to
    top_diff itself. The gate is handed every value, or None for what ``reads``
    leaves out (``backward_reads(gate)``: what the planned path hands it). The
    bottom_diffs are as the gate made them: count, shape and dtype are checked
    by ``core.gate.diffs``.
    """
    rule = RULES[kind]
    xs, y = (inputs, output) if reads is READS else passed(gate, inputs, output, reads)
    method = getattr(gate, rule.method)
    if not rule.scales:
        return None, method(top_diff, list(xs), y, list(needs))
    local = method(*_ARGS[kind](xs, y))
    diffs: list[Any] = [None] * len(inputs)
    diffs[0] = top_diff * local
    return local, diffs
