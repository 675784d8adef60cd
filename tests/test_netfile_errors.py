"""Network files: the seed network as a file, and errors naming the line and key."""
from pathlib import Path

import numpy as np
import pytest

from core import mlp
from core import netfile
from core.netfile import NetworkFileError

SEED = Path(__file__).resolve().parent.parent / "examples" / "networks" / "seed.toml"
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def line_of(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_seed_file_builds_the_same_network_as_mlp():
    g = netfile.load(SEED)
    m = mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse", seed=0)
    assert [(n, node.op, node.inputs, node.what)
            for n, node in g.nodes.items()] == \
        [(n, m.nodes[n].op, m.nodes[n].inputs, m.nodes[n].what)
         for n in g.nodes]
    assert set(g.nodes) == set(m.nodes)
    assert {k: v.shape for k, v in g.params.items()} == \
        {"W1": (2, 3), "b1": (1, 3), "W2": (3, 1), "b2": (1, 1)}
    assert g.value_and_grad({"X": X, "Y": Y})[0] > 0


def test_dumps_then_parse_gives_the_same_graph():
    g = netfile.load(SEED)
    g.rates["W2"] = 0.25
    text = netfile.dumps(g, name="seed")
    h = netfile.build(netfile.parse(text, "again.toml"))
    assert [(n, x.op, x.inputs) for n, x in h.nodes.items()] == \
        [(n, x.op, x.inputs) for n, x in g.nodes.items()]
    assert h.rates == {"W2": 0.25} and h.inits["W1"]["init"] == "lecun"


def test_values_attributes_and_float32():
    text = """
[network]
dtype = "float32"
[inputs]
x = {}
[params]
t = { value = [4.0, 5.0], rate = 0.5 }
[gates]
p = { gate = "mul", inputs = ["x", "t"] }
"""
    g = netfile.build(netfile.parse(text))
    assert g.params["t"].dtype == np.float32 and g.rates == {"t": 0.5}
    np.testing.assert_array_equal(g.forward({"x": np.array([3.0, -2.0])})["p"], [12.0, -10.0])
    assert "t = { shape = [2], value = [4.0, 5.0], rate = 0.5 }" in netfile.dumps(g)


def broken(old, new):
    text = SEED.read_text()
    assert old in text
    return text.replace(old, new)


def test_unknown_gate_names_the_line_and_suggests():
    text = broken('gate = "sigmoid"', 'gate = "sigmiod"')
    with pytest.raises(NetworkFileError) as info:
        netfile.build(netfile.parse(text, "seed.toml"))
    err = info.value
    assert err.line == line_of(text, "sigmiod") and err.key == "gates.a2.gate"
    assert f"seed.toml:{err.line}: gates.a2.gate: no gate named 'sigmiod'" in str(err)
    assert "did you mean 'sigmoid'" in str(err)


def test_bad_wiring_names_the_line():
    text = broken('inputs = ["XW1", "b1"]', 'inputs = ["XW1", "bias1"]')
    with pytest.raises(NetworkFileError, match=r"gates\.z2\.inputs: input 2 of gate 'z2' is "
                                               r"'bias1', which is not declared") as info:
        netfile.parse(text, "seed.toml")
    assert info.value.line == line_of(text, "bias1")


def test_wrong_arity_and_cycle():
    text = broken('inputs = ["X", "W1"]', 'inputs = ["X"]')
    with pytest.raises(NetworkFileError, match="takes 2 inputs, got 1") as info:
        netfile.build(netfile.parse(text))
    assert info.value.line == line_of(text, 'XW1 = {') and info.value.key == "gates.XW1.inputs"
    text = broken('inputs = ["XW1", "b1"]', 'inputs = ["XW1", "z3"]')
    with pytest.raises(NetworkFileError, match="cycle: z2 -> a2 -> a2W2 -> z3 -> z2 ") as info:
        netfile.build(netfile.parse(text, "seed.toml"))
    # the line and key of the loop's first gate, as for every other wiring error
    assert info.value.line == line_of(text, 'z2 = {') and info.value.key == "gates.z2.inputs"


def test_shape_mismatch_names_the_gate_and_line():
    text = broken("W2 = { shape = [3, 1]", "W2 = { shape = [2, 1]")
    with pytest.raises(NetworkFileError, match=r"gates\.a2W2: shape mismatch.*'a2' \(sigmoid\) "
                                               r"with shape \(7, 3\), 'W2' \(param\) with shape "
                                               r"\(2, 1\)") as info:
        netfile.build(netfile.parse(text))
    assert info.value.line == line_of(text, "a2W2 = {")


def test_form_errors():
    cases = [
        ("[inputs]\nX = { shap = [2] }\n", "inputs.X.shap", "did you mean 'shape'", 2),
        ("[params]\nW = { shape = [2, 0] }\n", "params.W.shape", "positive integers", 2),
        ("[params]\nW = { init = \"zeros\" }\n", "params.W", "needs a shape", 2),
        ("[network]\ndtype = \"int8\"\n", "network.dtype", "float64", 2),
        ("[gatez]\n", "gatez", "did you mean 'gates'", 1),
        ("[gates]\na = { gate = 1 }\n", "gates.a", "registered gate name", 2),
        ("[inputs]\nx = {}\n[cost]\nJ = { gate = \"sigmoid\", inputs = [\"x\"] }\n",
         "cost.J.gate", "not a cost", 4),
    ]
    for text, key, message, line in cases:
        with pytest.raises(NetworkFileError, match=message) as info:
            netfile.build(netfile.parse(text))
        assert (info.value.key, info.value.line) == (key, line), text


def test_toml_syntax_error_has_a_line():
    with pytest.raises(NetworkFileError, match="not valid TOML") as info:
        netfile.parse("[network]\nname = \n", "x.toml")
    assert info.value.line == 2


def test_locate_handles_dotted_tables():
    text = "[gates.z2]\ngate = \"add\"\ninputs = [\"a\", \"b\"]\n"
    assert netfile.locate(text, ("gates", "z2", "inputs")) == 3
    assert netfile.locate(text, ("gates", "z2")) == 1
    spec = netfile.parse("[inputs]\na = {}\nb = {}\n" + text)
    assert spec.gates[0].inputs == ("a", "b")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NetworkFileError, match="cannot read the network file"):
        netfile.read(tmp_path / "nope.toml")
