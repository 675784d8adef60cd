"""What the README shows a plugin author -- the plugin module, its two
pyproject lines, the three-line contract test modules and check_gate -- runs
as shown."""
import os
import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SECTION = README.split("## Writing a gate plugin\n", 1)[1].split("\n## Command line", 1)[0]


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", SECTION, re.S)


def env_with(*paths):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATES_", "PYTEST_ADDOPTS", "PYTEST_DISABLE"))}
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), str(ROOT)])
    return env


def test_the_plugin_module_and_its_entry_point_lines_make_an_installed_plugin(tmp_path):
    module = next(b for b in blocks("python") if b.startswith("# my_gates.py"))
    (tmp_path / "my_gates.py").write_text(module)
    table = tomllib.loads(blocks("toml")[0])
    group = table["project"]["entry-points"]["gates"]
    assert group == {"my_gates": "my_gates"}
    # what pip writes for that pyproject: a dist-info with the entry point
    info = tmp_path / "my_gates-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-gates\nVersion: 1.2.0\n")
    (info / "entry_points.txt").write_text(
        "[gates]\n" + "".join(f"{k} = {v}\n" for k, v in group.items()))
    env = env_with(tmp_path)
    listed = subprocess.run([sys.executable, "-m", "core.cli", "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    row = next(line.split() for line in listed.stdout.splitlines()
               if line.startswith("my_tanh"))
    assert row == ["my_tanh", "activation", "1", "my_gates", "my-gates", "1.2.0"]
    checked = subprocess.run([sys.executable, "-m", "core.cli", "check", "my_tanh"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_gate_as_shown(tmp_path):
    snippet = next(b for b in blocks("python") if "from core import check_gate" in b)
    code = ("from gates_swish import Swish as MyGate\n" + snippet +
            "assert failures == [] and len(results) > 15\n"
            "assert {'gate', 'check', 'status', 'message'} <= set(results[0].as_dict())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env_with(ROOT / "examples" / "gates-swish"), timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_the_three_line_test_modules_pass_through_the_pytest_plugin(tmp_path):
    modules = [b for b in blocks("python") if "core.pytest_plugin" in b]
    assert len(modules) == 2
    for i, module in enumerate(modules):
        assert len([x for x in module.splitlines() if x.strip()]) <= 6
        (tmp_path / f"test_readme_{i}.py").write_text(module)
    # my_gates, as the README's modules import it: the swish example's gates
    (tmp_path / "my_gates.py").write_text("from gates_swish import Hinge, Swish\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=env_with(tmp_path, ROOT / "examples" / "gates-swish"))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "test_readme_0.py::test_contract[swish-gradient_matches_finite_differences] PASSED" \
        in out
    assert "test_readme_1.py::TestMyGates::test_gate_contract[hinge-cost_returns_scalar] PASSED" \
        in out
    assert " failed" not in out and " error" not in out
