"""Architecture rules that a change could silently break: the layer contract of core/,
checked from the code's own imports, no import cycle, small modules, the public API.

Every import statement counts, those inside functions too; only imports under
``if TYPE_CHECKING:`` are left out (they never run). The layers are the ones
written in pyproject.toml for import-linter, which CI runs as well; this test
keeps the contract honest where import-linter is not installed and proves the
checks find what they look for.
"""
import ast
import sys
from pathlib import Path

import pytest

import core
from tests.paths import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CORE = ROOT / "core"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in CORE.rglob("*.py")}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path) -> set[str]:
    """The modules ``name`` imports anywhere in its code, resolved to full names."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package[:len(package) - child.level + 1]
                    base = ".".join(up + ([base] if base else []))
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in MODULES else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root] & graph.keys())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step] & graph.keys()))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    sample = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(sample) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    import core.graph\n\ndef f():\n    from core.engine import plan\n")
    found = imports_of("core.m", module)
    assert "core.engine.plan" in found and "core.graph" not in found


def test_core_has_no_import_cycle():
    assert cycles(GRAPH) == []


def layers() -> list[list[str]]:
    """The core layers of pyproject.toml, top first, each a list of siblings."""
    table = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in table["tool"]["importlinter"]["contracts"]
                    if c["type"] == "layers" and "core.cli | core.pytest_plugin" in c["layers"])
    return [[m.strip() for m in layer.split("|")] for layer in contract["layers"]]


def owner(module: str, table: list[list[str]]) -> tuple[int, str] | None:
    """(layer index, sibling) that ``module`` belongs to, or None."""
    for k, siblings in enumerate(table):
        for s in siblings:
            if module == s or module.startswith(s + "."):
                return k, s
    return None


def breaches(graph: dict[str, set[str]], table: list[list[str]]) -> list[str]:
    """Imports that go up a layer or across to a sibling."""
    out = []
    for module, imported in graph.items():
        here = owner(module, table)
        for target in imported:
            there = owner(target, table)
            if here is None or there is None or here[1] == there[1]:
                continue
            if there[0] <= here[0]:
                out.append(f"{module} imports {target}")
    return sorted(out)


def test_the_layer_check_rejects_an_upward_and_a_sideways_import():
    table = [["core.cli"], ["core.views", "core.netfile"], ["core.graph"]]
    graph = {"core.graph.graph": {"core.views.dot"}, "core.views.dot": {"core.netfile.spec"},
             "core.netfile.spec": {"core.graph.graph"}}
    assert breaches(graph, table) == ["core.graph.graph imports core.views.dot",
                                      "core.views.dot imports core.netfile.spec"]


def test_every_module_of_core_sits_in_a_layer_and_keeps_to_it():
    table = layers()
    assert [m for m in MODULES if m != "core" and owner(m, table) is None] == []
    assert breaches(GRAPH, table) == []


def test_nothing_imports_the_command_line_and_core_no_gate_package():
    users = [m for m, imported in GRAPH.items() if not m.startswith("core.cli")
             for t in imported if t == "core.cli" or t.startswith("core.cli.")]
    assert users == []
    gate_math = [(m, t) for m, imported in GRAPH.items() for t in imported
                 if t.split(".")[0] in ("gates", "plugins")]
    assert gate_math == []


@pytest.mark.parametrize("package", sorted(p.parent.name for p in CORE.glob("*/__init__.py")))
def test_every_subpackage_says_what_it_holds_and_may_import(package):
    doc = ast.get_docstring(ast.parse((CORE / package / "__init__.py").read_text()))
    assert doc and "May import" in doc, package


def test_modules_and_functions_stay_small():
    big = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 300:
            big.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > 60:
                    big.append(f"{name}.{node.name}: {size} lines")
    assert big == []


def test_every_hook_has_a_docstring():
    from core import hookspecs
    hooks = [name for name in dir(hookspecs)
             if hasattr(getattr(hookspecs, name), "gates_spec")]
    assert hooks, "no hookspecs found"
    for name in hooks:
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name


def test_public_api_is_gathered_in_core_and_is_all_dir_shows():
    for name in core.__all__:
        assert hasattr(core, name), name
    assert dir(core) == sorted(core.__all__)
