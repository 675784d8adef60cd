"""Before any data, a picture's edges carry the shapes that the declared inputs imply."""
from pathlib import Path

from core import Graph, netfile, to_dot
from core.graph.shapes import static_shapes

SEED = Path(__file__).resolve().parent.parent / "examples" / "networks" / "seed.toml"


def test_a_network_file_is_drawn_with_shapes_and_n_for_the_batch():
    g = netfile.load(SEED)
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
