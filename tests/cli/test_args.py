"""What the command line checks before any work: its numbers and its output names
(empty, a folder, a wrong suffix, a folder that cannot be made), for gates train,
draw and explain alike; each is a usage error, exit status 2."""
import pytest

from core.cli import main
from tests.paths import SEED_TOML, XOR_CSV


@pytest.mark.parametrize("option, value", [
    ("--rate", "-1"), ("--rate", "nan"), ("--rate", "inf"), ("--rate", "fast"),
    ("--epochs", "0"), ("--batch-size", "-2"), ("--seed", "1.5")])
def test_train_refuses_a_bad_number_naming_the_option(option, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "seed", option, value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and f"argument {option}" in err and repr(value) in err


@pytest.mark.parametrize("flag", ["--epochs", "--batch-size"])
def test_counts_must_be_positive(capsys, flag):
    with pytest.raises(SystemExit) as info:
        main(["train", str(SEED_TOML), "--data", str(XOR_CSV), "--columns", "X=x1,x2",
              "--columns", "Y=xor", flag, "0"])
    assert info.value.code == 2
    assert "must be a whole number of at least 1, not '0'" in capsys.readouterr().err


def test_explain_refuses_a_negative_small(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "seed", "--small", "-3"])
    assert "argument --small" in capsys.readouterr().err


def test_a_zero_rate_is_allowed(tmp_path, capsys):
    rc = main(["train", "seed", "--rate", "0", "--epochs", "2", "-o", str(tmp_path / "n.toml")])
    assert rc == 0 and "rate 0" in capsys.readouterr().out


@pytest.mark.parametrize("args, said", [
    (["train", "seed", "-o", "."], "-o '.': give a file name"),
    (["train", "seed", "-o", ""], "-o '': give a file name"),
    (["train", "seed", "--history", ""], "--history '': give a file name"),
    (["train", "seed", "--curve", "sub/"], "--curve 'sub/': give a file name"),
    (["train", "seed", "-o", "{tmp}"], "that is a folder; give a file name"),
    (["draw", "seed", "-o", "picture"], "-o picture: use a name ending in .svg or .png"),
    (["draw", "seed", "-o", "{file}/x.svg"], "{file} is a file, not a folder"),
])
def test_bad_output_names_are_refused_before_any_work(tmp_path, capsys, monkeypatch,
                                                      args, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("a file")
    fill = {"tmp": str(tmp_path), "file": str(tmp_path / "f")}
    rc = main([a.format(**fill) for a in args])
    captured = capsys.readouterr()
    assert rc == 2 and said.format(**fill) in captured.err, captured.err  # a usage error
    assert "training" not in captured.out  # refused before the run began


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
    assert rc == 2 and f"{option} {name}: {said}" in text.err
    assert "training" not in text.out and not (tmp_path / "net.toml").exists()


def test_a_folder_that_cannot_be_made_is_refused_before_training(tmp_path, capsys,
                                                                 monkeypatch):
    def refuse(self, *a, **kw):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("pathlib.Path.mkdir", refuse)
    rc = main(["train", "seed", "--curve", str(tmp_path / "new" / "c.svg")])
    captured = capsys.readouterr()
    assert rc == 2 and "cannot make its folder" in captured.err and "Permission denied" \
        in captured.err
    assert "training" not in captured.out


def test_missing_output_folders_are_created(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "net.toml"
    rc = main(["train", "seed", "--epochs", "2", "-o", str(out),
               "--curve", str(tmp_path / "c" / "loss.svg")])
    assert rc == 0 and out.exists() and (tmp_path / "c" / "loss.svg").exists()
    capsys.readouterr()


@pytest.mark.parametrize("command", [["train", "seed", "--epochs", "2"], ["demo"],
                                     ["check", "sigmoid"]])
@pytest.mark.parametrize("seed", ["-5", "-1", "1.5"])
def test_a_bad_seed_is_a_usage_error_before_any_work(command, seed, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--seed", seed])
    captured = capsys.readouterr()
    assert exit_.value.code == 2
    assert f"argument --seed: must be a whole number of at least 0, not '{seed}'" in captured.err
    assert "training" not in captured.out and "failed" not in captured.out
