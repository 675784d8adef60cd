"""What the README shows runs as shown and says what the code does: the composing
example and its comments, the plugin module with its entry-point lines, the three-line
contract test modules, check_gate, the network-file example and its error message, and
the trace of ``gates explain seed``."""
import re
import subprocess
import sys
import types

import numpy as np

import core
from core import netfile
from core.cli import main
from core.netfile import NetworkFileError
from tests.paths import README, SEED_TOML, SWISH

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TEXT = README.read_text(encoding="utf-8")
#: the plugin author's part: "Writing a gate plugin" up to "Command line"
PLUGIN_PART = TEXT.split("## Writing a gate plugin\n", 1)[1].split("\n## Command line", 1)[0]


def section_code(heading):
    """The python blocks of the section ``## heading`` (up to the next ``## ``)."""
    body = TEXT.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, re.S)


def plugin_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", PLUGIN_PART, re.S)


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
    code = section_code("Writing a gate plugin")[0]
    my_gates = types.ModuleType("my_gates")
    exec(compile(code, "my_gates.py", "exec"), my_gates.__dict__)
    registry = core.Registry()
    assert "core.default_registry().register(my_gates)" in TEXT
    registry.register(my_gates)  # the same call, on a fresh registry
    assert "my_tanh" in registry
    x = np.array([0.5, -1.0])
    g = core.Graph(registry=registry)
    g.input("x")
    g.gate("my_tanh", "x", name="y")
    assert np.allclose(g.forward({"x": x})["y"], np.tanh(x))


def test_the_plugin_module_and_its_entry_point_lines_make_an_installed_plugin(site):
    module = next(b for b in plugin_blocks("python") if b.startswith("# my_gates.py"))
    table = tomllib.loads(plugin_blocks("toml")[0])
    group = table["project"]["entry-points"]["gates"]
    assert group == {"my_gates": "my_gates"}
    # what pip writes for that pyproject: the module and a dist-info with the entry point
    site.install("my-gates", "1.2.0", group, {"my_gates": module})
    env = site.env()
    listed = subprocess.run([sys.executable, "-m", "core.cli", "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    row = next(line.split() for line in listed.stdout.splitlines()
               if line.startswith("my_tanh"))
    assert row == ["my_tanh", "activation", "1", "my_gates", "my-gates", "1.2.0"]
    checked = subprocess.run([sys.executable, "-m", "core.cli", "check", "my_tanh"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_gate_as_shown(clean_env):
    snippet = next(b for b in plugin_blocks("python") if "from core import check_gate" in b)
    code = ("from gates_swish import Swish as MyGate\n" + snippet +
            "assert failures == [] and len(results) > 15\n"
            "assert {'gate', 'check', 'status', 'message'} <= set(results[0].as_dict())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean_env(SWISH), timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_the_three_line_test_modules_pass_through_the_pytest_plugin(tmp_path, clean_env):
    modules = [b for b in plugin_blocks("python") if "core.pytest_plugin" in b]
    assert len(modules) == 2
    for i, module in enumerate(modules):
        assert len([x for x in module.splitlines() if x.strip()]) <= 6
        (tmp_path / f"test_readme_{i}.py").write_text(module)
    # my_gates, as the README's modules import it: the swish example's gates
    (tmp_path / "my_gates.py").write_text("from gates_swish import Hinge, Swish\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=clean_env(tmp_path, SWISH))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "test_readme_0.py::test_contract[swish-gradient_matches_finite_differences] PASSED" \
        in out
    assert "test_readme_1.py::TestMyGates::test_gate_contract[hinge-cost_returns_scalar] PASSED" \
        in out
    assert " failed" not in out and " error" not in out


def test_the_readme_error_example_is_the_real_message():
    shown = re.search(r"`(seed\.toml:\d+: gates\.a2\.gate: [^`]+)`", TEXT).group(1)
    text = SEED_TOML.read_text().replace('gate = "sigmoid"', 'gate = "sigmiod"')
    try:
        netfile.build(netfile.parse(text, "seed.toml"))
    except NetworkFileError as exc:
        assert str(exc) == " ".join(shown.split())  # the README wraps lines
    else:
        raise AssertionError("the misspelt gate was accepted")


def test_the_readme_network_block_is_the_example_file():
    block = re.search(r"```toml\n(\[network\].*?)```", TEXT, re.S).group(1)
    shown = netfile.build(netfile.parse(block, "README"))
    real = netfile.load(SEED_TOML)
    assert [(n, x.op, x.inputs) for n, x in shown.nodes.items()] == \
        [(n, x.op, x.inputs) for n, x in real.nodes.items()]
    assert shown.outputs == real.outputs and shown.description == real.description


def test_the_explain_excerpt_is_what_the_command_prints(capsys):
    block = re.search(r"    \$ gates explain seed --shapes-only\n((?:    .*\n)+)", TEXT).group(1)
    shown = [line[4:] for line in block.splitlines() if line.strip() != "..."]
    assert len(shown) >= 6
    assert main(["explain", "seed", "--shapes-only"]) == 0
    out = capsys.readouterr().out.splitlines()
    version = re.compile(r"\(gates [^)]*\)")  # the README need not follow every release
    shown = [version.sub("(gates)", line) for line in shown]
    out = [version.sub("(gates)", line) for line in out]
    start = out.index(shown[0])
    assert out[start:start + len(shown)] == shown


def test_the_readme_lists_every_size_limit_with_its_variable_and_default():
    from core.limits import LIMITS
    table = TEXT.split("| variable | default | bounds |", 1)[1].split("\n\n", 1)[0]
    for entry in LIMITS.values():
        row = next(line for line in table.splitlines() if f"`{entry.env}`" in line)
        default = row.split("|")[2]
        assert str(entry.default) in default.replace(",", "") or \
            f"{entry.default // 2 ** 20} MiB" in default, (entry.env, default)
