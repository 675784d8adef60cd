"""The size limits, in one table: how much a file or a shape may ask for before anything
is allocated, read or inflated.

A network file, a parameter file or a network-file shape is checked against
these before the arrays it asks for exist, so a hostile or mistaken file (a
shape of [100000, 100000], an ``.npy`` header claiming 10^12 elements, a zip
bomb, a parameter file that is ``/dev/zero``) is a clear error naming the file,
the key or member, the size asked for and the limit -- not a MemoryError or
the kernel's OOM killer. Each limit is raised (or lowered) by its environment
variable, read when the check runs::

    GATES_MAX_BYTES=8589934592 gates train big.toml ...

May import: ``core.errors``.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO, NamedTuple

from core.errors import GatesError


class Limit(NamedTuple):
    env: str  # the environment variable that sets it
    default: int
    unit: str  # what is counted: "bytes", "levels", "arrays"
    what: str  # what it bounds, for the README and messages


LIMITS: dict[str, Limit] = {
    "bytes": Limit("GATES_MAX_BYTES", 2 ** 30, "bytes",
                   "array data: one parameter or input array, a network's parameters "
                   "together, the arrays of one parameter file (its file may be 1 MiB more)"),
    "text": Limit("GATES_MAX_TEXT_BYTES", 64 * 2 ** 20, "bytes", "one network file"),
    "nesting": Limit("GATES_MAX_NESTING", 64, "levels",
                     "nesting of [ ] and { } in a network file"),
    "members": Limit("GATES_MAX_MEMBERS", 10_000, "arrays", "arrays in one parameter file"),
}

#: what a parameter file may hold beyond its arrays' bytes: the zip and .npy headers
ARCHIVE_SLACK = 2 ** 20


class LimitError(GatesError):
    """An environment variable that sets a limit to something that is no limit."""


class FileProblem(GatesError):
    """A file that is not read: not a regular file, a symbolic link where none may be, over
    its limit, or unreadable. The message says which, without the path: the caller's error
    names the file."""


def limit(name: str) -> int:
    """The limit ``name`` of ``LIMITS``: its environment variable's value, else the default."""
    entry = LIMITS[name]
    raw = os.environ.get(entry.env, "").strip()
    if not raw:
        return entry.default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise LimitError(f"{entry.env}={raw!r}: the limit on {entry.what} is a whole number "
                         f"of {entry.unit} >= 1 (default {entry.default})")
    return value


def over(name: str, asked: int, slack: int = 0) -> str | None:
    """'N bytes, over the limit of M (GATES_MAX_BYTES ...)' if ``asked`` is over the limit
    (plus ``slack``), else None."""
    most = limit(name) + slack
    if asked <= most:
        return None
    entry = LIMITS[name]
    plus = f" plus {slack:,} for headers" if slack else ""
    return (f"{asked:,} {entry.unit}, over the limit of {most:,} ({entry.env}{plus}; set it "
            f"higher to allow more)")


def open_regular(path: str | Path, *, symlinks: bool = True) -> tuple[BinaryIO, int]:
    """(an open binary file, its size) for a regular file; a FileProblem for anything else.

    A device, a FIFO, a socket or a folder is refused before a byte is read (a FIFO is
    opened without waiting for a writer); with ``symlinks=False`` a symbolic link is
    refused too, at the open itself where the system allows (``O_NOFOLLOW``).
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    if not symlinks:
        if hasattr(os, "O_NOFOLLOW"):
            flags |= os.O_NOFOLLOW
        elif os.path.islink(path):  # pragma: no cover - systems without O_NOFOLLOW
            raise FileProblem("is a symbolic link, not a regular file")
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not symlinks and exc.errno == errno.ELOOP:
            raise FileProblem("is a symbolic link, not a regular file") from None
        raise FileProblem(f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"is {_kind(info.st_mode)}, not a regular file")
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: str | Path, name: str, *, symlinks: bool = True,
                 slack: int = 0) -> bytes:
    """The bytes of a regular file, refused before reading when over the limit ``name``
    (plus ``slack``), and never read past it should the file grow meanwhile."""
    fh, size = open_regular(path, symlinks=symlinks)
    with fh:
        problem = over(name, size, slack)
        if problem:
            raise FileProblem(f"holds {problem}")
        most = limit(name) + slack
        try:
            data = fh.read(most + 1)
        except OSError as exc:
            raise FileProblem(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > most:
        raise FileProblem(f"holds {over(name, len(data), slack)} (it grew while read)")
    return data


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (a named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "a special file"
