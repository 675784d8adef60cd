"""Node names: what a network file cannot hold is refused where it is defined, by the one
rule (core.rules) the file parser uses too; automatic names are valid names."""
import re

import numpy as np
import pytest

from core import Graph, GraphError, netfile
from core.netfile import NetworkFileError
from core.rules import NODE_NAME_RULE
from gates.activations import Sigmoid
from tests.paths import SEED_TOML


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
    text = SEED_TOML.read_text().replace("[inputs]\n", '[inputs]\n"a b" = {}\n')
    with pytest.raises(NetworkFileError) as info:
        netfile.parse(text)
    assert NODE_NAME_RULE in str(info.value) and "'a b'" in str(info.value)


def test_good_names_still_work(registry):
    g = Graph(registry)
    g.input("_x1")
    g.param("W_2", 1.0)
    assert g.gate("mul", "_x1", "W_2") in g.nodes  # an automatic name is a valid one


class Dotted(Sigmoid):
    name = "my-pack.sig"


def test_an_automatic_name_is_valid_for_a_gate_type_named_with_dots_and_dashes(registry_with):
    g = Graph(registry_with(Dotted, name="my-pack"))
    g.input("X")
    name = g.gate("my-pack.sig", "X")
    assert name == "my_pack_sig1" and g.nodes[name].spec.name == "my-pack.sig"
    assert g.forward({"X": np.zeros(2)})[name].tolist() == [0.5, 0.5]
