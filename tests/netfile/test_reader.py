"""Network files that are right are read and built as written: the seed file is the
network mlp composes; values, attributes, dtype, rates, outputs, dotted tables and a
byte-order mark."""
import numpy as np

from core import mlp, netfile
from tests.netfile.texts import LINEAR, TWO_GATES
from tests.paths import SEED_TOML


def test_seed_file_builds_the_same_network_as_mlp(xor):
    g = netfile.load(SEED_TOML)
    m = mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse", seed=0)
    assert [(n, node.op, node.inputs, node.what)
            for n, node in g.nodes.items()] == \
        [(n, m.nodes[n].op, m.nodes[n].inputs, m.nodes[n].what)
         for n in g.nodes]
    assert set(g.nodes) == set(m.nodes)
    assert {k: v.shape for k, v in g.params.items()} == \
        {"W1": (2, 3), "b1": (1, 3), "W2": (3, 1), "b2": (1, 1)}
    assert g.value_and_grad(xor)[0] > 0


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


def test_a_good_rate_is_kept():
    for rate in ("0", "0.25", "2"):
        text = TWO_GATES.replace("w = { value = [1.0] }",
                                 f"w = {{ value = [1.0], rate = {rate} }}")
        g = netfile.build(netfile.parse(text))
        assert g.rates == {"w": float(rate)}


def test_outputs_default_to_what_the_cost_reads_and_can_be_declared():
    assert netfile.build(netfile.parse(LINEAR)).outputs == ["p"]
    g = netfile.load(SEED_TOML)
    assert g.outputs == ["z3"] and g.description.startswith("the [2, 3, 1] network")
    pred = g.predict({"X": np.zeros((5, 2))})
    assert list(pred) == ["z3"] and pred["z3"].shape == (5, 1)


def test_locate_handles_dotted_tables():
    text = "[gates.z2]\ngate = \"add\"\ninputs = [\"a\", \"b\"]\n"
    assert netfile.locate(text, ("gates", "z2", "inputs")) == 3
    assert netfile.locate(text, ("gates", "z2")) == 1
    spec = netfile.parse("[inputs]\na = {}\nb = {}\n" + text)
    assert spec.gates[0].inputs == ("a", "b")


def test_a_file_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(LINEAR.encode("utf-8-sig"))
    assert netfile.build(netfile.read(path)).outputs == ["p"]
