"""Outputs that cannot collide or escape, and writes that keep the work: no output is
another output or an input, the default name stays in the working folder whatever the
network is called, a read-only file is replaced only with --force, every such mistake
is a usage error (exit 2) before any work, and a write that fails after training puts
the work in a fallback file that the one-line error names."""
import errno
import os
import stat

import pytest

from core.cli import main
from core.cli.outputs import MAX_STEM, safe_stem
from core.netfile import load
from tests.paths import SEED_TOML, XOR_CSV

COLUMNS = ["--columns", "X=x1,x2", "--columns", "Y=xor"]


def train(*args):
    return main(["train", str(SEED_TOML), "--data", str(XOR_CSV), *COLUMNS, "--epochs", "2",
                 *args])


@pytest.fixture
def copies(tmp_path, monkeypatch):
    """The seed network file and the XOR data, copied into the working folder."""
    monkeypatch.chdir(tmp_path)
    net, data = tmp_path / "net.toml", tmp_path / "xor.csv"
    net.write_text(SEED_TOML.read_text())
    data.write_text(XOR_CSV.read_text())
    return net, data


@pytest.mark.parametrize("args, said", [
    (["-o", "out.toml", "--history", "out.toml"], "--history out.toml: is also the -o output"),
    (["-o", "out", "--history", "out.toml"], "--history out.toml: is also the -o output"),
    (["-o", "o.toml", "--history", "xor.csv"], "--history xor.csv: is the --data file"),
    (["-o", "net.toml"], "-o net.toml: is the network file, which this command reads"),
    (["-o", "o.toml", "--history", "c.svg", "--curve", "c.svg"],
     "--curve c.svg: is also the --history output"),
    (["-o", "o.toml", "--curve", "./sub/../c.svg", "--history", "c.svg"],
     "--curve sub/../c.svg: is also the --history output"),
])
def test_outputs_may_not_be_each_other_or_an_input(copies, capsys, args, said):
    net, data = copies
    before = net.read_bytes(), data.read_bytes()
    rc = main(["train", "net.toml", "--data", "xor.csv", *COLUMNS, "--epochs", "2", *args])
    captured = capsys.readouterr()
    assert rc == 2 and said in captured.err, captured.err
    assert "training" not in captured.out
    assert (net.read_bytes(), data.read_bytes()) == before


def test_a_hard_link_to_an_input_is_the_input(copies, capsys):
    os.link("xor.csv", "loss.csv")
    rc = main(["train", "net.toml", "--data", "xor.csv", *COLUMNS, "--history", "loss.csv"])
    assert rc == 2 and "--history loss.csv: is the --data file" in capsys.readouterr().err


def test_a_saved_networks_parameter_file_is_an_input_too(copies, capsys):
    assert main(["train", "net.toml", "--data", "xor.csv", *COLUMNS, "--epochs", "1",
                 "-o", "saved.toml"]) == 0
    npz = next(p.name for p in copies[0].parent.glob("saved-*.npz"))
    rc = main(["train", "saved.toml", "--data", "xor.csv", *COLUMNS, "-o", "again.toml",
               "--history", npz])
    assert rc == 2 and "is the network's parameter file" in capsys.readouterr().err


def test_draw_may_not_write_over_its_data(copies, capsys):
    copies[1].rename("xor.dot")
    rc = main(["draw", "net.toml", "--data", "xor.dot", *COLUMNS, "-o", "xor.dot"])
    assert rc == 2 and "-o xor.dot: is the --data file" in capsys.readouterr().err
    rc = main(["draw", "net.toml", "--data", "xor.dot", *COLUMNS, "-o", "xor.svg"])
    assert rc == 2 and "is the --data file" in capsys.readouterr().err  # its DOT fallback


@pytest.mark.parametrize("name", ["../escape", "/tmp/abs/escape", "a/b\\\\c", "..", ".hidden",
                                  "x\\u0000y", "n" * 300, "", "\\u00e9t\\u00e9 \\ud55c"])
def test_the_default_output_stays_in_the_working_folder(tmp_path, monkeypatch, capsys, name):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    text = SEED_TOML.read_text().replace('name = "seed"', f'name = "{name}"')
    (tmp_path / "net.toml").write_text(text)
    rc = main(["train", str(tmp_path / "net.toml"), "--data", str(XOR_CSV), *COLUMNS,
               "--epochs", "1"])
    assert rc == 0, capsys.readouterr().err
    made = [p for p in work.iterdir() if p.suffix == ".toml"]
    assert len(made) == 1 and made[0].name.endswith("-trained.toml")
    assert len(made[0].name) <= MAX_STEM + len("-trained.toml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.toml", "work"]
    assert load(made[0]).value_and_grad is not None


def test_safe_stems():
    assert safe_stem("seed") == "seed" and safe_stem("a/b") == "a_b" and \
        safe_stem("x\0y") == "x_y" and safe_stem("..") == "_" and safe_stem("") == "network"
    for hostile in ("../x", "/etc/passwd", "a..b", "..\\..\\x", ".", "-rf", "x" * 999):
        stem = safe_stem(hostile)
        assert stem and "/" not in stem and "\\" not in stem and ".." not in stem
        assert not stem.startswith((".", "-")) and len(stem) <= MAX_STEM


@pytest.mark.parametrize("option, name", [("-o", "out.toml"), ("--history", "loss.csv"),
                                          ("--curve", "loss.svg")])
def test_a_read_only_output_is_refused_unless_forced(copies, capsys, option, name):
    target = copies[0].parent / name
    target.write_text("precious")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    args = [option, name] + ([] if option == "-o" else ["-o", "o.toml"])
    rc = train(*args)
    captured = capsys.readouterr()
    assert rc == 2 and f"{option} {name}: exists and is read-only" in captured.err
    assert "--force" in captured.err and "training" not in captured.out
    assert target.read_text() == "precious"
    assert train(*args, "--force") == 0 and target.read_text() != "precious"


def test_duplicate_columns_are_a_usage_error_before_training(capsys):
    rc = train("--columns", "X=x1")
    captured = capsys.readouterr()
    assert rc == 2 and "input 'X' was given columns already" in captured.err
    assert "training" not in captured.out


def test_a_save_that_fails_after_training_keeps_the_network_elsewhere(copies, capsys,
                                                                      monkeypatch):
    out = copies[0].parent / "full" / "net.toml"
    real = os.replace

    def disk_full(src, dst):  # the folder of -o is full; the working folder is not
        if os.path.dirname(os.fspath(dst)) == str(out.parent):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", disk_full)
    rc = main(["train", "net.toml", "--data", "xor.csv", *COLUMNS, "--epochs", "3",
               "-o", str(out), "--history", str(out.parent / "loss.csv")])
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if ln.startswith("gates: error:")]
    assert rc == 1 and len(lines) == 2, captured.err
    assert f"cannot write the trained network to {out}: No space left on device; it was " \
           f"written to " in lines[0]
    rescued = lines[0].rsplit(" to ", 1)[1].removesuffix(" instead")
    assert load(rescued).params["W1"].shape == (2, 3)  # the trained parameters, kept
    assert "cannot write the loss history" in lines[1]
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or
                    not os.path.isdir("/proc/self"), reason="needs /proc and root, which may "
                    "pass the folder check there")
def test_a_network_saved_under_proc_is_kept_in_the_working_folder(copies, capsys):
    rc = main(["train", "net.toml", "--data", "xor.csv", *COLUMNS, "--epochs", "1",
               "-o", "/proc/self/net.toml"])
    err = capsys.readouterr().err
    if rc == 2:  # refused before training: also nothing lost
        return
    assert rc == 1 and "cannot write the trained network to /proc/self/net.toml" in err
    rescued = err.rsplit(" to ", 1)[1].split(" instead")[0]
    assert os.path.dirname(rescued) == str(copies[0].parent) and load(rescued)
