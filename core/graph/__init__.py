"""Composing a network: the graph of nodes, its initialisers, ``mlp()`` and shape inference.

``graph`` holds ``Graph`` and ``Node`` (inputs, parameters and gates by
registered name, in topological order); ``init`` the parameter initialisers;
``compose`` ``mlp()``; ``shapes`` every node's shape found by a dummy forward
pass, with the batch dimension marked.

May import: ``core.engine`` (a graph runs on it), ``core.registry``,
``core.gate``, ``core.errors``, ``core.rules``.
"""
from core.graph.compose import mlp
from core.graph.graph import Graph, Node
from core.graph.init import INITIALISERS, initialise

__all__ = ["INITIALISERS", "Graph", "Node", "initialise", "mlp"]
