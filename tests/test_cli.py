"""The gates command: list, plugins, demo."""
import json
import os
import subprocess
import sys
from pathlib import Path

from core.cli import main

SEED_GATES = {"add", "mul", "matmul", "sigmoid", "identity", "mse"}


def test_list_json_shows_the_builtins_with_their_distribution(capsys):
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_name = {r["name"]: r for r in rows}
    assert SEED_GATES <= set(by_name)
    for name in SEED_GATES:
        assert by_name[name]["distribution"] == "gates"
        assert {"name", "kind", "distribution", "version", "plugin", "arity"} <= set(by_name[name])
    assert by_name["add"]["kind"] == "operator"
    assert by_name["sigmoid"]["kind"] == "activation"
    assert by_name["mse"]["kind"] == "cost"


def test_list_table(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "kind", "arity", "plugin", "distribution",
                                           "version"]
    assert any(line.split()[:2] == ["matmul", "operator"] for line in out.splitlines())


def test_demo_trains(capsys):
    assert main(["demo", "--epochs", "1500"]) == 0
    out = capsys.readouterr().out
    losses = [float(line.split("J =")[1]) for line in out.splitlines() if line.strip().startswith("step")]
    assert len(losses) >= 3 and losses[-1] < losses[0] / 100
    assert "prediction" in out


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("gates")
    result = subprocess.run([str(script), "list", "--json"], capture_output=True, text=True,
                            env={**os.environ, "GATES_STRICT_PLUGINS": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert SEED_GATES <= {r["name"] for r in json.loads(result.stdout)}


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "list" in capsys.readouterr().out
