"""Building and running a graph with bad input: clear errors naming what is at fault,
cycles named as a path, and nothing already built is lost."""
import os
import subprocess
import sys

import numpy as np
import pytest

from core import Graph, GraphError, ShapeError, mlp


def small(registry):
    g = Graph(registry)
    g.input("X")
    g.param("W", shape=(2, 3))
    g.gate("matmul", "X", "W", name="Z")
    return g


def test_wrong_number_of_inputs(registry):
    g = small(registry)
    with pytest.raises(GraphError, match=r"'S' \(sigmoid\) takes 1 input, got 2"):
        g.gate("sigmoid", "Z", "W", name="S")
    assert list(g.nodes) == ["X", "W", "Z"]


def test_shapes_that_cannot_combine_name_both_gates_and_shapes(registry, rng):
    g = small(registry)
    g.param("b", shape=(1, 4))
    g.gate("add", "Z", "b", name="z2")
    with pytest.raises(ShapeError) as err:
        g.forward({"X": rng.standard_normal((5, 2))})
    message = str(err.value)
    assert "'z2' (add)" in message
    assert "'Z' (matmul) with shape (5, 3)" in message
    assert "'b' (param) with shape (1, 4)" in message
    # nothing lost: a parameter keeps its shape (a new value of another shape is refused,
    # naming both), and a gate reading a parameter of the right shape runs in the same graph
    with pytest.raises(GraphError, match=r"'b' has shape \(1, 4\); the new value has shape "
                                         r"\(1, 3\)"):
        g.params["b"] = np.zeros((1, 3))
    assert g.params["b"].shape == (1, 4)
    g.param("b3", shape=(1, 3), init="zeros")
    g.gate("add", "Z", "b3", name="z3")
    assert g.forward({"X": np.ones((5, 2))}, outputs=["z3"])["z3"].shape == (5, 3)


def test_cost_refuses_a_target_that_would_broadcast(registry):
    g = small(registry)
    g.input("Y")
    g.gate("mse", "Z", "Y", name="J")
    with pytest.raises(ShapeError, match=r"'J' \(mse\).*\(4, 3\).*\(4,\)"):
        g.value_and_grad({"X": np.ones((4, 2)), "Y": np.ones(4)})


def test_cycle_is_named(registry):
    g = Graph(registry)
    g.param("a", [1.0])
    g.gate("add", "a", "q", name="p")
    g.gate("sigmoid", "p", name="q")
    with pytest.raises(GraphError, match=r"cycle: p -> q -> p "):
        g.forward({})


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


def test_undefined_input_is_named_with_a_suggestion(registry):
    g = small(registry)
    g.gate("sigmoid", "ZZ", name="S")
    with pytest.raises(GraphError, match=r"'S' \(sigmoid\) reads 'ZZ'.*did you mean 'Z'"):
        g.forward({"X": np.ones((1, 2))})


def test_missing_input_value_at_run_time(registry):
    g = small(registry)
    with pytest.raises(GraphError, match=r"no value was fed for input 'X'.*'Z'"):
        g.forward({}, outputs=["Z"])
    assert "Z" not in g.forward({})  # by default, only what the feed reaches


def test_feeding_a_name_that_is_not_an_input(registry):
    g = small(registry)
    with pytest.raises(GraphError, match=r"'W', which is a parameter"):
        g.forward({"X": np.ones((1, 2)), "W": np.ones((2, 3))})
    with pytest.raises(GraphError, match=r"'x'.*did you mean 'X'"):
        g.forward({"x": np.ones((1, 2))})


def test_duplicate_node_names(registry):
    g = small(registry)
    with pytest.raises(GraphError, match="'Z' already exists"):
        g.gate("sigmoid", "X", name="Z")
    with pytest.raises(GraphError, match="'W' already exists"):
        g.param("W", shape=(1,))
    assert g.nodes["Z"].spec.name == "matmul"


def test_declared_input_shape_is_checked(registry):
    net = mlp([2, 3, 1], "sigmoid", registry=registry)
    with pytest.raises(ShapeError, match=r"input 'X'.*\(None, 2\).*\(4, 3\)"):
        net.forward({"X": np.ones((4, 3))})


def test_no_cost_to_differentiate(registry):
    g = small(registry)
    with pytest.raises(GraphError, match=r"no cost gate.*\(for value_and_grad\) name the node"):
        g.value_and_grad({"X": np.ones((1, 2))})


def test_unknown_initialiser_and_dtype(registry):
    g = Graph(registry)
    with pytest.raises(GraphError, match="unknown initialiser 'xavir'.*did you mean 'xavier'"):
        g.param("W", shape=(2, 2), init="xavir")
    assert g.nodes == {}
    with pytest.raises(GraphError, match="floating"):
        Graph(registry, dtype=np.int32)


def test_outputs_must_exist_and_predict_needs_them(registry):
    g = small(registry)
    with pytest.raises(GraphError, match="declares no outputs"):
        g.predict({"X": np.ones((1, 2))})
    with pytest.raises(GraphError, match="no node named 'z'.*did you mean 'Z'"):
        g.output("z")
    g.output("Z")
    assert g.predict({"X": np.ones((1, 2))})["Z"].shape == (1, 3)


def test_order_follows_definition_not_string_hashing():
    """The topological order is the same in every process (PYTHONHASHSEED varies)."""
    code = ("from core import Graph\n"
            "g = Graph(); g.input('x'); g.input('t'); g.param('w', 2.0)\n"
            "g.gate('mul', 'x', 'w', name='p')\n"
            "for k in range(6): g.gate('mse', 'p', 't', name=f'J{k}')\n"
            "print(','.join(g.order()))")
    orders = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout
        orders.add(out.strip())
    assert len(orders) == 1, orders
