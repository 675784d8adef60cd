"""Each class of wrong gate the suite used to miss or misreport is caught, root cause first:
the first failure is the check that names the mistake, its message names the gate, the
check and where (the element, or the inputs), and its reproduction line fails when run."""
import subprocess
import sys

import pytest

from core import CheckFailure, check_gate
from tests.contract import wrong_gates as w
from tests.paths import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # wrong on purpose

CASES = [
    (w.TailSoftplus, "gradient_matches_finite_differences",
     ["worst element of input 0", "input 0 at", "analytic", "numeric"]),
    (w.NanForLarge, "results_are_finite",
     ["bottom_diff 0 is nan at element", "where the input is 709.78"]),
    (w.ClipsLargeInPlace, "inputs_not_modified",
     ["forward modified input 0 in place: element", "is now 100"]),
    (w.MeanBiasAdd, "broadcasting",
     ["input 0 as a bias row: inputs shaped (1, 3), (4, 3)", "worst element of input 0 (0, "]),
    (w.OutTanh, "edge_shapes",
     ["forward took 0-d inputs (inputs shaped ()) but derivative then raised TypeError"]),
    (w.MeanByHand, "edge_shapes",
     ["forward took an empty batch (inputs shaped (0, 3), (0, 3)) but gradient then raised "
      "ZeroDivisionError"]),
    (w.SharedGradientAdd, "results_do_not_alias",
     ["bottom_diff 0 shares memory with bottom_diff 1"]),
    (w.ViewOfInput, "results_do_not_alias", ["the forward output shares memory with input 0"]),
    (w.Noisy, "deterministic", ["two forward calls on the same inputs differ at element (0,)"]),
    (w.Doubling, "inputs_not_modified", ["forward modified input 0 in place: element (0,)"]),
    (w.OverwritesTopDiff, "inputs_not_modified",
     ["backward modified top_diff in place: element (0,)"]),
    (w.WrongShape, "bottom_diffs_match_inputs",
     ["returned a bottom_diff of shape (20,) for input 1 of shape (4, 5)"]),
    (w.Exits, "bottom_diffs_match_inputs", ["the gate's forward raised SystemExit: 0"]),
    (w.SeriesArctanUndeclared, "gradient_matches_finite_differences",
     ["worst element of input 0", "rel error 0.0002"]),
]


def reproduction(message):
    return next(line for line in message.splitlines() if "reproduce:" in line).split(
        "reproduce: ", 1)[1]


@pytest.mark.parametrize("gate_type, check, words", CASES, ids=[c[0].name for c in CASES])
def test_the_mistake_is_caught_first_by_its_check(gate_type, check, words):
    results = check_gate(gate_type())
    failed = [r for r in results if not r.ok]
    assert failed and failed[0].check == check, [(r.check, r.message) for r in failed]
    assert all(r.status == "failed" for r in failed)  # the gate's, never the suite's error
    m = failed[0].message
    assert m.startswith(f"gate {gate_type.name!r} (") and f"check {check!r} failed" in m
    for words_ in words:
        assert words_ in m, m
    line = reproduction(m)
    assert line.startswith(f'python -c "from tests.contract.wrong_gates import '
                           f'{gate_type.__name__};')
    with pytest.raises(CheckFailure, match=f"gate {gate_type.name!r} .*check {check!r} failed"):
        exec(line[len('python -c "'):-1], {})  # the line's code, run as it is


def test_a_reproduction_line_fails_when_run_in_a_shell(clean_env):
    m = next(r.message for r in check_gate(w.MeanBiasAdd()) if not r.ok)
    proc = subprocess.run(reproduction(m).replace("python", sys.executable, 1), shell=True,
                          cwd=ROOT, env=clean_env(), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "CheckFailure: gate 'mean_bias_add'" in proc.stderr
    assert "check 'broadcasting' failed" in proc.stderr


def test_checks_that_need_a_failed_fundamental_are_not_run_because_of_it():
    results = {r.check: r for r in check_gate(w.OverwritesTopDiff())}
    assert [c for c, r in results.items() if r.status == "failed"] == ["inputs_not_modified"]
    for name in ("deterministic", "gradient_matches_finite_differences", "broadcasting"):
        r = results[name]
        assert r.status == "skipped" and r.ok and r.blocked_by == "inputs_not_modified"
        assert r.message == (f"gate 'overwrites_top_diff': check {name!r} not run: it needs "
                             f"check 'inputs_not_modified', which failed (reported there)")


@pytest.mark.parametrize("gate_type, root", [(w.Noisy, "deterministic"),
                                             (w.Doubling, "inputs_not_modified")])
def test_a_noisy_or_mutating_activation_gets_no_advice_to_be_an_operator(gate_type, root):
    results = {r.check: r for r in check_gate(gate_type())}
    assert results["elementwise"].status == "skipped"
    assert results["elementwise"].blocked_by == root
    assert not any("Operator" in r.message for r in results.values())


def test_a_requested_check_whose_fundamental_failed_reports_that_failure():
    results = check_gate(w.OverwritesTopDiff(), checks=["gradient_matches_finite_differences"])
    assert [(r.check, r.status) for r in results] == [
        ("gradient_matches_finite_differences", "skipped"), ("inputs_not_modified", "failed")]


def test_a_declared_tolerance_passes_and_is_reported():
    results = check_gate(w.SeriesArctan())
    assert all(r.status == "passed" for r in results), [r.message for r in results if not r.ok]
    declared = {r.check: r.tolerance for r in results if r.tolerance}
    assert set(declared) == {"gradient_matches_finite_differences",
                             "gradient_random_projection", "edge_shapes"}
    assert declared["edge_shapes"] == {"rtol": 1e-3, "reason": "derivative from a series, 2e-4"}
