"""Pictures of a graph in the seed's style, as Graphviz DOT.

Variables -- inputs, parameters and the network's outputs -- are yellow boxes;
gates are blue shapes labelled with their registered name and the plugin that
provides them (operators ellipses, activations rounded boxes, costs octagons).
Every edge carries the name and shape of the value it moves (before any data,
the shapes the declared input shapes imply, ``n`` being the batch). After a step
(an ``Explanation`` from ``core.explain``) an edge also shows the forward value
in grey and, below it, the gradient flowing back along it in green: the
bottom_diff that gate passed to that input. Small arrays are shown in full,
large ones summarised.

``render`` turns DOT text into SVG or PNG with Graphviz's ``dot`` program
(Debian/Ubuntu: ``apt-get install graphviz``); without it a clear error says so.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import GatesError
from core.graph.graph import Graph
from core.graph.shapes import static_shapes
from core.views.values import shape_text, value_text

if TYPE_CHECKING:
    from core.views.backprop import Explanation

VARIABLE = {"fillcolor": "#fde68a", "color": "#a16207"}  # yellow boxes
GATE = {"fillcolor": "#bfdbfe", "color": "#1d4ed8"}  # blue shapes
SHAPES = {"operator": "ellipse", "activation": "box", "cost": "octagon"}
VALUE_COLOUR = "#6b7280"  # grey
GRAD_COLOUR = "#15803d"  # green
PICTURES = ("svg", "png", "pdf")  # what needs Graphviz's dot
FORMATS = (*PICTURES, "dot")


class GraphvizError(GatesError):
    """Graphviz's ``dot`` program is missing or failed."""


def _id(name: str) -> str:
    """A DOT quoted string. Graphviz's lexer reads a backslash before the closing
    quote as an escaped quote, so a trailing backslash gets a space after it."""
    text = name.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text + (" " if text.endswith("\\") else "") + '"'


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _lines(text: str, colour: str, size: int = 9) -> str:
    body = "<br/>".join(_html(line.strip()) for line in text.splitlines())
    return f'<font color="{colour}" point-size="{size}">{body}</font>'


class _HTML(str):
    """A Graphviz HTML-like label, written as it is (every other value is quoted)."""


def _attrs(**kw: str) -> str:
    parts = []
    for k, v in kw.items():
        parts.append(f"{k}={v}" if isinstance(v, _HTML) else f"{k}={_id(v)}")
    return "[" + ", ".join(parts) + "]"


def outputs(graph: Graph) -> list[str]:
    """The declared outputs (the predictions), then the gates no other gate reads."""
    read = {i for node in graph.nodes.values() for i in node.inputs}
    unread = [n for n, node in graph.nodes.items() if node.op == "gate" and n not in read]
    return list(graph.outputs) + [n for n in unread if n not in graph.outputs]


RANKDIRS = ("LR", "TB")  # left to right, as the seeds draw; top to bottom, narrower


def to_dot(graph: Graph, step: Explanation | None = None, *, title: str | None = None,
           small: int = 12, precision: int = 3, rankdir: str = "LR") -> str:
    """The DOT text of ``graph``; with ``step``, its values and gradients too.

    ``rankdir="TB"`` lays it out top to bottom: a picture a few nodes wide, which
    stays legible in a narrow column (a README's) where a left-to-right one shrinks.
    """
    if rankdir not in RANKDIRS:
        raise GatesError(f"rankdir {rankdir!r}: use one of {', '.join(RANKDIRS)}")
    graph.order()  # refuses a graph with a cycle or an undefined input
    values = step.values if step is not None else {}
    diffs = step.edge_diffs() if step is not None else {}
    shapes = static_shapes(graph) if step is None else {}  # n: the batch dimension
    text = lambda a: value_text(a, small, precision)  # noqa: E731
    lines = [f"digraph {_id(title or 'gates')} {{",
             f'  graph [rankdir={rankdir}, fontname="Helvetica", fontsize=12, nodesep=0.35, '
             'ranksep=0.5, labelloc=t' +
             (f", label={_id(title)}" if title else "") + "];",
             '  node [fontname="Helvetica", fontsize=11, style=filled, penwidth=1.2];',
             '  edge [fontname="Helvetica", fontsize=9, color="#374151", arrowsize=0.7];']
    if step is not None:
        lines.append(f'  // after one step: J = {step.loss!r}; grey = forward value, '
                     f'green = gradient flowing back')
    for name, node in graph.nodes.items():
        if node.op in ("input", "param"):
            kind = "input" if node.op == "input" else "parameter"
            shape = node.shape if node.op == "input" else graph.params[name].shape
            sub = kind if shape is None else \
                f"{kind} {'x'.join('n' if d in (None, -1) else str(d) for d in shape)}"
            sub = sub.rstrip()
            box = _HTML(f'<<b>{_html(name)}</b><br/><font point-size="8">{_html(sub)}</font>>')
            lines.append(f"  {_id(name)} {_attrs(shape='box', label=box, **VARIABLE)};")
        else:
            spec = node.spec
            attrs_text = "".join(f"<br/>{_html(k)}={_html(repr(v))}"
                                 for k, v in node.attributes.items())
            box = _HTML(f'<<b>{_html(spec.name)}</b><font point-size="8"><br/>{_html(name)}'
                        f'{attrs_text}<br/>plugin {_html(spec.plugin)}</font>>')
            style = "filled,rounded" if spec.kind == "activation" else "filled"
            tip = f"{name} = {spec.name}({', '.join(node.inputs)}) from {spec.source}"
            drawn = _attrs(shape=SHAPES.get(spec.kind, "ellipse"), label=box, style=style,
                           tooltip=tip, **GATE)
            lines.append(f"  {_id(name)} {drawn};")
    for name, node in graph.nodes.items():
        for i in node.inputs:
            label = _edge(i, values, diffs.get((name, i)), text, shapes)
            lines.append(f"  {_id(i)} -> {_id(name)} {_attrs(label=label)};")
    for name in outputs(graph):
        shown = f"{name} (output)"
        value = values.get(name)
        label = _HTML(f"<<b>{_html(name)}</b>" + (
            f"<br/>{_lines(text(value), VALUE_COLOUR, 10)}" if value is not None else "") + ">")
        lines.append(f"  {_id(shown)} {_attrs(shape='box', label=label, **VARIABLE)};")
        label = _edge(name, values, None, text, shapes)
        lines.append(f"  {_id(name)} -> {_id(shown)} {_attrs(label=label)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _edge(source: str, values, diff, text, shapes) -> str:
    value = values.get(source)
    shape = value.shape if value is not None else shapes.get(source)
    head = _html(source) + (f"  {shape_text(shape)}" if shape is not None else "")
    parts = [f"<b>{head}</b>"]
    if value is not None:
        parts.append(_lines(text(value), VALUE_COLOUR))
    if diff is not None:
        parts.append(_lines(text(diff), GRAD_COLOUR))
    return _HTML("<" + "<br/>".join(parts) + ">")


def dot_program() -> str | None:
    """The path of Graphviz's ``dot``, or None when it is not installed."""
    return shutil.which("dot")


def render(dot_text: str, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``dot_text`` to ``path`` as SVG, PNG or PDF (by suffix), or as DOT text."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "svg").lower()
    if fmt not in FORMATS:
        raise GraphvizError(f"cannot draw {path.name}: format {fmt!r} is not one of "
                            f"{', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "dot":
        path.write_text(dot_text, encoding="utf-8")
        return path
    program = dot_program()
    if program is None:
        raise GraphvizError(
            f"cannot draw {path.name}: Graphviz's 'dot' program is not installed. Install "
            f"it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) or "
            f"write DOT text instead (a .dot file) and render it elsewhere")
    result = subprocess.run([program, f"-T{fmt}", "-o", str(path)], input=dot_text.encode(),
                            capture_output=True, timeout=120)
    if result.returncode != 0:
        raise GraphvizError(f"dot failed to draw {path.name}: "
                            f"{result.stderr.decode(errors='replace').strip()}")
    return path
