"""The README's "Composing and training a network" example runs as printed and
gives the numbers its comments state; its plugin section's local registration works."""
import re
import types
from pathlib import Path

import numpy as np

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section_code(heading):
    body = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, re.S)


def test_the_composing_example_runs_and_its_comments_are_true():
    scope = {}
    exec(compile(section_code("Composing and training a network")[0], "README", "exec"), scope)
    assert scope["f"] == 3.0
    d = scope["d"]
    assert [float(d[k]) for k in ("t1", "t2", "t3")] == [3.0, -2.0, 1.0]
    assert [float(d[k]) for k in ("x1", "x2")] == [4.0, 5.0]
    assert scope["history"].losses[-1] < 1e-3 < scope["history"].losses[0]
    assert scope["yhat"].shape == (4, 1) and np.allclose(scope["yhat"], scope["Y"], atol=0.05)
    assert set(scope["grads"]) == {"W1", "b1", "W2", "b2"}


def test_the_plugin_example_registers_locally_as_the_readme_says():
    import core
    code = section_code("Writing a gate plugin")[0]
    my_gates = types.ModuleType("my_gates")
    exec(compile(code, "my_gates.py", "exec"), my_gates.__dict__)
    registry = core.Registry()
    assert "core.default_registry().register(my_gates)" in README
    registry.register(my_gates)  # the same call, on a fresh registry
    assert "my_tanh" in registry
    x = np.array([0.5, -1.0])
    g = core.Graph(registry=registry)
    g.input("x")
    g.gate("my_tanh", "x", name="y")
    assert np.allclose(g.forward({"x": x})["y"], np.tanh(x))
