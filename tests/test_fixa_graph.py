"""Graph errors name exactly what is at fault: a cycle as a path, a bad node name."""
import re
from pathlib import Path

import numpy as np
import pytest

from core import Graph, GraphError
from core import netfile
from core.netfile import NetworkFileError
from core.rules import NODE_NAME_RULE

SEED = Path(__file__).resolve().parent.parent / "examples" / "networks" / "seed.toml"


def test_a_cycle_is_reported_as_a_path_without_the_nodes_downstream(registry):
    g = Graph(registry)
    g.param("a", [1.0])
    g.gate("add", "a", "q", name="p")
    g.gate("sigmoid", "p", name="q")
    g.gate("sigmoid", "q", name="after")  # waits on the cycle, is not on it
    g.gate("sigmoid", "after", name="later")
    with pytest.raises(GraphError) as info:
        g.order()
    assert str(info.value).startswith("the graph has a cycle: p -> q -> p ")
    assert "after" not in str(info.value) and "later" not in str(info.value)


def test_the_cycle_found_is_a_real_one_each_node_feeding_the_next(registry):
    g = Graph(registry)
    g.input("X")
    g.gate("add", "X", "d", name="a")   # a reads d: the cycle is a -> b -> c -> d -> a
    g.gate("sigmoid", "a", name="b")
    g.gate("add", "b", "X", name="c")
    g.gate("sigmoid", "c", name="d")
    g.gate("add", "d", "b", name="e")   # downstream of two cycle nodes
    with pytest.raises(GraphError) as info:
        g.forward({"X": np.ones(2)})
    path = str(info.value).split(": ", 1)[1].split(" (")[0].split(" -> ")
    assert path == ["a", "b", "c", "d", "a"]
    for src, dst in zip(path, path[1:]):
        assert src in g.nodes[dst].inputs


def test_a_self_loop_and_a_long_cycle_need_no_recursion(registry):
    g = Graph(registry)
    g.gate("sigmoid", "s", name="s")
    with pytest.raises(GraphError, match=r"cycle: s -> s "):
        g.order()
    g = Graph(registry)
    n = 5000  # deeper than Python's recursion limit
    for k in range(n):
        g.gate("sigmoid", f"n{(k - 1) % n}", name=f"n{k}")
    with pytest.raises(GraphError) as info:
        g.order()
    path = str(info.value).split(": ", 1)[1].split(" (")[0].split(" -> ")
    assert len(path) == n + 1 and path[0] == path[-1] == "n0"


def test_the_seed_file_with_a_cycle_names_just_the_cycle():
    text = SEED.read_text().replace('inputs = ["XW1", "b1"]', 'inputs = ["XW1", "z3"]')
    with pytest.raises(NetworkFileError, match=r"cycle: \w+( -> \w+)+ ") as info:
        netfile.build(netfile.parse(text))
    path = str(info.value).split("cycle: ")[1].split(" (")[0].split(" -> ")
    assert path[0] == path[-1] and "J" not in path


@pytest.mark.parametrize("bad", ["a b", "1x", "x-y", "", "x\n", "ünï", "a.b"])
def test_names_a_network_file_cannot_hold_are_refused_at_definition(registry, bad):
    for define in (lambda g: g.input(bad), lambda g: g.param(bad, 1.0),
                   lambda g: g.gate("sigmoid", "X", name=bad)):
        g = Graph(registry)
        g.input("X")
        before = dict(g.nodes)
        with pytest.raises(GraphError, match=re.escape(repr(bad)) if bad else "non-empty") as info:
            define(g)
        if bad:
            assert NODE_NAME_RULE in str(info.value)
        assert g.nodes == before  # nothing was added


def test_a_non_string_name_is_refused(registry):
    g = Graph(registry)
    with pytest.raises(GraphError, match="non-empty strings, got 3"):
        g.input(3)


def test_the_file_parser_and_the_graph_share_one_rule():
    text = SEED.read_text().replace("[inputs]\n", '[inputs]\n"a b" = {}\n')
    with pytest.raises(NetworkFileError) as info:
        netfile.parse(text)
    assert NODE_NAME_RULE in str(info.value) and "'a b'" in str(info.value)


def test_good_names_still_work(registry):
    g = Graph(registry)
    g.input("_x1")
    g.param("W_2", 1.0)
    assert g.gate("mul", "_x1", "W_2") in g.nodes  # an automatic name is a valid one


def test_an_automatic_name_is_valid_for_a_gate_type_named_with_dots_and_dashes(registry):
    from core import hookimpl
    from gates.activations import Sigmoid

    class Dotted(Sigmoid):
        name = "my-pack.sig"

    class Pack:
        @hookimpl
        def register_gates(self, register):
            register(Dotted)

    registry.register(Pack(), name="my-pack")
    g = Graph(registry)
    g.input("X")
    name = g.gate("my-pack.sig", "X")
    assert name == "my_pack_sig1" and g.nodes[name].spec.name == "my-pack.sig"
    assert g.forward({"X": np.zeros(2)})[name].tolist() == [0.5, 0.5]
