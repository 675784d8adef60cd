"""DOT text (core.views.dot) stays valid whatever the names and values hold: quoted,
escaped, well-formed HTML labels, and Graphviz keeps the names."""
import re
import subprocess
import xml.etree.ElementTree as ET
from unittest import mock

import numpy as np
import pytest

from core import Graph, to_dot
from core.views.backprop import explain
from core.views.dot import dot_program, render

NAMES = ['x "q" <b> & c', "trail\\", "node", "a]b;c{d}", "ünï ✓", "graph", "<i>start"]


def lex(text):
    """Graphviz's tokens, by its lexer's rules: in a quoted string only \\" is an
    escape (a backslash before the closing quote escapes it); an HTML string runs
    from < to the matching >."""
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            j = i + 1
            while True:
                assert j < len(text), f"unterminated string at {i}: {text[i:i + 60]!r}"
                if text[j] == "\\" and j + 1 < len(text) and text[j + 1] == '"':
                    j += 2
                elif text[j] == '"':
                    break
                else:
                    j += 1
            tokens.append(("str", text[i + 1:j].replace('\\"', '"')))
            i = j + 1
        elif ch == "<":
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            tokens.append(("html", text[i + 1:j - 1]))
            i = j
        elif text.startswith("//", i):
            i = text.index("\n", i)
        elif ch.isspace():
            i += 1
        elif ch in "{}[];,=":
            tokens.append(("op", ch))
            i += 1
        elif text.startswith("->", i):
            tokens.append(("op", "->"))
            i += 2
        else:
            m = re.match(r"[A-Za-z0-9_.#]+", text[i:])
            assert m, f"stray character {ch!r} at {i}"
            tokens.append(("id", m.group()))
            i += m.end()
    return tokens


def odd_graph():
    # Graph.input/param/gate refuse names a network file cannot hold, but DOT
    # output must stay valid for whatever a graph holds, so the check is off here
    g = Graph()
    with mock.patch("core.graph.graph._check_name", lambda name: None):
        g.param("w", 2.0)
        prev = "w"
        for k, n in enumerate(NAMES):
            g.input(n)
            prev = g.gate("mul", n, prev, name=f"{n}!{k}")
        g.input("t")
        g.gate("mse", prev, "t", name='J "<&>"')
    feed = {n: np.array([1.0, 2.0]) for n in NAMES}
    feed["t"] = np.zeros(2)
    return g, explain(g, feed)


def test_odd_names_give_valid_dot_with_well_formed_html_labels():
    g, step = odd_graph()
    text = to_dot(g, step, title='a "title" \\')
    tokens = lex(text)
    depth = 0
    for kind, value in tokens:
        if kind == "op":
            depth += {"{": 1, "}": -1, "[": 1, "]": -1}.get(value, 0)
            assert depth >= 0
        if kind == "html":  # Graphviz's HTML labels must be XML
            ET.fromstring(f"<x>{value}</x>")
    assert depth == 0
    strings = {v for k, v in tokens if k == "str"}
    for name in g.nodes:  # every node is there, under an ID that round-trips
        assert name.replace("\\", "\\\\") in strings or name.replace("\\", "\\\\") + " " \
            in strings, name
    html = " ".join(v for k, v in tokens if k == "html")
    assert "x &quot;q&quot; &lt;b&gt; &amp; c" in html and "ünï ✓" in html


def test_gates_show_their_name_gate_and_plugin():
    g, step = odd_graph()
    text = to_dot(g, step)
    assert re.search(r'label=<<b>mul</b><font point-size="8"><br/>node!2<br/>plugin seed', text)


@pytest.mark.parametrize("name", ["node", "edge", "graph", "digraph", "subgraph", "strict"])
def test_dot_keywords_as_node_names_are_quoted(name):
    g = Graph()
    g.input(name)
    g.param("w", 1.0)
    g.gate("mul", name, "w", name="m")
    assert f'"{name}" -> "m"' in to_dot(g)


@pytest.mark.skipif(dot_program() is None, reason="Graphviz's 'dot' program is not installed "
                                                   "(apt-get install graphviz)")
def test_graphviz_accepts_odd_names_and_keeps_them(tmp_path):
    g, step = odd_graph()
    text = to_dot(g, step, title='a "title" \\')
    check = subprocess.run([dot_program(), "-Tcanon"], input=text.encode(),
                           capture_output=True)
    assert check.returncode == 0 and not check.stderr, check.stderr.decode()
    svg = ET.parse(render(text, tmp_path / "odd.svg")).getroot()
    words = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    for name in ('x "q" <b> & c', "trail\\", "ünï ✓", "a]b;c{d}"):
        assert name in words, name
