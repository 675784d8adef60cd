"""The engine's state for one graph: its plans and compiled steps, in one object.

Every ``Executor`` of a graph shares that graph's ``GraphState``. The state is
made again, empty, when the graph has changed since it was made
(``Graph._version``, read here and nowhere else), so no cache outlives the
structure it was made for. States are kept beside the graphs, not in them
(a weak mapping): a graph carries no engine caches, and a graph nobody holds
takes its state with it. Callers hold the graph's lock (``Graph.lock``) while
they use its state; making a state holds a lock of the mapping's own, which
every graph shares.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.engine.plan import Plan, compile_plan, names_of
from core.engine.planned.compiled import StepCache

if TYPE_CHECKING:
    from core.graph.graph import Graph

MAX_PLANS = 64
_STATES: weakref.WeakKeyDictionary[Graph, GraphState] = weakref.WeakKeyDictionary()
_MAKING = threading.Lock()  # guards _STATES' writes, which threads of other graphs share


class GraphState:
    """Plans by (outputs, wrt, of), and the compiled steps, of one version of a graph."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.plans: dict[tuple, Plan] = {}
        self.steps = StepCache()

    def plan(self, graph: Graph, outputs: Iterable[str] | None = None,
             wrt: Iterable[str] | None = None, of: Iterable[str] | None = None) -> Plan:
        key = (names_of("outputs", outputs), names_of("wrt", wrt), names_of("of", of))
        plan = self.plans.get(key)
        if plan is None:
            if len(self.plans) >= MAX_PLANS:
                self.plans.clear()
            plan = self.plans[key] = compile_plan(graph, outputs, wrt, of)
        return plan


def state_of(graph: Graph) -> GraphState:
    """The engine's state for ``graph`` as it is now."""
    state = _STATES.get(graph)
    if state is None or state.version != graph._version:
        with _MAKING:
            state = _STATES.get(graph)
            if state is None or state.version != graph._version:
                state = _STATES[graph] = GraphState(graph._version)
    return state


def cache_of(graph: Graph) -> StepCache:
    """The compiled steps of ``graph`` as it is now."""
    return state_of(graph).steps

