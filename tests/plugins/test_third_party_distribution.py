"""A real third-party distribution: examples/gates-swish installed with the
project into a fresh virtual environment (no system site-packages, nothing of
this checkout on the path). Its gates are listed with its name and version, a
network composed by name from them trains, and its own three-line contract
test module passes through the pytest plugin. An install failure fails here."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.paths import ROOT, SWISH

PROJECT_FILES = ("core", "gates", "plugins", "pyproject.toml", "README.md")


def run(*cmd, cwd, timeout=300):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATES_", "PYTHON", "PYTEST_", "VIRTUAL_ENV"))}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """(bin directory, work directory) of a fresh environment with gates and gates-swish."""
    work = tmp_path_factory.mktemp("thirdparty")
    project = work / "gates-project"
    project.mkdir()
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(src, project / name)
    shutil.copytree(SWISH, work / "gates-swish",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    made = run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    assert made.returncode == 0, made.stderr
    bin_dir = work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    # the project's build backend first, so that both builds skip build isolation
    steps = [[python, "-m", "pip", "install", "-q", "setuptools>=77"],
             [python, "-m", "pip", "install", "-q", "--no-build-isolation",
              project, work / "gates-swish", "pytest>=7.4"]]
    for step in steps:
        done = run(*step, cwd=work)
        assert done.returncode == 0, f"install failed: {' '.join(map(str, step))}\n" \
                                     f"{done.stdout}\n{done.stderr}"
    return bin_dir, work


def test_gates_list_shows_the_distribution_and_version(venv):
    bin_dir, work = venv
    proc = run(bin_dir / "gates", "list", "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    gates = {g["name"]: g for g in json.loads(proc.stdout)}
    for name, kind in (("swish", "activation"), ("hinge", "cost")):
        assert gates[name]["kind"] == kind
        assert (gates[name]["distribution"], gates[name]["version"]) == ("gates-swish", "0.3.1")
        assert gates[name]["plugin"] == "swish"
    assert gates["relu"]["distribution"] == "gates-nn"
    plugins = {p["name"]: p for p in json.loads(
        run(bin_dir / "gates", "plugins", "--json", cwd=work).stdout)}
    assert plugins["swish"]["status"] == "loaded"
    assert sorted(plugins["swish"]["gates"]) == ["hinge", "swish"]


def test_the_installed_code_is_not_this_checkout(venv):
    bin_dir, work = venv
    proc = run(bin_dir / "python", "-c", "import core, gates_swish; print(core.__file__); "
               "print(gates_swish.__file__)", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert str(ROOT) not in proc.stdout and "site-packages" in proc.stdout


def test_a_network_composed_by_name_from_its_gates_trains(venv):
    bin_dir, work = venv
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
    proc = run(bin_dir / "python", "-c", script, cwd=work)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["after"] < 0.25 * result["before"]
    assert result["right"] == 4


def test_its_own_contract_tests_pass_through_the_pytest_plugin(venv):
    bin_dir, work = venv
    proc = run(bin_dir / "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
               "tests", cwd=work / "gates-swish")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "plugins: gates-nn-0.1.0" in run(bin_dir / "python", "-m", "pytest", "--co", "-q",
                                         "tests", "-p", "no:cacheprovider", "-v",
                                         cwd=work / "gates-swish").stdout
    assert "PASSED tests/test_contract.py::test_contract[swish-gradient_matches_finite_" \
        "differences]" in out
    assert "PASSED tests/test_contract.py::test_contract[hinge-cost_returns_scalar]" in out
    assert " passed" in out and "failed" not in out


def test_gates_check_passes_for_its_gates(venv):
    bin_dir, work = venv
    proc = run(bin_dir / "gates", "check", "swish", "hinge", cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "swish" in proc.stdout and "swish (gates-swish 0.3.1)" in proc.stdout
