"""gates train and explain refuse bad options and output names before any work."""
from pathlib import Path

import pytest

from core.cli import main

NETWORKS = Path(__file__).resolve().parent.parent / "examples" / "networks"
SEED = str(NETWORKS / "seed.toml")


@pytest.mark.parametrize("option, value", [
    ("--rate", "-1"), ("--rate", "nan"), ("--rate", "inf"), ("--rate", "fast"),
    ("--epochs", "0"), ("--batch-size", "-2"), ("--seed", "1.5")])
def test_train_refuses_a_bad_number_naming_the_option(option, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "seed", option, value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and f"argument {option}" in err and repr(value) in err


def test_explain_refuses_a_negative_small(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "seed", "--small", "-3"])
    assert "argument --small" in capsys.readouterr().err


def test_a_zero_rate_is_allowed(tmp_path, capsys):
    rc = main(["train", "seed", "--rate", "0", "--epochs", "2", "-o", str(tmp_path / "n.toml")])
    assert rc == 0 and "rate 0" in capsys.readouterr().out


@pytest.mark.parametrize("option, name, said", [
    ("--curve", "out.jpg", "use a name ending in .svg or .png"),
    ("--history", "{tmp}", "that is a folder"),
    ("-o", "{file}/net.toml", "{file} is a file, not a folder"),
    ("--curve", "{file}/sub/loss.svg", "{file} is a file, not a folder")])
def test_bad_output_names_are_refused_before_training(tmp_path, capsys, option, name, said):
    (tmp_path / "f").write_text("x")
    name = name.format(tmp=tmp_path, file=tmp_path / "f")
    said = said.format(file=tmp_path / "f")
    args = ["train", "seed", "--epochs", "3", option, name]
    if option != "-o":
        args += ["-o", str(tmp_path / "net.toml")]
    rc = main(args)
    text = capsys.readouterr()
    assert rc == 1 and f"{option} {name}: {said}" in text.err
    assert "training" not in text.out and not (tmp_path / "net.toml").exists()


def test_missing_output_folders_are_created(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "net.toml"
    rc = main(["train", "seed", "--epochs", "2", "-o", str(out),
               "--curve", str(tmp_path / "c" / "loss.svg")])
    assert rc == 0 and out.exists() and (tmp_path / "c" / "loss.svg").exists()
    capsys.readouterr()


def test_a_network_without_cost_names_the_file_and_the_fix(tmp_path, capsys):
    text = Path(SEED).read_text()
    path = tmp_path / "nocost.toml"
    path.write_text(text[:text.index("[cost]")])
    for command in ("explain", "train"):
        rc = main([command, str(path), "--data", str(NETWORKS / "xor.csv"),
                   "--columns", "X=x1,x2", "--columns", "Y=xor", "-o" if command == "train"
                   else "--rows", str(tmp_path / "o.toml") if command == "train" else "2"])
        err = capsys.readouterr().err
        assert rc == 1 and f"{path}: the network has no [cost] section; add one" in err
        assert 'J = { gate = "mse"' in err and "of=[" not in err
