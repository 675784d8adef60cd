"""Seeing a network: the backprop trace, its equations, pictures, progress and loss curves.

``backprop`` records one step gate by gate (``explain``); ``equations``
writes it as the seed's chain-rule equations; ``dot`` draws a graph as
Graphviz DOT in the seeds' colours; ``progress`` is the training progress
line and loss history, ``curve`` the loss curves in SVG and PNG (``pngfont``:
the PNG's pixel font).

May import: ``core.engine``, ``core.graph``, ``core.gate``, ``core.errors``.
"""
from core.views.backprop import Explanation, explain
from core.views.dot import GraphvizError, render, to_dot
from core.views.progress import Progress

__all__ = ["Explanation", "GraphvizError", "Progress", "explain", "render", "to_dot"]
