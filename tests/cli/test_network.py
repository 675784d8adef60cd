"""gates draw, explain and train on a network file or an example, run as a user runs them:
what they write, and the mistakes in their arguments they name."""
import re

import pytest

from core.cli import main
from core.netfile.saved import load
from core.views.dot import dot_program
from tests.paths import SEED_TOML, XOR_CSV

SEED, XOR = str(SEED_TOML), str(XOR_CSV)
COLUMNS = ["--data", XOR, "--columns", "X=x1,x2", "--columns", "Y=xor"]


def test_train_saves_a_network_that_loads(tmp_path, capsys, xor):
    out = tmp_path / "trained.toml"
    rc = main(["train", SEED, *COLUMNS, "--epochs", "300", "--rate", "0.5", "-o", str(out),
               "--history", str(tmp_path / "loss.csv"), "--curve", str(tmp_path / "loss.svg")])
    text = capsys.readouterr()
    assert rc == 0 and text.err == ""  # not a terminal: no live progress line
    first, last = map(float, re.search(r"J went from (\S+) to (\S+) in 300 steps",
                                       text.out).groups())
    assert last < first
    net = load(out)
    assert net.value_and_grad(xor)[0] == pytest.approx(last, rel=0.2)
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


def test_columns_for_an_input_the_network_lacks(capsys):
    assert main(["train", SEED, *COLUMNS, "--columns", "Xx=x1"]) == 2  # a usage error
    assert "the network has no input 'Xx'; did you mean 'X'" in capsys.readouterr().err


def test_a_wrong_input_name_reads_well(tmp_path, capsys):
    rc = main(["train", SEED, "--data", XOR, "--columns", "Xx=x1,x2",
               "-o", str(tmp_path / "n.toml")])
    err = capsys.readouterr().err
    assert rc == 2 and "no input 'Xx'; did you mean 'X'? Its inputs are: X, Y" in err
    assert "?;" not in err


def test_the_wrong_number_of_columns_for_an_input(capsys):
    assert main(["train", SEED, "--data", XOR, "--columns", "X=x1", "--columns", "Y=xor"]) == 2
    assert "input 'X' takes 2 column(s) (shape ['batch', 2]), but 1 were chosen: x1" \
        in capsys.readouterr().err


def test_an_input_named_like_a_column_needs_no_mapping(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("X,Y\n0.5,1\n-0.5,0\n")
    net = tmp_path / "net.toml"
    net.write_text('[inputs]\nX = { shape = ["batch"] }\nY = { shape = ["batch"] }\n'
                   '[params]\nw = { value = 0.0 }\n[gates]\np = { gate = "mul", '
                   'inputs = ["X", "w"] }\n[cost]\nJ = { gate = "mse", inputs = ["p", "Y"] }\n')
    rc = main(["train", str(net), "--data", str(data), "--epochs", "5",
               "-o", str(tmp_path / "trained.toml")])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "saved the trained network to" in out.out and (tmp_path / "trained.toml").exists()


def test_a_network_without_cost_names_the_file_and_the_fix(tmp_path, capsys):
    text = SEED_TOML.read_text()
    path = tmp_path / "nocost.toml"
    path.write_text(text[:text.index("[cost]")])
    for command in ("explain", "train"):
        rc = main([command, str(path), *COLUMNS, "-o" if command == "train" else "--rows",
                   str(tmp_path / "o.toml") if command == "train" else "2"])
        err = capsys.readouterr().err
        assert rc == 1 and f"{path}: the network has no [cost] section; add one" in err
        assert 'J = { gate = "mse"' in err and "of=[" not in err


def test_explain_the_seed_example(capsys):
    assert main(["explain", "seed"]) == 0
    out = capsys.readouterr().out
    for k in range(1, 11):
        assert f"B{k} " in out
    assert "B11" not in out and "dJ/dW1 = dJ/dz3 . dz3/da2W2" in out


def test_explain_needs_data_for_a_file_unless_shapes_only(capsys):
    assert main(["explain", SEED]) == 2  # a usage error
    assert "this needs data: --data FILE.csv" in capsys.readouterr().err


def test_draw_writes_dot_text(tmp_path, capsys):
    assert main(["draw", SEED]) == 0
    assert capsys.readouterr().out.startswith('digraph "seed"')
    assert main(["draw", "seed", "-o", str(tmp_path / "seed.dot")]) == 0
    assert "#15803d" in (tmp_path / "seed.dot").read_text()  # the example draws its gradients


def test_unknown_network(capsys):
    assert main(["draw", "no-such-net"]) == 2
    assert "one of the examples: seed" in capsys.readouterr().err


def test_a_mistyped_example_suggests_the_close_name(capsys):
    assert main(["draw", "sed"]) == 2
    err = capsys.readouterr().err
    assert "no network file 'sed'; did you mean 'seed'? Give a .toml network file" in err
    assert main(["draw", "zzz"]) == 2
    assert "no network file 'zzz'; give a .toml" in capsys.readouterr().err


def test_draw_without_graphviz_writes_dot_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("core.views.dot.shutil.which", lambda name: None)
    out = tmp_path / "seed.png"
    assert main(["draw", "seed", "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "'dot' program is not installed" in err and "apt-get install graphviz" in err
    assert not out.exists()
    assert (tmp_path / "seed.dot").read_text().startswith('digraph "seed"')
    assert main(["draw", "seed", "-o", str(tmp_path / "seed.jpeg")]) == 2  # a usage error


@pytest.mark.skipif(dot_program() is None, reason="Graphviz's 'dot' program is not installed "
                                                   "(apt-get install graphviz)")
def test_draw_renders_svg(tmp_path, capsys):
    assert main(["draw", SEED, *COLUMNS, "-o", str(tmp_path / "seed.svg")]) == 0
    assert "<svg" in (tmp_path / "seed.svg").read_text()


def test_explain_shapes_only_needs_no_data_and_prints_no_value(capsys):
    assert main(["explain", SEED, "--shapes-only"]) == 0
    out = capsys.readouterr().out
    assert "One step of backprop on a batch of n (shapes only, no data)" in out
    assert "F1  XW1  = matmul(X nx2, W1 2x3) -> nx3" in out
    values = re.compile(r"(?m)^ {8}[-\[\d]|: J = |: mean ")  # a value line, J and its value
    assert not values.search(out)
    assert main(["explain", "seed", "--shapes-only"]) == 0  # the example's own data
    out = capsys.readouterr().out
    assert "One step of backprop on a batch of 4 (shapes only)\n" in out
    assert not values.search(out)
    assert main(["explain", "seed"]) == 0
    assert values.search(capsys.readouterr().out)  # the pattern does find values


def test_explain_shapes_only_of_undeclared_shapes_asks_for_data(tmp_path, capsys):
    net = tmp_path / "net.toml"
    net.write_text('[inputs]\nX = {}\nY = {}\n[params]\nw = { value = 0.0 }\n[gates]\n'
                   'p = { gate = "mul", inputs = ["X", "w"] }\n'
                   '[cost]\nJ = { gate = "mse", inputs = ["p", "Y"] }\n')
    assert main(["explain", str(net), "--shapes-only"]) == 2
    assert "not every input declares its shape, so the shapes need data" in \
        capsys.readouterr().err


def test_the_graphviz_fallback_says_when_it_replaces_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("core.views.dot.shutil.which", lambda name: None)
    (tmp_path / "seed.dot").write_text("mine")
    assert main(["draw", "seed", "-o", str(tmp_path / "seed.svg")]) == 3
    err = capsys.readouterr().err
    assert f"the DOT text is in {tmp_path / 'seed.dot'} (it replaces the file that was " \
           f"there)" in err


def test_train_refuses_an_output_name_that_is_not_toml(tmp_path, capsys):
    assert main(["train", SEED, *COLUMNS, "--epochs", "2", "-o", str(tmp_path / "x.txt")]) != 0
    assert "use a name ending in .toml" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # refused, not saved as x.txt.toml
