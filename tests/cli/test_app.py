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
from tests.paths import SEED_TOML

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


def test_no_command_prints_its_usage_to_stderr(capsys):
    assert main([]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("usage: gates") and "list" in out.err
    assert "Exit status: 0 done; 1 a runtime failure; 2 a usage error" in out.err


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version_is_the_distributions(capsys, option):
    with pytest.raises(SystemExit) as exit_:
        main([option])
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


@pytest.mark.parametrize("argv", [
    ["list", "--bogus"],                          # an unknown option
    ["train", str(SEED_TOML), "--rate", "-1"],    # a bad option value
    ["draw", "no-such-net"],                      # a network that does not exist
    ["explain", str(SEED_TOML)],                  # data it needs, not given
    ["check", "reul"],                            # a gate that is not registered
    ["check", "relu", "--check", "zzz"],          # a check that does not exist
])
def test_every_usage_error_exits_2_with_the_commands_usage_on_stderr(argv, capsys):
    try:
        rc = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        rc = exit_.code
    out = capsys.readouterr()
    assert rc == 2 and out.out == ""
    assert out.err.startswith(f"usage: gates {argv[0]}") and f"gates {argv[0]}: error: " in out.err


def test_a_runtime_failure_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[gates]\na = { gate = "sigmiod", inputs = [] }\n')
    assert main(["draw", str(bad)]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("gates: error: ") and "sigmiod" in out.err


def test_an_interrupted_command_exits_130_quietly(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr("core.cli.app.cmd_list", interrupted)
    assert main(["list"]) == 130
    assert capsys.readouterr().err == "gates: interrupted\n"
