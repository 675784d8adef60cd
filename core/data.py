"""Training data from a CSV file, columns chosen by name.

``read_columns("xor.csv", {"X": ["x1", "x2"], "Y": ["xor"]})`` gives
``{"X": (n, 2) array, "Y": (n, 1) array}``. The first row names the columns;
a bad cell is reported with its line and column. A cell is a number as written
in CSV files: ASCII digits, an optional sign, point and exponent (``1.5``,
``-2e-3``); ``1_000``, ``0x10`` and other scripts' digits are not numbers here,
though Python's ``float`` takes them. Only a regular file is read (a device or a
FIFO is refused), a line at most ``MAX_LINE`` characters and a cell at most the
``csv`` module's field limit, each named with its line when over.

May import: ``core.errors``, ``core.limits``.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

import numpy as np

from core.errors import GatesError, suggest
from core.limits import FileProblem, open_regular

#: a number as a CSV cell writes it, in ASCII (``re.ASCII``: no other scripts' digits)
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
NOT_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
#: the longest line read, in characters (a cell is further bounded by csv's field limit)
MAX_LINE = 2 ** 24


class DataError(GatesError):
    """A data file that cannot be read as the network's inputs."""


def parse_columns(specs: Iterable[str]) -> dict[str, list[str]]:
    """['X=x1,x2', 'Y=xor'] -> {'X': ['x1', 'x2'], 'Y': ['xor']}."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        name, eq, cols = spec.partition("=")
        name, columns = name.strip(), [c.strip() for c in cols.split(",") if c.strip()]
        if not eq or not name or not columns:
            raise DataError(f"--columns {spec!r}: write INPUT=COLUMN[,COLUMN...], "
                            f"e.g. X=x1,x2")
        if name in out:
            raise DataError(f"--columns {spec!r}: input {name!r} was given columns already "
                            f"({name}={','.join(out[name])}); give each input once")
        twice = sorted({c for c in columns if columns.count(c) > 1})
        if twice:
            raise DataError(f"--columns {spec!r}: names column(s) {', '.join(twice)} more "
                            f"than once")
        out[name] = columns
    return out


def read_columns(path: str | Path, mapping: Mapping[str, list[str]],
                 inputs: Iterable[str] = (), dtype: np.dtype | type = np.float64
                 ) -> dict[str, np.ndarray]:
    """{input: (rows, len(columns)) array}; an input named like a column needs no mapping."""
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise DataError(f"{path}: empty; the first row must name the columns")
    header = [h.strip() for h in rows[0]]
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    if not body:
        raise DataError(f"{path}: no data rows; the first row names the columns and each "
                        f"row after it is one example")
    for r, (line, row) in enumerate(body):
        if len(row) > len(header):  # a stray cell: the columns may have shifted
            raise DataError(f"{path}:{line}: row {r + 1} has {len(row)} cells, the header "
                            f"has {len(header)}")
    mapping = dict(mapping)
    for name in inputs:
        if name not in mapping:
            if name in header:
                mapping[name] = [name]
            else:
                raise DataError(f"{path}: no column for input {name!r}; choose them with "
                                f"--columns {name}=COLUMN[,COLUMN...]; the columns are: "
                                f"{', '.join(header)}")
    return {name: _column_array(path, header, body, name, columns, np.dtype(dtype))
            for name, columns in mapping.items()}


def _rows(path: Path) -> list[list[str]]:
    """Every row of the CSV file at ``path``, or a DataError naming the file and line."""
    try:
        raw, _ = open_regular(path)
    except FileProblem as exc:
        raise DataError(f"the data file {path} {exc}") from None
    reader = None
    try:  # -sig: a spreadsheet's byte-order mark
        with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(_lines(fh, path))
            return list(reader)
    except OSError as exc:
        raise DataError(f"cannot read the data file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as "
                        f"UTF-8") from None
    except csv.Error as exc:
        line = reader.line_num if reader is not None else 0
        limit = csv.field_size_limit()
        why = f"a cell is longer than {limit:,} characters" if "field limit" in str(exc) \
            else f"not CSV text ({exc})"
        raise DataError(f"{path}:{line}: {why}") from None


def _lines(fh: IO[str], path: Path) -> Iterator[str]:
    """The file's lines, each at most MAX_LINE characters (a DataError past it)."""
    number = 0
    while True:
        line = fh.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise DataError(f"{path}:{number}: a line longer than {MAX_LINE:,} characters; "
                            f"a row of a CSV file holds numbers")
        yield line


def _column_array(path: Path, header: list[str], body: list[tuple[int, list[str]]], name: str,
                  columns: list[str], dtype: np.dtype) -> np.ndarray:
    """The (rows, len(columns)) array for input ``name``; every cell a finite number."""
    index = []
    for c in columns:
        if c not in header:
            raise DataError(f"{path}: no column named {c!r} (for input {name!r})"
                            f"{suggest(c, header, 'the columns are')}")
        if header.count(c) > 1:
            raise DataError(f"{path}: the column name {c!r} (for input {name!r}) appears "
                            f"{header.count(c)} times in the first row; which one is meant?")
        index.append(header.index(c))
    array = np.empty((len(body), len(index)), dtype=dtype)
    for r, (line, row) in enumerate(body):
        for k, (c, j) in enumerate(zip(columns, index)):
            if j >= len(row):
                raise DataError(f"{path}:{line}: row {r + 1} has {len(row)} cell"
                                f"{'' if len(row) == 1 else 's'}, the header has "
                                f"{len(header)} (no value for column {c!r})")
            cell = row[j].strip()
            what = None if NUMBER.fullmatch(cell) else \
                "not a finite number" if NOT_FINITE.fullmatch(cell) else "not a number"
            if what is None:
                array[r, k] = value = float(cell)
                if not np.isfinite(value):  # 1e999
                    what = "not a finite number"
            if what:
                shown = repr(cell) if len(cell) <= 40 else f"{cell[:40]!r}... ({len(cell)} chars)"
                raise DataError(f"{path}:{line}: row {r + 1}, column {c!r}: {shown} is {what}")
    return array
