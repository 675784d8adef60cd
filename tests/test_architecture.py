"""Architecture rules that a change could silently break."""
import ast
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_core_imports_nothing_from_gates_or_plugins():
    offenders = [(p.name, m) for p in (ROOT / "core").rglob("*.py")
                 for m in imported_modules(p) if m.split(".")[0] in ("gates", "plugins")]
    assert offenders == []


def test_every_hook_has_a_docstring():
    from core import hookspecs
    hooks = [name for name in dir(hookspecs)
             if hasattr(getattr(hookspecs, name), "gates_spec")]
    assert hooks, "no hookspecs found"
    for name in hooks:
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name


def test_public_api_is_gathered_in_core():
    for name in core.__all__:
        assert hasattr(core, name), name
