"""Small command-line and display fixes: --version, subcommand usage, close names, -0."""
import re
from importlib.metadata import version

import pytest

from core.cli import main
from core.errors import suggest
from core.engine.training import History


def test_version_is_the_distributions(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out == f"gates {version('gates')}\n"


def test_an_unknown_option_shows_the_subcommands_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--bogus"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith("usage: gates list [-h] [--json]")
    assert "gates list: error: unrecognized arguments: --bogus" in err


def test_a_mistyped_example_suggests_the_close_name(capsys):
    assert main(["draw", "sed"]) == 1
    err = capsys.readouterr().err
    assert "no network file 'sed'; did you mean 'seed'? Give a .toml network file" in err
    assert main(["draw", "zzz"]) == 1
    assert "no network file 'zzz'; give a .toml" in capsys.readouterr().err


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


def test_seed_network_example_predictions_never_show_minus_zero(capsys):
    import runpy
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "examples" / "seed_network.py"
    runpy.run_path(str(path), run_name="__main__")
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("predictions:") and "-0." not in line


def test_history_repr_is_short():
    h = History([float(k) for k in range(100000, 0, -1)], [2.5])
    assert repr(h) == "History(100000 steps, first 100000, last 1, 1 epochs)"
    assert repr(History()) == "History(0 steps, 0 epochs)"


def test_suggest_with_a_listing_reads_as_sentences():
    assert suggest("lecunn", ["zeros", "lecun"], "known") == \
        "; did you mean 'lecun'? Known: zeros, lecun"
    assert suggest("qqq", ["zeros", "lecun"], "known") == "; known: zeros, lecun"
    assert suggest("lecunn", ["zeros", "lecun"]) == "; did you mean 'lecun'?"


def test_a_wrong_input_name_reads_well(tmp_path, capsys):
    from pathlib import Path
    nets = Path(__file__).resolve().parent.parent / "examples" / "networks"
    rc = main(["train", str(nets / "seed.toml"), "--data", str(nets / "xor.csv"),
               "--columns", "Xx=x1,x2", "-o", str(tmp_path / "n.toml")])
    err = capsys.readouterr().err
    assert rc == 1 and "no input 'Xx'; did you mean 'X'? Its inputs are: X, Y" in err
    assert "?;" not in err


def test_unknown_names_read_as_one_sentence_with_the_known_ones():
    import numpy as np
    import pytest
    from core import GraphError
    from core.graph.init import initialise
    with pytest.raises(GraphError) as info:
        initialise("lecunn", (2, 3), np.random.default_rng(0), np.float64)
    message = str(info.value)
    assert "did you mean 'lecun'? The initialisers are: " in message and "?;" not in message
