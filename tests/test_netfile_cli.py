"""The draw, explain and train commands, run as a user runs them."""
import re
from pathlib import Path

import numpy as np
import pytest

from core.cli import main
from core.views.dot import dot_program
from core.netfile.saved import load

NETWORKS = Path(__file__).resolve().parent.parent / "examples" / "networks"
SEED, XOR = str(NETWORKS / "seed.toml"), str(NETWORKS / "xor.csv")
COLUMNS = ["--data", XOR, "--columns", "X=x1,x2", "--columns", "Y=xor"]


def test_train_saves_a_network_that_loads(tmp_path, capsys):
    out = tmp_path / "trained.toml"
    rc = main(["train", SEED, *COLUMNS, "--epochs", "300", "--rate", "0.5", "-o", str(out),
               "--history", str(tmp_path / "loss.csv"), "--curve", str(tmp_path / "loss.svg")])
    text = capsys.readouterr()
    assert rc == 0 and text.err == ""  # not a terminal: no live progress line
    first, last = map(float, re.search(r"J went from (\S+) to (\S+) in 300 steps",
                                       text.out).groups())
    assert last < first
    net = load(out)
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    assert net.value_and_grad({"X": x, "Y": y})[0] == pytest.approx(last, rel=0.2)
    assert len((tmp_path / "loss.csv").read_text().splitlines()) == 301
    assert (tmp_path / "loss.svg").read_text().startswith("<svg")
    assert "final_loss" in out.read_text()


def test_train_names_a_wrong_column(capsys):
    rc = main(["train", SEED, "--data", XOR, "--columns", "X=x1,x2", "--columns", "Y=xr"])
    err = capsys.readouterr().err
    assert rc == 1 and "no column named 'xr'" in err and "did you mean 'xor'" in err


def test_train_without_a_mapping_lists_the_columns(capsys):
    assert main(["train", SEED, "--data", XOR]) == 1
    assert "no column for input 'X'; choose them with --columns X=" in capsys.readouterr().err


def test_explain_the_seed_example(capsys):
    assert main(["explain", "seed"]) == 0
    out = capsys.readouterr().out
    for k in range(1, 11):
        assert f"B{k} " in out
    assert "B11" not in out and "dJ/dW1 = dJ/dz3 . dz3/da2W2" in out


def test_explain_needs_data_for_a_file(capsys):
    assert main(["explain", SEED]) == 1
    assert "this needs data: --data FILE.csv" in capsys.readouterr().err


def test_draw_writes_dot_text(tmp_path, capsys):
    assert main(["draw", SEED]) == 0
    assert capsys.readouterr().out.startswith('digraph "seed"')
    assert main(["draw", "seed", "-o", str(tmp_path / "seed.dot")]) == 0
    assert "#15803d" in (tmp_path / "seed.dot").read_text()  # the example draws its gradients


def test_unknown_network(capsys):
    assert main(["draw", "no-such-net"]) == 1
    assert "one of the examples: seed" in capsys.readouterr().err


@pytest.mark.skipif(dot_program() is None, reason="Graphviz's 'dot' program is not installed "
                                                   "(apt-get install graphviz)")
def test_draw_renders_svg(tmp_path, capsys):
    assert main(["draw", SEED, *COLUMNS, "-o", str(tmp_path / "seed.svg")]) == 0
    assert "<svg" in (tmp_path / "seed.svg").read_text()
