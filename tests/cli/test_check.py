"""``gates check``: the table, the exit status, the failure messages, and the
reproduction line that a failure prints."""
import json
import subprocess
import sys
from importlib.metadata import version

import attrs

from core import Activation
from core.cli import main
from core.registry.discovery import HOST_DISTRIBUTION
from tests.paths import BROKEN


def test_check_every_installed_gate(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["gate", "plugin", "passed", "failed", "not", "run", "expected",
                      "failures"]
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    assert rows["relu"][1:3] == ["activations", f"({HOST_DISTRIBUTION}"]
    assert rows["relu"][-3:] == ["0", "0", "0"] and int(rows["relu"][-4]) >= 20
    assert "gate(s):" in out and "0 failed, 0 not run, 0 expected failure(s)" in out


def test_check_named_gates_and_one_check(capsys):
    assert main(["check", "huber", "softmax", "--check", "gradient_random_projection",
                 "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "huber" in out and "softmax" in out and "relu" not in out
    assert "2 gate(s): 2 passed, 0 failed" in out


def test_check_json_records(capsys):
    assert main(["check", "tanh", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["status"] for r in records} == {"passed"}
    assert {r["gate"] for r in records} == {"tanh"}
    assert "gradient_matches_finite_differences" in {r["check"] for r in records}
    assert {str(r["plugin"]) for r in records} == {str({  # fields, not a display string
        "name": "activations", "distribution": HOST_DISTRIBUTION,
        "version": version(HOST_DISTRIBUTION)})}


def test_check_an_unknown_gate_suggests(capsys):
    assert main(["check", "reul"]) == 2  # a usage error
    assert "no gate named 'reul' is registered; did you mean 'relu'" in capsys.readouterr().err


def test_check_catches_the_broken_plugin_and_exits_non_zero(site):
    # the gates-broken example as an installed distribution
    site.install("gates-broken", "0.0.1", {"broken": "gates_broken"})
    env = site.env(BROKEN)
    proc = subprocess.run([sys.executable, "-m", "core.cli", "check"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith("broken_cumsum"))
    assert row.split()[1:3] == ["broken", "(gates-broken"] and row.split()[-3:] == ["3", "0", "0"]
    assert "FAILED: gate 'broken_cumsum' (operator, plugin 'broken' (gates-broken 0.0.1))" \
        in proc.stdout
    assert "worst element of input 0 (7,): analytic 0," in proc.stdout
    line = next(x for x in proc.stdout.splitlines()
                if "reproduce:" in x and "gradient_matches_finite_differences" in x)
    command = line.split("reproduce: ")[1].split()
    assert command == ["gates", "check", "broken_cumsum", "--check",
                       "gradient_matches_finite_differences", "--seed", "0"]
    again = subprocess.run([sys.executable, "-m", "core.cli", *command[1:]], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "worst element of input 0 (7,)" in again.stdout
    assert "1 gate(s): 0 passed, 1 failed" in again.stdout


@attrs.frozen
class NeedsScale(Activation):
    """scale * x, with no default scale."""
    name = "needs_scale"
    scale: float

    def forward(self, x, out=None):
        return self.scale * x

    def derivative(self, x, y, out=None):
        return 0 * x + self.scale


def test_a_gate_that_cannot_be_built_is_a_failed_row_not_a_crash(capsys, on_default_registry):
    on_default_registry(NeedsScale, name="needs-scale")
    assert main(["check", "needs_scale", "tanh"]) == 1
    out = capsys.readouterr().out
    assert "gate 'needs_scale' (plugin 'needs-scale' (local)) could not be checked: TypeError" \
        in out
    assert "2 gate(s):" in out


def test_a_requested_check_that_does_not_apply_is_said_not_silently_passed(capsys):
    assert main(["check", "tanh", "relu", "--check", "gradient_at_kinks"]) == 0
    out = capsys.readouterr().out
    assert "note: gradient_at_kinks do(es) not apply to tanh: nothing was checked there" in out
    assert "2 gate(s): 1 passed, 0 failed" in out


def test_an_unknown_check_name_is_an_error_with_a_suggestion(capsys):
    assert main(["check", "relu", "--check", "gradient_at_kink"]) == 2  # a usage error
    err = capsys.readouterr().err
    assert "unknown check 'gradient_at_kink'" in err and "'gradient_at_kinks'" in err
    assert main(["check", "relu", "--check", "zzz"]) == 2
    assert "the checks are: name_is_valid" in capsys.readouterr().err


def test_one_failure_repeated_by_several_checks_is_printed_once_with_a_count(
        capsys, on_default_registry):
    from tests.contract.wrong_gates import Exits
    on_default_registry(Exits, name="exiting")
    assert main(["check", "exits"]) == 1
    out = capsys.readouterr().out
    assert out.count("the gate's forward raised SystemExit: 0") == 1
    assert "FAILED (the same failure in 2 checks: 'bottom_diffs_match_inputs', " \
        "'inputs_not_modified'): gate 'exits'" in out
    assert "1 gate(s): 6 passed, 2 failed, 11 not run, 0 expected failure(s)" in out
    row = next(line.split() for line in out.splitlines() if line.startswith("exits "))
    assert row[-4:] == ["6", "2", "11", "0"]  # passed, failed, not run, expected failures


def test_declared_tolerances_are_shown_with_their_reasons(capsys, on_default_registry):
    from tests.contract.wrong_gates import SeriesArctan
    on_default_registry(SeriesArctan, name="series")
    assert main(["check", "series_arctan"]) == 0
    out = capsys.readouterr().out
    assert "tolerances declared by the gates, instead of expected failures:" in out
    assert "gate 'series_arctan', check 'edge_shapes': rtol 0.001 (derivative from a series, " \
        "2e-4)" in out
    assert main(["check", "series_arctan", "--json"]) == 0
    records = {r["check"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["gradient_random_projection"]["tolerance"] == {
        "rtol": 1e-3, "reason": "derivative from a series, 2e-4"}
    assert records["deterministic"]["tolerance"] is None
    assert {"blocked_by", "status", "message", "plugin"} <= set(records["deterministic"])


class Chatty(Activation):
    """x, printing while it computes."""
    name = "chatty"

    def forward(self, x, out=None):
        print("computing forward")
        return x.copy()

    def derivative(self, x, y, out=None):
        return 0 * x + 1


def test_what_a_gate_prints_while_checked_stays_out_of_the_json(capfd, on_default_registry):
    on_default_registry(Chatty, name="chatty")
    assert main(["check", "chatty", "--json"]) == 0
    out, err = capfd.readouterr()
    assert {r["gate"] for r in json.loads(out)} == {"chatty"}
    assert "computing forward" in err
