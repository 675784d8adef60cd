"""Output names are refused before any work: empty, a folder, a wrong suffix,
a folder that cannot be made -- for gates train and gates draw alike."""
import pytest

from core.cli import main


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
    assert rc == 1 and said.format(**fill) in captured.err, captured.err
    assert "training" not in captured.out  # refused before the run began


def test_a_folder_that_cannot_be_made_is_refused_before_training(tmp_path, capsys,
                                                                 monkeypatch):
    def refuse(self, *a, **kw):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("pathlib.Path.mkdir", refuse)
    rc = main(["train", "seed", "--curve", str(tmp_path / "new" / "c.svg")])
    captured = capsys.readouterr()
    assert rc == 1 and "cannot make its folder" in captured.err and "Permission denied" \
        in captured.err
    assert "training" not in captured.out


@pytest.mark.parametrize("command", [["demo"], ["train", "seed", "-o", "{tmp}/n.toml"]])
def test_a_diverging_run_ends_in_one_error_without_numpy_warnings(tmp_path, capsys, command):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from numpy would raise here
        rc = main([a.format(tmp=tmp_path) for a in command] + ["--rate", "1e200"])
    err = capsys.readouterr().err
    assert rc == 1 and "the loss became inf" in err and "try a smaller rate than 1e+200" in err
