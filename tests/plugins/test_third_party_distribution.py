"""A real third-party distribution, installed as examples/gates-swish/README.md says.

A copy of the project (with examples/gates-swish in it) gets a fresh virtual environment
``.venv`` -- no system site-packages, nothing of this checkout -- the framework is
installed into it, and then every command of the swish README runs there as written,
in order. No package index is used: pip runs with ``--no-index --no-build-isolation``
(and no configuration file), and what it would download -- numpy, pluggy, attrs,
pytest, setuptools -- comes from the environment running these tests
(tests/plugins/offline.py). The steps are printed (pytest -s or -rP shows them). Its
gates are listed with its name and version, checked, trained by name, and its own
three-line contract test module passes through the pytest plugin."""
import json
import re
import shutil
import textwrap

import pytest

from tests.docs.blocks import blocks
from tests.paths import ROOT, SWISH
from tests.plugins.offline import OFFLINE, make_venv, run, run_shell, say

PROJECT_FILES = ("core", "gates", "plugins", "pyproject.toml", "README.md")
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", ".pytest_cache")


def offline(line):
    """A README line with pip told to install from what is already here."""
    return re.sub(r"\bpip install\b", "pip install " + " ".join(OFFLINE), line)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """(the copy's folder, {README command: its result}): the framework installed into
    the copy's fresh .venv, then the swish README's commands run in the copy."""
    clone = tmp_path_factory.mktemp("thirdparty") / "gates-nn"
    say(f"copying {', '.join(PROJECT_FILES)} and examples/gates-swish to {clone}")
    clone.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, clone / name, ignore=IGNORE)
        else:
            shutil.copy(ROOT / name, clone / name)
    shutil.copytree(SWISH, clone / "examples" / "gates-swish", ignore=IGNORE)
    try:
        bin_dir = make_venv(clone / ".venv", clone)
    except LookupError as exc:
        pytest.skip(f"cannot make an environment without a package index: {exc} "
                    f"(pip install -e '.[test]' installs it)")
    say("installing the framework into it: pip install --no-index --no-build-isolation .")
    done = run(bin_dir / "pip", "install", *OFFLINE, ".", cwd=clone)
    assert done.returncode == 0, f"installing the framework failed:\n{done.stdout}{done.stderr}"
    results = {}
    for block in (b for b in blocks(SWISH / "README.md") if b.language == "sh"):
        for line in block.code.splitlines():
            say(f"{block.name}: {line}" + (" (with --no-index --no-build-isolation)"
                                          if "pip install" in line else ""))
            results[line] = run_shell(offline(line), clone)
    return clone, results


def test_every_command_of_the_readme_succeeds(clone):
    _, results = clone
    assert len(results) == 5
    for line, proc in results.items():
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"


def test_gates_list_shows_the_distribution_and_version(clone):
    folder, results = clone
    rows = {r.split()[0]: r.split() for r in results[".venv/bin/gates list"].stdout.splitlines()
            if r.strip()}
    assert rows["swish"] == ["swish", "activation", "1", "swish", "gates-swish", "0.3.1"]
    assert rows["hinge"] == ["hinge", "cost", "2", "swish", "gates-swish", "0.3.1"]
    assert rows["relu"][4] == "gates-nn"
    plugins = {p["name"]: p for p in json.loads(
        run(".venv/bin/gates", "plugins", "--json", cwd=folder).stdout)}
    assert plugins["swish"]["status"] == "loaded"
    assert sorted(plugins["swish"]["gates"]) == ["hinge", "swish"]


def test_the_installed_code_is_not_this_checkout(clone):
    folder, _ = clone
    # from outside the copy, whose core/ would otherwise come first on the path
    proc = run(folder / ".venv" / "bin" / "python", "-c", "import core, gates_swish; "
               "print(core.__file__); print(gates_swish.__file__)", cwd=folder.parent)
    assert proc.returncode == 0, proc.stderr
    assert str(ROOT) not in proc.stdout and proc.stdout.count("site-packages") == 2


def test_a_network_composed_by_name_from_its_gates_trains(clone):
    folder, _ = clone
    script = textwrap.dedent("""
        import json
        import numpy as np
        from core import mlp, train
        X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
        Y = np.array([[-1], [1], [1], [-1]], float)       # hinge targets are signs
        net = mlp([2, 8, 1], "swish", output_activation="identity", cost="hinge", seed=3)
        before = net.value_and_grad({"X": X, "Y": Y})[0]
        train(net, {"X": X, "Y": Y}, epochs=2000, rate=0.1)
        after = net.value_and_grad({"X": X, "Y": Y})[0]
        (output,) = net.predict({"X": X}).values()
        pred = np.sign(output)
        print(json.dumps({"before": before, "after": after,
                          "right": int((pred == Y).sum())}))
    """)
    proc = run(folder / ".venv" / "bin" / "python", "-c", script, cwd=folder.parent)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["after"] < 0.25 * result["before"]
    assert result["right"] == 4


def test_its_own_contract_tests_pass_through_the_pytest_plugin(clone):
    folder, results = clone
    (line,) = [k for k in results if "-m pytest" in k]
    out = results[line].stdout + results[line].stderr
    assert re.search(r"\b\d+ passed\b", out) and "failed" not in out and "error" not in out, out
    header = run(".venv/bin/python", "-m", "pytest", "--co", "-q", "-v", "-p",
                 "no:cacheprovider", "examples/gates-swish/tests", cwd=folder).stdout
    assert "plugins: gates-nn-0.1.0" in header
    assert "test_contract[swish-gradient_matches_finite_differences]" in header
    assert "test_contract[hinge-cost_returns_scalar]" in header


def test_gates_check_passes_for_its_gates(clone):
    _, results = clone
    proc = results[".venv/bin/gates check swish hinge"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "swish (gates-swish 0.3.1)" in proc.stdout
