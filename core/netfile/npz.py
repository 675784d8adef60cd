"""Parameter files: ``.npz`` archives written byte for byte the same, read without pickle.

``npz_bytes`` writes plain arrays in numpy's ``.npz`` layout (a zip of ``.npy``
files) with fixed timestamps and permissions, so the same arrays always give
the same bytes and the same SHA-256. ``read_npz`` reads the archive member by
member with numpy's own ``.npy`` header reader -- an object array, which only a
pickle can hold, is refused rather than run -- accepts floating-point arrays
only, and checks every size against ``core.limits`` before allocating.
``atomic_write`` puts a file in place whole or not at all (a temporary file in
the same folder, then ``os.replace``), so a failed save leaves the old file.
"""
from __future__ import annotations

import io
import os
import struct
import threading
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.errors import GatesError
from core.limits import over

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
    """Plain floating-point arrays from ``.npz`` bytes; anything pickled is refused.

    Read member by member (not through ``np.load``): every member must be a
    ``NAME.npy`` array, and the members' count, their declared sizes and every
    ``.npy`` header are checked against ``core.limits`` before an array is
    allocated or a byte inflated, so a zip bomb or a header claiming 10^12
    elements is refused by name.
    """
    if not blob.startswith(b"PK\x03\x04"):
        raise PersistError(f"{source}: not a parameter file: an .npz is a zip archive, "
                           f"and this is not one")
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            members = _members(archive.infolist(), source)
            return {key: _array(archive, info, key, source) for key, info in members}
    except PersistError:
        raise
    except _BROKEN as exc:
        raise PersistError(f"{source}: not a parameter file (.npz): {type(exc).__name__}: "
                           f"{exc}") from None


#: what zipfile and numpy's .npy header reader raise on a damaged or unusual archive
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
           ValueError, NotImplementedError, RuntimeError, struct.error, UnicodeDecodeError,
           OverflowError, KeyError, IndexError, TypeError, SyntaxError)


def _members(infos: list[zipfile.ZipInfo], source: str) -> list[tuple[str, zipfile.ZipInfo]]:
    """(array name, member) for every member, each an .npy within the limits."""
    problem = over("members", len(infos))
    if problem:
        raise PersistError(f"{source}: refused: it holds {problem}")
    members: list[tuple[str, zipfile.ZipInfo]] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if not name.endswith(".npy") or info.is_dir():
            raise PersistError(f"{source}: refused: member {name!r} is not an .npy array; "
                               f"a parameter file holds only NAME.npy arrays")
        if name[:-4] in seen:
            raise PersistError(f"{source}: refused: it holds {name!r} twice")
        seen.add(name[:-4])
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                              zipfile.ZIP_DEFLATED):
            raise PersistError(f"{source}: refused: member {name!r} is encrypted or "
                               f"compressed with method {info.compress_type}; parameter files "
                               f"are stored or deflated")
        total += info.file_size
        problem = over("bytes", info.file_size) or over("bytes", total)
        if problem:
            whose = f"member {name!r}" if over("bytes", info.file_size) else \
                f"its members up to {name!r}"
            raise PersistError(f"{source}: refused: {whose} would inflate to {problem}")
        members.append((name[:-4], info))
    return members


def _array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str,
           source: str) -> np.ndarray:
    """One member's array, its .npy header checked before its data is read."""
    fmt = np.lib.format
    with archive.open(info) as fh:
        version = fmt.read_magic(fh)
        if version not in ((1, 0), (2, 0)):
            raise PersistError(f"{source}: refused: {key!r} is .npy format {version}; "
                               f"parameter files use 1.0 or 2.0")
        read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = read(fh)
        if dtype.hasobject:
            raise PersistError(f"{source}: refused: {key!r} holds a pickled object, and "
                               f"loading it could run code; parameters are plain arrays")
        if dtype.kind != "f":
            raise PersistError(f"{source}: refused: {key!r} is {dtype}, not a "
                               f"floating-point array")
        count = 1
        for d in shape:
            count *= int(d)
        nbytes = count * dtype.itemsize
        problem = over("bytes", nbytes)
        if problem:
            raise PersistError(f"{source}: refused: the header of {key!r} asks for shape "
                               f"{shape} of {dtype}, {problem}")
        if fh.tell() + nbytes != info.file_size:
            raise PersistError(f"{source}: refused: the header of {key!r} asks for {nbytes} "
                               f"bytes of data; the member holds {info.file_size - fh.tell()}")
        array = np.empty(count, dtype)
        raw, got = array.view(np.uint8), 0
        while got < nbytes:
            n = fh.readinto(raw[got:])  # type: ignore[attr-defined]  # a ZipExtFile
            if not n:
                raise PersistError(f"{source}: refused: {key!r} ends after {got} of its "
                                   f"{nbytes} bytes")
            got += n
    return array.reshape(shape, order="F" if fortran else "C")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
