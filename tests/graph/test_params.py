"""Setting parameters: Graph.set_params and params[name] = value copy into the arrays the
graph owns, after checking names, shapes and dtypes, and keep the compiled step."""
import numpy as np
import pytest

from core import Graph, GraphError, mlp
from core.engine.state import cache_of


def test_set_params_copies_into_the_graphs_own_arrays_and_keeps_the_compiled_step(xor):
    net = mlp([2, 3, 1])
    cache_of(net).eager = True
    ex = net.executor()
    ex.sgd_step(xor, 0.1)
    step = cache_of(net).last
    owned = net.params["W1"]
    new = np.full((2, 3), 0.25)
    net.set_params({"W1": new})
    assert net.params["W1"] is owned and np.array_equal(owned, new)
    new[0, 0] = 9.0  # the graph keeps its own copy
    assert net.params["W1"][0, 0] == 0.25
    ex.sgd_step(xor, 0.1)
    assert cache_of(net).last is step  # no recompile


def test_assigning_a_parameter_works_the_same_way(xor):
    net = mlp([2, 3, 1], dtype=np.float32)
    owned = net.params["b1"]
    net.params["b1"] = [[1, 2, 3]]  # a list of ints: converted into the float32 array
    assert net.params["b1"] is owned and owned.dtype == np.float32
    assert owned.tolist() == [[1.0, 2.0, 3.0]]
    net.params.update({"b2": np.array([[0.5]])})
    assert net.params["b2"][0, 0] == 0.5


@pytest.mark.parametrize("values, words", [
    ({"W9": np.zeros((2, 3))},
     "no parameter named 'W9'; did you mean 'W2', 'W1'? The parameters are: W1, b1, W2, b2"),
    ({"W1": np.zeros((3, 2))}, "'W1' has shape (2, 3); the new value has shape (3, 2)"),
    ({"W1": np.full((2, 3), "a")}, "'W1': the new value is <U1, not numbers"),
    ({"W1": [[1, 2], [3]]}, "'W1': the new value is not a rectangular array of numbers"),
])
def test_a_bad_value_is_refused_by_name_and_changes_nothing(values, words):
    net = mlp([2, 3, 1])
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(GraphError) as err:
        net.set_params({"b1": np.ones((1, 3)), **values})  # a good value first
    assert words in str(err.value)
    for name, value in before.items():
        assert np.array_equal(net.params[name], value), name


def test_parameters_are_neither_added_nor_removed_through_the_mapping():
    net = mlp([2, 3, 1])
    with pytest.raises(GraphError, match="add a parameter with Graph.param"):
        net.params["W3"] = np.zeros((1, 1))
    for remove in (lambda p: p.pop("W1"), lambda p: p.__delitem__("W1"), lambda p: p.clear()):
        with pytest.raises(GraphError, match="cannot be removed"):
            remove(net.params)
    assert list(net.params) == ["W1", "b1", "W2", "b2"]


@pytest.mark.parametrize("kw, words", [
    ({"value": ["a"]}, "parameter 'p': the value is not a rectangular array of numbers"),
    ({"value": [[1.0, 2.0], [3.0]]}, "parameter 'p': the value is not a rectangular array"),
    ({"value": {"a": 1}}, "parameter 'p': the value is not a rectangular array"),
    ({"value": 10 ** 400}, "parameter 'p': the value is not a rectangular array"),
    ({"shape": [2, -1]}, "parameter 'p': shape (2, -1): dimensions are whole numbers >= 1"),
    ({"shape": [2.5]}, "dimensions are whole numbers >= 1, not 2.5"),
    ({"shape": 3}, "a shape is a sequence of whole numbers such as (2, 3), not 3"),
    ({"shape": [2], "scale": float("inf")}, "scale must be a finite number, not inf"),
])
def test_graph_param_refuses_a_bad_value_or_shape_with_its_own_error(kw, words):
    g = Graph()
    with pytest.raises(GraphError) as err:
        g.param("p", **kw)
    assert words in str(err.value)
    assert "p" not in g.nodes and "p" not in g.params  # nothing was added


@pytest.mark.parametrize("seed", [-1, 2.5, "0"])
def test_a_graph_refuses_a_bad_seed(seed):
    with pytest.raises(GraphError, match="a random seed must be a whole number"):
        Graph(seed=seed)


@pytest.mark.parametrize("shape, said", [(5, "a shape is a sequence such as (None, 2), not 5"),
                                         (("a",), "dimensions are None (any size) or whole"),
                                         ((0, 2), "not 0")])
def test_graph_input_refuses_a_bad_shape(shape, said):
    g = Graph()
    with pytest.raises(GraphError) as err:
        g.input("X", shape=shape)
    assert said in str(err.value) and "X" not in g.nodes


def test_a_value_and_a_shape_that_disagree_are_refused():
    with pytest.raises(GraphError, match=r"the value has shape \(2,\) but shape= says \(3,\)"):
        Graph().param("p", [1.0, 2.0], shape=(3,))


def test_set_params_refuses_what_is_no_mapping():
    with pytest.raises(GraphError, match="parameters are set from a mapping"):
        mlp([2, 3, 1]).set_params([np.zeros((2, 3))])
