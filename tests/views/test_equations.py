"""The trace as the seeds' chain-rule equations (core.views.equations): every gate shows all
three diffs, the shape table, values when small, and the sums of fan-out parts where the
sum is complete, each part labelled."""
import re

import numpy as np

from core import Activation, Graph
from core.examples import seed_network
from core.views.backprop import explain, value_text


def test_text_reads_like_the_seeds_equations(seed_step):
    text = seed_step.text()
    assert "B4  dJ/da2 = dJ/dz3 . dz3/da2W2 . da2W2/da2" in text
    assert "B10 dJ/dW1 = dJ/dz3 . dz3/da2W2 . da2W2/da2 . da2/dz2 . dz2/dXW1 . dXW1/dW1" \
        in text
    assert re.search(r"B3\s+dJ/db2 = dJ/dz3 . dz3/db2", text)
    assert "4x1 summed over the batch to 1x1" in text
    assert "local_diff  = da2/dz2 = sigmoid'(z2)" in text
    table = dict(re.findall(r"^  (\w+)\s+\w+\s+(\S+)\s+\S+$", text, re.M))
    assert {k: table[k] for k in ("X", "W1", "z2", "a2", "W2", "z3")} == {
        "X": "4x2", "W1": "2x3", "z2": "4x3", "a2": "4x3", "W2": "3x1", "z3": "4x1"}


def test_every_gate_shows_top_diff_local_diff_and_bottom_diffs_in_backward_order(xor):
    text = explain(seed_network(), xor).text()
    blocks = text.split("Backward")[1].split("\n\n")[1:6]
    assert [b.strip().split(" = ")[0] for b in blocks] == ["J", "z3", "a2W2", "a2", "z2"]
    for block in blocks:
        assert "top_diff    = " in block and "local_diff  = " in block and "B" in block
    assert "local_diff  = dXW1/dX, dXW1/dW1" in text
    numbers = [int(n) for n in re.findall(r"^    B(\d+) ", text, re.M)]
    assert numbers == list(range(1, 11))


def test_shape_table_has_seed_001s_gradient_shapes_too(xor):
    text = explain(seed_network(), xor).text()
    rows = {m[0]: m[1:] for m in re.findall(r"^  (\w+)\s+\w+\s+(\S+)\s+(\S+)$", text, re.M)}
    want = {"X": "4x2", "W1": "2x3", "z2": "4x3", "a2": "4x3", "W2": "3x1", "z3": "4x1",
            "b1": "1x3", "b2": "1x1"}
    for name, shape in want.items():
        assert rows[name] == (shape, shape), name  # dJ/dnode has the node's shape
    assert rows["Y"] == ("4x1", "-")  # the target gets no gradient


def test_values_when_small_and_none_when_asked(xor):
    step = explain(seed_network(), xor)
    full = step.text()
    b4 = full.split("B4 ")[1].split("B5 ")[0]
    assert b4.count("[") == 5  # a2's gradient, 4x3 = 12 numbers, in full
    quiet = step.text(values=False)
    assert "[[" not in quiet and "B4  dJ/da2" in quiet
    assert "4x3: mean" in step.text(small=4)  # above the limit: summarised


def test_value_text_small_in_full_large_summarised():
    assert value_text(np.array([[1.5, 2.0]])) == "[[1.5 2]]"
    big = value_text(np.arange(100.0).reshape(10, 10))
    assert big.startswith("10x10: mean 49.5") and "max 99" in big


def test_b1_is_the_seeds_first_equation_and_several_costs_add_up(xor):
    text = explain(seed_network(), xor).text()
    assert re.search(r"^    B1  dJ/dz3 = dJ/dz3$", text, re.M)  # seed 000, Eq. B1
    g = Graph()
    g.input("x")
    g.input("t")
    g.param("w", 2.0)
    g.gate("mul", "x", "w", name="p")
    g.gate("mse", "p", "t", name="J1")
    g.gate("mse", "p", "x", name="J2")
    two = explain(g, {"x": np.array([1.0]), "t": np.array([0.0])}).text()
    assert "dJ/dp (the part through J1) = dJ/dJ1 . dJ1/dp" in two
    # in backward order, the same every run
    assert re.search(r"dJ/dp = sum of the bottom_diffs from J2, J1 ", two)


class Twice(Activation):
    """2 x."""
    name = "twice"

    def forward(self, x, out=None):
        return 2 * x

    def derivative(self, x, y, out=None):
        return 0 * x + 2


def test_a_gate_from_a_local_plugin_reads_local_in_the_trace(registry_with):
    g = Graph(registry=registry_with(Twice, name="here"))
    g.input("x")
    g.input("t")
    g.gate("twice", "x", name="y")
    g.gate("mse", "y", "t", name="J")
    text = explain(g, {"x": np.array([1.0]), "t": np.array([0.0])}, wrt=["x"]).text()
    assert "activation 'twice', plugin 'here' (local)" in text and "((local))" not in text


def fan_out():
    """a feeds s = add(m, a) and m = mul(a, a): three parts to dJ/da."""
    g = Graph()
    g.param("a", np.array([[0.5, 1.0]]))
    g.input("Y")
    g.gate("mul", "a", "a", name="m")
    g.gate("add", "m", "a", name="s")
    g.gate("mse", "s", "Y", name="J")
    return explain(g, {"Y": np.zeros((1, 2))})


def interior_fan_out():
    """p = x * w is read twice by q = mul(p, p): dJ/dp is q's two parts."""
    g = Graph()
    g.input("x")
    g.param("w", 3.0)
    g.gate("mul", "x", "w", name="p")
    g.gate("mul", "p", "p", name="q")
    g.input("t")
    g.gate("mse", "q", "t", name="J")
    return explain(g, {"x": np.array(2.0), "t": np.array(0.0)})


def test_fan_out_sums_the_bottom_diffs():
    step = interior_fan_out()
    assert step.readers()["p"] == ["q", "q"]
    assert "dJ/dp = sum of the bottom_diffs from q (input 0), q (input 1) (B2 + B3)" \
        in step.text()


def test_the_sum_for_a_parameter_follows_its_last_part_and_precedes_the_update():
    text = fan_out().text()
    lines = text.splitlines()
    total = lines.index("  dJ/da = sum of the bottom_diffs from s, m (input 0), m (input 1) "
                        "(B3 + B4 + B5)    1x2")
    last_part = max(i for i, line in enumerate(lines) if line.startswith("    B5  dJ/da"))
    update = next(i for i, line in enumerate(lines) if line.startswith("The update"))
    assert last_part < total < update
    assert lines[update - 1] == ""  # a blank line before the update
    # dJ/ds = 2s/2 = a^2 + a = (0.75, 2); dJ/da = (2a + 1) dJ/ds = (1.5, 6)
    assert lines[total + 1].strip() == "[[1.5 6]]"


def test_the_sum_for_a_gate_comes_before_the_gate_that_uses_it_as_top_diff():
    text = interior_fan_out().text()
    total = text.index("  dJ/dp = sum of the bottom_diffs from q (input 0), q (input 1)")
    assert text.index("B3  dJ/dp") < total < text.index("  p = mul(x, w)")
    assert re.search(r"dJ/dp = sum .*\n\s+864\n", text)  # 2 x 432


def test_a_gate_reading_one_node_twice_labels_each_part_with_its_position():
    text = fan_out().text()
    assert "B4  dJ/da (the part through m, input 0) = dJ/ds . ds/dm . dm/da" in text
    assert "B5  dJ/da (the part through m, input 1) = dJ/ds . ds/dm . dm/da" in text
    assert "B3  dJ/da (the part through s) = dJ/ds . ds/da" in text
    assert text.count("dJ/da = sum of") == 1
