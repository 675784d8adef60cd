"""The tests' own layout: every folder mirrors a part of the source tree and is a package,
and no test module imports another test module or a conftest (shared setup lives in
conftest fixtures and support modules)."""
import ast
from pathlib import Path

from tests.paths import ROOT

TESTS = Path(__file__).resolve().parent


def folders():
    return sorted({p.parent for p in TESTS.rglob("*.py")} - {TESTS})


def test_every_folder_mirrors_the_source_tree():
    # tests/engine/planned for core/engine/planned, tests/plugins for plugins/, ...
    strays = [f.relative_to(TESTS) for f in folders()
              if not (ROOT / "core" / f.relative_to(TESTS)).is_dir()
              and not (ROOT / f.relative_to(TESTS)).is_dir()]
    assert strays == []


def test_every_folder_is_a_package():
    assert [f.relative_to(TESTS) for f in folders() if not (f / "__init__.py").exists()] == []


def imported(path):
    """The dotted names a module imports: modules, and the names taken from a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            yield from (f"{base}.{a.name}" for a in node.names)


def test_no_test_module_imports_a_test_module_or_a_conftest():
    offenders = [(str(p.relative_to(TESTS)), name)
                 for p in TESTS.rglob("*.py") for name in imported(p)
                 if name.split(".")[-1].startswith("test_")
                 or name.split(".")[-1] == "conftest"]
    assert offenders == []
