"""Graphs pickle with the standard library: their network, parameter values and
provenance, not their registry or caches; core and its public objects pickle by reference."""
import pickle
import subprocess
import sys
import types

import numpy as np
import pytest

import core
from core import Activation, Graph, GraphError, mlp
from core.engine.state import cache_of


def test_a_trained_graph_comes_back_whole_without_its_compiled_steps(xor):
    net = mlp([2, 3, 1], "sigmoid", seed=4)
    net.name, net.description = "xor", "a trained net"
    net.rates["W1"] = 0.5
    cache_of(net).eager = True
    for _ in range(20):
        net.executor().sgd_step(xor, 0.5)
    blob = pickle.dumps(net)
    params = sum(a.nbytes for a in net.params.values())
    assert len(blob) < params + 4000  # the network and its values, no steps or buffers
    back = pickle.loads(blob)
    assert list(back.nodes) == list(net.nodes) and back.outputs == net.outputs
    assert (back.name, back.description, back.rates, back.inits) == \
        (net.name, net.description, net.rates, net.inits)
    for name, value in net.params.items():
        assert back.params[name].tobytes() == value.tobytes()
    assert back.dtype is np.dtype(np.float64)  # canonical, not a pickled copy
    assert not cache_of(back).steps
    np.testing.assert_array_equal(back.predict(xor)["a3"], net.predict(xor)["a3"])
    assert back.executor().sgd_step(xor, 0.5) == net.executor().sgd_step(xor, 0.5)


def test_a_graph_unpickles_in_another_process_by_gate_name(tmp_path, clean_env):
    path = tmp_path / "net.pickle"
    path.write_bytes(pickle.dumps(mlp([2, 3, 1], "tanh", seed=1)))
    script = (f"import pickle; g = pickle.loads(open({str(path)!r}, 'rb').read()); "
              f"print(g.nodes['a2'].spec.plugin, g.params['W1'].shape)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=clean_env(), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["activations", "(2,", "3)"]


class Local(Activation):
    """x, registered only in this test's registry."""

    name = "local_identity"

    def forward(self, x, out=None):
        return x.copy()

    def derivative(self, x, y, out=None):
        return np.ones_like(x)


def test_a_gate_no_plugin_provides_here_is_named_with_where_it_came_from(registry_with):
    g = Graph(registry_with(Local, name="mine"))
    g.input("x")
    g.gate("local_identity", "x", name="h")
    with pytest.raises(GraphError, match=r"gate 'local_identity' \(node 'h'\) was provided by "
                                         r"plugin 'mine' of \(local\).*register its plugin"):
        pickle.loads(pickle.dumps(g))


@pytest.mark.parametrize("name", ["train", "Graph", "mlp", "check_gate", "Activation",
                                  "GraphError", "explain", "save"])
def test_core_and_its_public_objects_pickle_by_reference(name):
    assert type(core) is types.ModuleType  # what pickling libraries recognise as a module
    value = getattr(core, name)
    assert pickle.loads(pickle.dumps(value)) is value
