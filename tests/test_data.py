"""CSV data (core.data): every mistake in the data is named, with its line, before any
training; a spreadsheet's byte-order mark is read, a binary file refused."""
import pytest

from core.cli import main
from core.data import DataError, read_columns
from tests.paths import SEED_TOML

MAP = ["--columns", "X=x1,x2", "--columns", "Y=xor"]


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
    data = tmp_path / "data.csv"
    data.write_text(text)
    rc = main(["train", str(SEED_TOML), "--data", str(data), *MAP,
               "-o", str(tmp_path / "net.toml")])
    out = capsys.readouterr()
    assert rc == 1 and message in out.err, out.err
    assert "training" not in out.out and not (tmp_path / "net.toml").exists()


def test_a_spreadsheets_byte_order_mark_and_ambiguous_or_binary_files(tmp_path):
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
