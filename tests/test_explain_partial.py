"""The trace needs only what the cost needs, and every gate shows all three diffs."""
import re

import numpy as np
import pytest

from core import GraphError, mlp, to_dot
from core.views.backprop import explain

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def seed_with_a_side_branch():
    net = mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse", seed=3)
    net.input("extra")  # feeds a gate that no cost reads
    net.gate("mul", "extra", "z3", name="side")
    return net


def test_an_input_the_step_does_not_need_may_be_left_out():
    net = seed_with_a_side_branch()
    step = explain(net, {"X": X, "Y": Y})
    assert "side" not in step.values and "extra" not in step.grads
    plain = explain(mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse", seed=3),
                    {"X": X, "Y": Y})
    assert step.loss == plain.loss
    for name, grad in plain.grads.items():
        assert step.grads[name].tobytes() == grad.tobytes()
    text = step.text()
    assert "B10 dJ/dW1" in text and "side" not in text.split("Backward")[1]
    assert '"side"' in to_dot(net, step)  # drawn, without values
    fed = explain(net, {"X": X, "Y": Y, "extra": np.ones((4, 1))})
    assert fed.values["side"].shape == (4, 1)


def test_an_input_the_step_needs_is_named_when_missing():
    with pytest.raises(GraphError, match="no value was fed for input 'Y'"):
        explain(seed_with_a_side_branch(), {"X": X})


def test_every_gate_shows_top_diff_local_diff_and_bottom_diffs_in_backward_order():
    text = explain(mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse"),
                   {"X": X, "Y": Y}).text()
    blocks = text.split("Backward")[1].split("\n\n")[1:6]
    assert [b.strip().split(" = ")[0] for b in blocks] == ["J", "z3", "a2W2", "a2", "z2"]
    for block in blocks:
        assert "top_diff    = " in block and "local_diff  = " in block and "B" in block
    assert "local_diff  = dXW1/dX, dXW1/dW1" in text
    numbers = [int(n) for n in re.findall(r"^    B(\d+) ", text, re.M)]
    assert numbers == list(range(1, 11))


def test_shape_table_has_seed_001s_gradient_shapes_too():
    text = explain(mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse"),
                   {"X": X, "Y": Y}).text()
    rows = {m[0]: m[1:] for m in re.findall(r"^  (\w+)\s+\w+\s+(\S+)\s+(\S+)$", text, re.M)}
    want = {"X": "4x2", "W1": "2x3", "z2": "4x3", "a2": "4x3", "W2": "3x1", "z3": "4x1",
            "b1": "1x3", "b2": "1x1"}
    for name, shape in want.items():
        assert rows[name] == (shape, shape), name  # dJ/dnode has the node's shape
    assert rows["Y"] == ("4x1", "-")  # the target gets no gradient


def test_values_when_small_and_none_when_asked():
    step = explain(mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse"),
                   {"X": X, "Y": Y})
    full = step.text()
    b4 = full.split("B4 ")[1].split("B5 ")[0]
    assert b4.count("[") == 5  # a2's gradient, 4x3 = 12 numbers, in full
    quiet = step.text(values=False)
    assert "[[" not in quiet and "B4  dJ/da2" in quiet
    assert "4x3: mean" in step.text(small=4)  # above the limit: summarised


def test_b1_is_the_seeds_first_equation_and_several_costs_add_up():
    text = explain(mlp([2, 3, 1], "sigmoid", output_activation=None, cost="mse"),
                   {"X": X, "Y": Y}).text()
    assert re.search(r"^    B1  dJ/dz3 = dJ/dz3$", text, re.M)  # seed 000, Eq. B1
    from core import Graph
    g = Graph()
    g.input("x")
    g.input("t")
    g.param("w", 2.0)
    g.gate("mul", "x", "w", name="p")
    g.gate("mse", "p", "t", name="J1")
    g.gate("mse", "p", "x", name="J2")
    two = explain(g, {"x": np.array([1.0]), "t": np.array([0.0])}).text()
    assert "dJ/dp (the part through J1) = dJ/dJ1 . dJ1/dp" in two
    assert re.search(r"dJ/dp = sum of the bottom_diffs from J2, J1 ", two)  # backward order, the same every run


def test_a_gate_from_a_local_plugin_reads_local_in_the_trace():
    from core import Activation, Graph, Registry, hookimpl

    class Twice(Activation):
        """2 x."""
        name = "twice"

        def forward(self, x, out=None):
            return 2 * x

        def derivative(self, x, y, out=None):
            return 0 * x + 2

    class Local:
        @hookimpl
        def register_gates(self, register):
            register(Twice)

    import gates.builtin
    registry = Registry()
    registry.register(gates.builtin, name="seed", distribution="gates", version="0.1.0")
    registry.register(Local(), name="here")
    g = Graph(registry=registry)
    g.input("x")
    g.input("t")
    g.gate("twice", "x", name="y")
    g.gate("mse", "y", "t", name="J")
    text = explain(g, {"x": np.array([1.0]), "t": np.array([0.0])}, wrt=["x"]).text()
    assert "activation 'twice', plugin 'here' (local)" in text and "((local))" not in text
