"""The trace adds up a node's parts where the sum is complete, and labels each part."""
import re

import numpy as np

from core import Graph
from core.views.backprop import explain


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
