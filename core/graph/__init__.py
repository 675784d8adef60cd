"""Composing a network: the graph of nodes, its initialisers, ``mlp()`` and shape inference.

``graph`` holds ``Graph`` (inputs, parameters and gates by registered name);
``node`` its ``Node``; ``checks`` what ``Graph.input`` and ``Graph.param``
take; ``topology`` the topological order and the cycle that prevents one;
``params`` the parameter arrays the graph owns (writing copies into them,
``set_params``); ``pickling`` what a graph is through pickle (its
network, values and provenance); ``init`` the parameter initialisers;
``compose`` ``mlp()``; ``shapes`` every node's shape found by a dummy forward
pass, with the batch dimension marked.

May import: ``core.engine`` (a graph runs on it), ``core.registry``,
``core.gate``, ``core.limits``, ``core.errors``, ``core.rules``.
"""
from core.graph.compose import mlp
from core.graph.graph import Graph
from core.graph.init import INITIALISERS, initialise
from core.graph.node import Node

__all__ = ["INITIALISERS", "Graph", "Node", "initialise", "mlp"]
