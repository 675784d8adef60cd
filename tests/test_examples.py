"""The seed network (core.examples) and the worked examples (examples/*.py): the seeds'
numbers and shapes, computed by the framework."""
import importlib.util
import runpy
import subprocess
import sys

import numpy as np
import pytest

from core import mlp, train
from core.examples import XOR_X, XOR_Y
from tests.paths import EXAMPLES


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_network_shapes_follow_seed_001(registry, xor):
    net = mlp([2, 3, 1], "sigmoid", registry=registry)
    values = net.forward(xor)
    wrt = ["X", "W1", "b1", "XW1", "z2", "a2", "W2", "b2", "a2W2", "z3"]
    _, grads = net.value_and_grad(xor, wrt=wrt)
    expected = {"X": (4, 2), "W1": (2, 3), "XW1": (4, 3), "z2": (4, 3), "a2": (4, 3),
                "W2": (3, 1), "a2W2": (4, 1), "z3": (4, 1), "b1": (1, 3), "b2": (1, 1)}
    for name, shape in expected.items():
        assert values[name].shape == shape, name
        assert grads[name].shape == shape, f"dJ/d{name}"
    assert values["J"].shape == ()


def test_seed_network_gradients_are_equations_b1_to_b10(registry, xor):
    """The executor's gradients equal the seed's backward equations written by hand."""
    X, Y = xor["X"], xor["Y"]
    net = mlp([2, 3, 1], "sigmoid", registry=registry, seed=3)
    W1, b1, W2, b2 = (net.params[k].copy() for k in ("W1", "b1", "W2", "b2"))
    _, grads = net.value_and_grad(xor)
    z2 = X @ W1 + b1
    a2 = 1 / (1 + np.exp(-z2))
    z3 = a2 @ W2 + b2
    delta3 = 2 * (z3 - Y) / Y.size                 # B1, the cost's top_diff
    dW2 = a2.T @ delta3                            # B5
    db2 = delta3.sum(0, keepdims=True)             # B3, summed over the batch
    delta2 = (delta3 @ W2.T) * a2 * (1 - a2)       # B4, B6
    dW1 = X.T @ delta2                             # B10
    db1 = delta2.sum(0, keepdims=True)             # B8
    for name, hand in {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.items():
        np.testing.assert_allclose(grads[name], hand, rtol=1e-12, atol=1e-15, err_msg=name)


def test_per_parameter_rates_follow_eq_1(registry, xor):
    net = mlp([2, 3, 1], "sigmoid", registry=registry)
    W1_before = net.params["W1"].copy()
    W2_before = net.params["W2"].copy()
    _, grads = net.value_and_grad(xor)
    train(net, xor, epochs=1, rate=0.5, rates={"W1": 0.0})
    np.testing.assert_array_equal(net.params["W1"], W1_before)   # lambda_W1 = 0
    np.testing.assert_allclose(net.params["W2"], W2_before - 0.5 * grads["W2"])


def test_seed_network_trains_to_a_low_loss():
    module = load_example("seed_network")
    net, history = module.main()
    assert history.losses[-1] < 1e-4 < history.losses[0]
    assert net.outputs == ["a3"]
    prediction = net.predict({"X": XOR_X})["a3"]
    np.testing.assert_allclose(prediction, XOR_Y, atol=1e-2)


def test_seed_network_example_predictions_never_show_minus_zero(capsys):
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(EXAMPLES / "seed_network.py"), run_name="__main__")
    assert done.value.code == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("predictions:") and "-0." not in line


def test_cmu_slides_numbers():
    f, grads = load_example("cmu_slides").main()
    assert f == pytest.approx(3.0)
    assert [float(grads[k]) for k in ("t1", "t2", "t3")] == pytest.approx([3.0, -2.0, 1.0])
    assert [float(grads[k]) for k in ("x1", "x2")] == pytest.approx([4.0, 5.0])


def test_sigmoid_step_of_seed_000():
    local, bottom = load_example("seed_numbers").sigmoid_step(0.5, 0.9)
    assert round(local, 3) == 0.235
    assert bottom == pytest.approx(0.9 * local)
    assert round(bottom, 3) in (0.211, 0.212)  # 0.2115: the seed truncates to 0.211


def test_cost_step_follows_the_calculus_not_the_seed():
    J, dz3 = load_example("seed_numbers").cost_step(0.5, 0.8)
    assert J == pytest.approx(0.09)
    assert dz3 == pytest.approx(-0.6)  # seed 000 prints 0.48


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_an_example_piped_into_a_reader_that_stops_exits_quietly(script, clean_env):
    # `python examples/seed_network.py | head -1`: no BrokenPipeError traceback
    proc = subprocess.Popen([sys.executable, str(EXAMPLES / script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=clean_env())
    proc.stdout.close()  # the reader is gone before a byte is written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 141 and err == ""
