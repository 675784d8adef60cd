"""The gate contract: the three gate kinds, the one backward rule, and bottom_diff checks.

Holds ``Gate``, ``Operator``, ``Activation`` and ``Cost`` (``kinds``), each kind's
way of turning top_diff into bottom_diffs (``backward``: the one rule that the
reference path, the planned path, the contract suite and explain all call),
the checks a bottom_diff must pass and the undoing of broadcasting (``diffs``),
and ``elementwise()``, an activation from two functions (``define``).

May import: ``core.errors`` and ``core.rules`` only. See docs/design.md, "Layers".
"""
from core.gate.backward import RULES, BackwardRule, backward_reads, bottom_diffs
from core.gate.define import elementwise
from core.gate.diffs import DiffProblem, check_bottom_diff, reducible, unbroadcast
from core.gate.kinds import KIND_BASES, KINDS, Activation, Cost, Gate, Kind, Operator, kind_of

__all__ = ["KINDS", "KIND_BASES", "RULES", "Activation", "BackwardRule", "Cost", "DiffProblem",
           "Gate", "Kind", "Operator", "backward_reads", "bottom_diffs", "check_bottom_diff",
           "elementwise", "kind_of", "reducible", "unbroadcast"]
