"""Graphviz DOT pictures (core.views.dot) of the seed network: well-formed, with gates,
values and gradients after a step, and before any data the shapes the declared inputs
imply."""
import re
import subprocess
from unittest import mock

import numpy as np
import pytest

from core import GatesError, Graph, mlp, netfile
from core.examples import seed_network
from core.graph.shapes import static_shapes
from core.views.backprop import explain
from core.views.dot import GraphvizError, dot_program, outputs, render, to_dot
from tests.paths import SEED_TOML

needs_dot = pytest.mark.skipif(dot_program() is None, reason="Graphviz's 'dot' program is "
                               "not installed (apt-get install graphviz)")


@pytest.fixture
def seed():
    return seed_network(1)


def balanced(text):
    depth = 0
    for ch in re.sub(r'"(?:[^"\\]|\\.)*"', '""', text):
        depth += {"{": 1, "}": -1, "[": 1, "]": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_structure_has_every_node_and_edge(seed):
    text = to_dot(seed, title="seed")
    assert text.startswith('digraph "seed" {') and text.rstrip().endswith("}")
    assert balanced(text)
    for name, node in seed.nodes.items():
        assert re.search(rf'^  "{name}" \[', text, re.M), name
        for i in node.inputs:
            assert f'"{i}" -> "{name}"' in text
    # gates by registered name and plugin, variables as yellow boxes
    assert re.search(r'"a2" \[shape="box", label=<<b>sigmoid</b>.*plugin seed', text)
    assert re.search(r'"W1" \[shape="box", label=<<b>W1</b>.*parameter 2x3.*#fde68a', text)
    assert '"J" [shape="octagon"' in text
    assert outputs(seed) == ["z3", "J"]
    assert "\"J (output)\"" in text and "\"z3 (output)\"" in text


def test_after_a_step_edges_carry_shape_value_and_gradient(seed, xor):
    step = explain(seed, xor)
    text = to_dot(seed, step)
    edge = re.search(r'"W2" -> "a2W2" \[label=<(.*)>\];', text).group(1)
    assert "<b>W2  3x1</b>" in edge
    grey, green = re.findall(r'<font color="(#[0-9a-f]+)"', edge)
    assert (grey, green) == ("#6b7280", "#15803d")
    w2 = seed.params["W2"]
    assert f"{w2[0, 0]:.3g}" in edge  # the value, in full (3 elements)
    assert f"{step.grads['W2'][0, 0]:.3g}" in edge  # and dJ/dW2
    assert "<b>X  4x2</b>" in text and "<b>z2  4x3</b>" in text
    # Y feeds only the cost's target: a value but no gradient
    y_edge = re.search(r'"Y" -> "J" \[label=<(.*)>\];', text).group(1)
    assert "#15803d" not in y_edge


def test_large_values_are_summarised():
    net = mlp([30, 20, 1], "sigmoid", cost="mse")
    rng = np.random.default_rng(0)
    step = explain(net, {"X": rng.normal(size=(8, 30)), "Y": rng.normal(size=(8, 1))})
    text = to_dot(net, step)
    assert "30x20: mean" in text


def test_names_and_attributes_are_escaped():
    # the Python API refuses such a name (tests/graph/test_names.py); DOT must still
    # escape whatever a graph holds, so the check is switched off to build one
    g = Graph()
    with mock.patch("core.graph.graph._check_name", lambda name: None):
        g.input('x "quoted" <b>')
    g.param("w", 2.0)
    g.gate("mul", 'x "quoted" <b>', "w", name="m")
    text = to_dot(g)
    assert r'"x \"quoted\" <b>" -> "m"' in text
    assert "&lt;b&gt;" in text and balanced(text)


def test_a_network_file_is_drawn_with_shapes_and_n_for_the_batch():
    g = netfile.load(SEED_TOML)
    assert static_shapes(g) == {"X": ("n", 2), "Y": ("n", 1), "W1": (2, 3), "b1": (1, 3),
                                "W2": (3, 1), "b2": (1, 1), "XW1": ("n", 3), "z2": ("n", 3),
                                "a2": ("n", 3), "a2W2": ("n", 1), "z3": ("n", 1), "J": ()}
    text = to_dot(g)
    for edge in ('"X" -> "XW1" [label=<<b>X  nx2</b>>]', '"W1" -> "XW1" [label=<<b>W1  2x3</b>>]',
                 '"a2" -> "a2W2" [label=<<b>a2  nx3</b>>]',
                 '"J" -> "J (output)" [label=<<b>J  scalar</b>>]'):
        assert edge in text, edge
    assert "#6b7280" not in text and "#15803d" not in text  # no step: no values, no gradients


def test_without_declared_shapes_edges_carry_names_only():
    g = Graph()
    g.input("x")
    g.param("w", [1.0, 2.0])
    g.gate("mul", "x", "w", name="m")
    assert static_shapes(g) == {}
    assert '"x" -> "m" [label=<<b>x</b>>]' in to_dot(g)


def test_shapes_that_cannot_combine_leave_the_picture_without_shapes():
    g = Graph()
    g.input("x", shape=(None, 2))
    g.param("w", shape=(3, 1))
    g.gate("matmul", "x", "w", name="m")
    assert static_shapes(g) == {}
    assert '"x" -> "m" [label=<<b>x</b>>]' in to_dot(g)


def test_missing_dot_is_a_clear_error(monkeypatch, tmp_path, seed):
    monkeypatch.setattr("core.views.dot.shutil.which", lambda name: None)
    with pytest.raises(GraphvizError, match="apt-get install graphviz"):
        render(to_dot(seed), tmp_path / "seed.svg")
    # writing DOT text never needs Graphviz
    assert render(to_dot(seed), tmp_path / "seed.dot").read_text().startswith("digraph")


def test_unknown_format_is_refused(tmp_path, seed):
    with pytest.raises(GraphvizError, match="format 'jpeg'"):
        render(to_dot(seed), tmp_path / "seed.jpeg")


@needs_dot
def test_dot_accepts_the_text_and_renders_svg_and_png(tmp_path, seed, xor):
    text = to_dot(seed, explain(seed, xor), title="seed")
    check = subprocess.run([dot_program(), "-Tcanon"], input=text.encode(),
                           capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    svg = render(text, tmp_path / "seed.svg").read_text()
    assert "<svg" in svg and "sigmoid" in svg
    png = render(text, tmp_path / "seed.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_top_to_bottom_is_a_choice_and_the_command_offers_the_same(seed):
    from core.cli.app import build_parser
    from core.views.dot import RANKDIRS
    assert "rankdir=LR," in to_dot(seed) and "rankdir=TB," in to_dot(seed, rankdir="TB")
    with pytest.raises(GatesError, match="rankdir .BT.: use one of LR, TB"):
        to_dot(seed, rankdir="BT")
    draw = build_parser().subcommands["draw"]
    option = next(a for a in draw._actions if a.dest == "rankdir")
    assert tuple(option.choices) == RANKDIRS
