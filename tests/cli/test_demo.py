"""gates demo: it trains, its options have help and checked values, its predictions never
show -0; a run that diverges (demo or train) ends in one error."""
import re
import warnings

import pytest

from core.cli import main


def test_demo_trains(capsys):
    assert main(["demo", "--epochs", "1500"]) == 0
    out = capsys.readouterr().out
    losses = [float(line.split("J =")[1]) for line in out.splitlines()
              if line.strip().startswith("step")]
    assert len(losses) >= 3 and losses[-1] < losses[0] / 100
    assert "prediction" in out


def test_demo_options_have_help_and_checked_values(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = capsys.readouterr().out
    assert re.search(r"--epochs EPOCHS\s+full-batch steps", out)
    assert re.search(r"--rate RATE\s+learning rate", out)
    assert re.search(r"--seed SEED\s+seed of the initial weights", out)
    with pytest.raises(SystemExit):
        main(["demo", "--rate", "nan"])
    assert "argument --rate" in capsys.readouterr().err


def test_demo_predictions_never_show_minus_zero(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "-0.000000" not in out and re.search(r"  0   0    0\.000     0\.000000", out)


@pytest.mark.parametrize("command", [["demo"], ["train", "seed", "-o", "{tmp}/n.toml"]])
def test_a_diverging_run_ends_in_one_error_without_numpy_warnings(tmp_path, capsys, command):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from numpy would raise here
        rc = main([a.format(tmp=tmp_path) for a in command] + ["--rate", "1e200"])
    err = capsys.readouterr().err
    assert rc == 1 and "the loss became inf" in err and "try a smaller rate than 1e+200" in err
