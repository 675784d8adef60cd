"""The gates command itself: list, help, --version, a subcommand's usage, a closed pipe,
and the installed console script."""
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from core.cli import main
from core.registry.discovery import HOST_DISTRIBUTION

SEED_GATES = {"add", "mul", "matmul", "sigmoid", "identity", "mse"}


def test_list_json_shows_the_builtins_with_their_distribution(capsys):
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_name = {r["name"]: r for r in rows}
    assert SEED_GATES <= set(by_name)
    for name in SEED_GATES:
        assert by_name[name]["distribution"] == HOST_DISTRIBUTION
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


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("gates")
    result = subprocess.run([str(script), "list", "--json"], capture_output=True, text=True,
                            env={**os.environ, "GATES_STRICT_PLUGINS": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert SEED_GATES <= {r["name"] for r in json.loads(result.stdout)}


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "list" in capsys.readouterr().out


def test_version_is_the_distributions(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"gates {version(HOST_DISTRIBUTION)}\n"


def test_an_unknown_option_shows_the_subcommands_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--bogus"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith("usage: gates list [-h] [--json]")
    assert "gates list: error: unrecognized arguments: --bogus" in err


def test_closed_pipe_is_quiet():
    # a reader that stops early (``gates list | head -1``) gets no traceback
    p = subprocess.Popen([sys.executable, "-m", "core.cli", "list", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader is gone before a byte is written
    err = p.stderr.read().decode()
    rc = p.wait()
    p.stderr.close()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert rc == 141
