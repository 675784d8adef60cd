"""Writing a graph as a network file (core.netfile.writer, tomltext): everything needed to
build it again, in valid TOML whatever the text holds, deterministic; a graph with names a
file cannot hold is refused before anything is written."""
import sys
from unittest import mock

import pytest

from core import Graph, GraphError, mlp, netfile
from core.netfile.tomltext import string
from tests.paths import SEED_TOML

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_dumps_then_parse_gives_the_same_graph():
    g = netfile.load(SEED_TOML)
    g.rates["W2"] = 0.25
    text = netfile.dumps(g, name="seed")
    h = netfile.build(netfile.parse(text, "again.toml"))
    assert [(n, x.op, x.inputs) for n, x in h.nodes.items()] == \
        [(n, x.op, x.inputs) for n, x in g.nodes.items()]
    assert h.rates == {"W2": 0.25} and h.inits["W1"]["init"] == "lecun"


def test_everything_needed_to_rebuild_is_written():
    g = mlp([2, 3, 1], "sigmoid", cost="mse", seed=11)
    g.description = ('Ünïcode ✓ and 🙂, "quotes", back\\slash, tab\there,\nnew line, '
                     'del\x7f nul\x00')
    text = netfile.dumps(g, name="net ✓")
    doc = tomllib.loads(text)  # valid TOML
    assert doc["network"]["description"] == g.description
    assert doc["network"]["name"] == "net ✓"
    back = netfile.build(netfile.parse(text))
    assert back.description == g.description and back.outputs == g.outputs == ["a3"]
    assert back.seed == 11 and back.dtype == g.dtype
    for name in g.params:  # same seed, same initialisers: the same parameters
        assert back.params[name].tobytes() == g.params[name].tobytes()
    assert netfile.dumps(back, name="net ✓") == text  # deterministic


def test_toml_strings_survive_every_character():
    chars = "".join(chr(c) for c in range(0, 0x250)) + "\u2028\ufeff🙂\U0010fffd"
    assert tomllib.loads(f"s = {string(chars)}")["s"] == chars


def test_a_graph_with_unwritable_names_is_refused_before_anything_is_written():
    g = Graph()
    with pytest.raises(GraphError, match="'x y' is not a valid node name"):
        g.input("x y")  # refused where it is defined (tests/graph/test_names.py)
    with mock.patch("core.graph.graph._check_name", lambda name: None):
        g.input("x y")  # a graph that holds one anyway is still refused by dumps
    g.param("w", 2.0)
    g.gate("mul", "x y", "w", name="m")
    with pytest.raises(GraphError, match="'x y' are not identifier-like"):
        netfile.dumps(g)
