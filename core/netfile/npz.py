"""Parameter files: ``.npz`` archives written byte for byte the same, read without pickle.

``npz_bytes`` writes plain arrays in numpy's ``.npz`` layout (a zip of ``.npy``
files) with fixed timestamps and permissions, so the same arrays always give
the same bytes and the same SHA-256. ``read_npz`` reads with
``np.load(allow_pickle=False)`` -- an object array, which only a pickle can
hold, is refused rather than run -- and accepts floating-point arrays only.
``atomic_write`` puts a file in place whole or not at all (a temporary file in
the same folder, then ``os.replace``), so a failed save leaves the old file.
"""
from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.errors import GatesError

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can record


class PersistError(GatesError):
    """A saved network that cannot be saved or loaded safely or faithfully."""


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """The ``.npz`` bytes of ``arrays``: deterministic, C-ordered, no pickle."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            if array.dtype.hasobject:
                raise PersistError(f"parameter {name!r} is an object array; only plain "
                                   f"numbers can be saved")
            npy = io.BytesIO()
            np.lib.format.write_array(npy, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, npy.getvalue())
    return buffer.getvalue()


def read_npz(blob: bytes, source: str = "<npz>") -> dict[str, np.ndarray]:
    """Plain floating-point arrays from ``.npz`` bytes; anything pickled is refused."""
    if not blob.startswith(b"PK\x03\x04"):
        raise PersistError(f"{source}: not a parameter file: an .npz is a zip archive, "
                           f"and this is not one")
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except ValueError as exc:
        if "pickle" in str(exc):
            raise PersistError(f"{source}: refused: it holds a pickled object, and loading "
                               f"it could run code; parameters are plain arrays") from None
        raise PersistError(f"{source}: not a parameter file: {exc}") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise PersistError(f"{source}: not a parameter file (.npz): {exc}") from None
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise PersistError(f"{source}: refused: {key!r} is {value.dtype}, not a "
                               f"floating-point array")
    return arrays


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
