"""Running a graph: forward in topological order, backward by the chain rule, training.

``executor`` is the facade (``Executor``) over two peers that compute the same
step: the reference path (``reference``: gate by gate, every check, the trace
hook that explain uses) and the planned path (``planned/``: a step compiled
once per input shapes into straight-line code with preallocated buffers).
``state`` holds the one object per graph that owns their caches; ``plan`` the
order and gradient needs of a kind of step; ``feeds`` what goes into a step;
``training`` ``train()``, ``SGD`` and ``History``.

May import: ``core.gate``, ``core.errors``, ``core.rules``. It reads a graph
through its attributes and never imports ``core.graph`` at run time (only for
type checking), so that ``Graph``'s run methods can call it.
"""
from core.engine.executor import MODES, Executor
from core.engine.feeds import FeedError
from core.engine.plan import Plan
from core.engine.training import SGD, History, train

__all__ = ["MODES", "SGD", "Executor", "FeedError", "History", "Plan", "train"]
