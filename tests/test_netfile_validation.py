"""Network files: names, reserved keys, initialisers, outputs and text that round-trips."""
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from core import Graph, GraphError, mlp
from core import netfile
from core.netfile import NetworkFileError
from core.netfile.tomltext import string

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SEED = Path(__file__).resolve().parent.parent / "examples" / "networks" / "seed.toml"
BASE = """[inputs]
X = { shape = ["batch", 2] }
Y = { shape = ["batch", 1] }
[params]
W = { shape = [2, 1], init = "zeros" }
[gates]
p = { gate = "matmul", inputs = ["X", "W"] }
[cost]
J = { gate = "mse", inputs = ["p", "Y"] }
"""


def error_of(text):
    with pytest.raises(NetworkFileError) as info:
        netfile.build(netfile.parse(text, "net.toml"))
    return info.value


@pytest.mark.parametrize("old, new, key, line, message", [
    ('p = {', '"p q" = {', "gates.p q", 7, "not a valid node name"),
    ('W = {', '2W = {', "params.2W", 5, "not a valid node name"),
    ('p = { gate', 'Y = { gate', "gates.Y", 7, "declared twice: here and as inputs.Y"),
    ('init = "zeros"', 'init = "zero"', "params.W.init", 5,
     "unknown initialiser 'zero'; did you mean 'zeros'"),
    ('init = "zeros"', 'init = "zeros", value = [[1.0], [2.0]]', "params.W.init", 5,
     "a value or an init, not both"),
    ('inputs = ["X", "W"] }', 'inputs = ["X", "W"], attributes = { name = "q" } }',
     "gates.p.attributes", 7, "'name' is reserved"),
    ('[inputs]', '[network]\noutputs = ["pp"]\n[inputs]', "network.outputs", 2,
     "output 'pp' is not a declared node; did you mean 'p'"),
    ('[inputs]', '[network]\nseed = -1\n[inputs]', "network.seed", 2, "non-negative integer"),
    ('inputs = ["p", "Y"]', 'inputs = ["p", "Y", "X"]', "cost.J.inputs", 9,
     "takes 2 inputs, got 3"),
    ('shape = [2, 1], init', 'shape = 3, init', "params.W.shape", 5,
     "a shape is a list such as [2, 3], not 3"),
    ('shape = [2, 1], init', 'shape = ["batch", 1], init', "params.W.shape", 5,
     "dimensions are positive integers, not 'batch'"),
    ('X = { shape = ["batch", 2] }', 'X = { shape = ["batch", 2.5] }', "inputs.X.shape", 2,
     "positive integers or \"batch\", not 2.5"),
    ('W = { shape = [2, 1]', 'W = { shape = [3, 1]', "gates.p", 7,
     "'X' (input) with shape (7, 2), 'W' (param) with shape (3, 1)"),
])
def test_mistakes_name_the_key_and_line(old, new, key, line, message):
    assert old in BASE
    err = error_of(BASE.replace(old, new, 1))
    assert (err.key, err.line) == (key, line), str(err)
    assert message in str(err) and str(err).startswith(f"net.toml:{line}: {key}: ")


def test_duplicates_are_named_with_their_line():
    err = error_of(BASE + 'p = { gate = "add", inputs = ["X", "X"] }\n')
    assert (err.key, err.line) == ("cost.p", 10)
    assert "'p' is declared twice: here and as gates.p" in str(err)
    err = error_of(BASE.replace("[cost]", 'p = { gate = "add", inputs = ["X", "X"] }\n[cost]'))
    assert str(err).endswith(":8: node 'p' is declared twice in [gates] (first at line 7)")
    assert err.line == 8


def test_outputs_default_to_what_the_cost_reads_and_can_be_declared():
    assert netfile.build(netfile.parse(BASE)).outputs == ["p"]
    g = netfile.load(SEED)
    assert g.outputs == ["z3"] and g.description.startswith("the [2, 3, 1] network")
    pred = g.predict({"X": np.zeros((5, 2))})
    assert list(pred) == ["z3"] and pred["z3"].shape == (5, 1)


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
        g.input("x y")  # refused where it is defined (test_fixa_names)
    with mock.patch("core.graph.graph._check_name", lambda name: None):
        g.input("x y")  # a graph that holds one anyway is still refused by dumps
    g.param("w", 2.0)
    g.gate("mul", "x y", "w", name="m")
    with pytest.raises(GraphError, match="'x y' are not identifier-like"):
        netfile.dumps(g)


def test_a_file_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(BASE.encode("utf-8-sig"))
    assert netfile.build(netfile.read(path)).outputs == ["p"]
