"""CSV data (core.data): every mistake in the data is named, with its line, before any
training; a spreadsheet's byte-order mark is read, a binary file refused."""
import os

import pytest

from core.cli import main
from core.data import DataError, parse_columns, read_columns
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


@pytest.mark.parametrize("cell", ["1_000", "\u0661\u0662", "\uff11", "0x10", "1e", ".",
                                  "\u00b2", "1,5", "--1"])
def test_only_ascii_decimal_numbers_are_numbers(tmp_path, cell):
    path = tmp_path / "d.csv"
    path.write_text(f'x\n"{cell}"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:2: row 1, column 'x': .* is not a number"):
        read_columns(path, {"X": ["x"]})


@pytest.mark.parametrize("cell, value", [("1.5", 1.5), ("-2e-3", -0.002), (".5", 0.5),
                                         ("+7.", 7.0), (" 3 ", 3.0), ("1E2", 100.0)])
def test_the_numbers_csv_files_write_are_read(tmp_path, cell, value):
    path = tmp_path / "d.csv"
    path.write_text(f"x\n{cell}\n")
    assert read_columns(path, {"X": ["x"]})["X"].tolist() == [[value]]


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "NaN", "1e999"])
def test_numbers_that_are_not_finite_are_named_so(tmp_path, cell):
    path = tmp_path / "d.csv"
    path.write_text(f"x\n{cell}\n")
    with pytest.raises(DataError, match="is not a finite number"):
        read_columns(path, {"X": ["x"]})


def test_a_huge_cell_is_named_with_its_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x\n1\n" + "9" * 200_000 + "\n")
    with pytest.raises(DataError, match=r"d\.csv:3: a cell is longer than 131,072 characters"):
        read_columns(path, {"X": ["x"]})


def test_a_huge_line_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    import core.data
    monkeypatch.setattr(core.data, "MAX_LINE", 1000)
    path = tmp_path / "d.csv"
    path.write_text("x\n1\n" + "1," * 5000 + "\n")
    with pytest.raises(DataError, match=r"d\.csv:3: a line longer than 1,000 characters"):
        read_columns(path, {"X": ["x"]})


def test_nul_bytes_and_special_files_are_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"x\n1\x002\n")
    with pytest.raises(DataError, match=r"d\.csv:2: "):  # not CSV text, or not a number
        read_columns(path, {"X": ["x"]})
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # not waited on
    with pytest.raises(DataError, match="is a FIFO"):
        read_columns(fifo, {"X": ["x"]})
    if os.path.exists("/dev/zero"):
        with pytest.raises(DataError, match="is a character device"):
            read_columns("/dev/zero", {"X": ["x"]})


@pytest.mark.parametrize("specs, said", [
    (["X=x1", "X=x2"], "input 'X' was given columns already (X=x1)"),
    (["X=x1,x1"], "names column(s) x1 more than once"),
])
def test_duplicate_columns_are_refused(specs, said):
    with pytest.raises(DataError) as err:
        parse_columns(specs)
    assert said in str(err.value)
