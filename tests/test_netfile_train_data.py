"""gates train/explain with CSV data: every mistake in the data is named before training."""
from pathlib import Path

import pytest

from core.cli import main

NETWORKS = Path(__file__).resolve().parent.parent / "examples" / "networks"
SEED = str(NETWORKS / "seed.toml")
MAP = ["--columns", "X=x1,x2", "--columns", "Y=xor"]


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def csv(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("text, message", [
    ("x1,x2,xor\n0,0,0\n0,abc,1\n", "data.csv:3: row 2, column 'x2': 'abc' is not a number"),
    ("x1,x2,xor\n0,0,0\n0,1\n", "data.csv:3: row 2 has 2 cells, the header has 3 (no value for "
     "column 'xor')"),
    ("x1,x2,xor\n0,0,0,5\n", "data.csv:2: row 1 has 4 cells, the header has 3"),
    ("x1,x2,xor\n0,nan,0\n", "data.csv:2: row 1, column 'x2': 'nan' is not a finite number"),
    ("x1,x2,xor\n", "data.csv: no data rows"),
    ("a,b,c\n0,0,0\n", "no column named 'x1' (for input 'X'); the columns are: a, b, c"),
])
def test_bad_data_is_named_and_nothing_is_trained(tmp_path, capsys, text, message):
    rc, out, err = run(capsys, "train", SEED, "--data", csv(tmp_path, text), *MAP,
                       "-o", str(tmp_path / "net.toml"))
    assert rc == 1 and message in err, err
    assert "training" not in out and not (tmp_path / "net.toml").exists()


def test_columns_for_an_input_the_network_lacks(tmp_path, capsys):
    rc, _, err = run(capsys, "train", SEED, "--data", str(NETWORKS / "xor.csv"), *MAP,
                     "--columns", "Xx=x1")
    assert rc == 1 and "the network has no input 'Xx'; did you mean 'X'" in err


def test_the_wrong_number_of_columns_for_an_input(capsys):
    rc, _, err = run(capsys, "train", SEED, "--data", str(NETWORKS / "xor.csv"),
                     "--columns", "X=x1", "--columns", "Y=xor")
    assert rc == 1 and "input 'X' takes 2 column(s) (shape ['batch', 2]), but 1 were " \
        "chosen: x1" in err


@pytest.mark.parametrize("flag", ["--epochs", "--batch-size"])
def test_counts_must_be_positive(capsys, flag):
    with pytest.raises(SystemExit) as info:
        main(["train", SEED, "--data", str(NETWORKS / "xor.csv"), *MAP, flag, "0"])
    assert info.value.code == 2
    assert "must be a whole number of at least 1, not '0'" in capsys.readouterr().err


def test_an_input_named_like_a_column_needs_no_mapping(tmp_path, capsys):
    data = csv(tmp_path, "X,Y\n0.5,1\n-0.5,0\n")
    net = tmp_path / "net.toml"
    net.write_text('[inputs]\nX = { shape = ["batch"] }\nY = { shape = ["batch"] }\n'
                   '[params]\nw = { value = 0.0 }\n[gates]\np = { gate = "mul", '
                   'inputs = ["X", "w"] }\n[cost]\nJ = { gate = "mse", inputs = ["p", "Y"] }\n')
    rc, out, err = run(capsys, "train", str(net), "--data", data, "--epochs", "5",
                       "-o", str(tmp_path / "trained.toml"))
    assert rc == 0, err
    assert "saved the trained network to" in out and (tmp_path / "trained.toml").exists()


def test_a_spreadsheets_byte_order_mark_and_ambiguous_or_binary_files(tmp_path):
    from core.data import DataError, read_columns
    path = tmp_path / "excel.csv"
    path.write_bytes("x1,x2,xor\r\n0,1,1\r\n".encode("utf-8-sig"))
    got = read_columns(path, {"X": ["x1", "x2"], "Y": ["xor"]})
    assert got["X"].tolist() == [[0.0, 1.0]] and got["Y"].tolist() == [[1.0]]
    path.write_text("x1,x1,xor\n0,1,1\n")
    with pytest.raises(DataError, match="'x1' .* appears 2 times"):
        read_columns(path, {"X": ["x1"]})
    path.write_bytes(b"\xff\xfe\x00x")
    with pytest.raises(DataError, match="not UTF-8 text"):
        read_columns(path, {"X": ["x1"]})
