"""Training data from a CSV file, columns chosen by name.

``read_columns("xor.csv", {"X": ["x1", "x2"], "Y": ["xor"]})`` gives
``{"X": (n, 2) array, "Y": (n, 1) array}``. The first row names the columns;
a bad cell is reported with its line and column.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from core.errors import GatesError, suggest


class DataError(GatesError):
    """A data file that cannot be read as the network's inputs."""


def parse_columns(specs: Iterable[str]) -> dict[str, list[str]]:
    """['X=x1,x2', 'Y=xor'] -> {'X': ['x1', 'x2'], 'Y': ['xor']}."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        name, eq, cols = spec.partition("=")
        columns = [c.strip() for c in cols.split(",") if c.strip()]
        if not eq or not name.strip() or not columns:
            raise DataError(f"--columns {spec!r}: write INPUT=COLUMN[,COLUMN...], "
                            f"e.g. X=x1,x2")
        out[name.strip()] = columns
    return out


def read_columns(path: str | Path, mapping: Mapping[str, list[str]],
                 inputs: Iterable[str] = (), dtype: np.dtype | type = np.float64
                 ) -> dict[str, np.ndarray]:
    """{input: (rows, len(columns)) array}; an input named like a column needs no mapping."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:  # -sig: a spreadsheet's BOM
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise DataError(f"cannot read the data file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as "
                        f"UTF-8") from None
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
            try:
                array[r, k] = value = float(cell)
            except ValueError:
                raise DataError(f"{path}:{line}: row {r + 1}, column {c!r}: {cell!r} is "
                                f"not a number") from None
            if not np.isfinite(value):
                raise DataError(f"{path}:{line}: row {r + 1}, column {c!r}: {cell!r} is "
                                f"not a finite number") from None
    return array
