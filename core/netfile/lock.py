"""An advisory lock per saved network, shared by every process and thread that saves or
loads it: saves take it alone, loads together.

The lock is the operating system's, on a small file beside the network file
(``.net.toml.lock``, left in place: removing a lock file while others may be
waiting on it would let two holders in): ``fcntl.flock`` on POSIX systems, which
also sets two threads of one process apart because each opens the file anew, and
``msvcrt.locking`` on Windows (exclusive only, so there loads take turns too).
The system drops a lock when its holder dies, even by ``kill -9``, so no stale
lock outlives a crash.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.netfile.npz import PersistError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

#: how long to wait for another saver before saying so
WAIT_SECONDS = 120.0


def lock_path(toml_path: Path) -> Path:
    """The lock file of the network file ``toml_path``."""
    return toml_path.with_name(f".{toml_path.name}.lock")


@contextmanager
def locked(toml_path: Path, *, shared: bool = False) -> Iterator[bool]:
    """Hold the lock of ``toml_path`` (exclusive to save, ``shared`` to load).

    Yields True when held. A load in a folder where the lock file neither exists
    nor can be made (read-only, so nobody saves there) goes ahead unlocked and
    yields False; a save that cannot make it is a PersistError.
    """
    path = lock_path(toml_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if not shared:
            raise PersistError(f"cannot save {toml_path}: cannot make its lock file {path}: "
                               f"{exc.strerror or exc}") from None
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            yield False
            return
    try:
        _acquire(fd, shared, toml_path)
        try:
            yield True
        finally:
            _release(fd)
    finally:
        os.close(fd)


def _acquire(fd: int, shared: bool, toml_path: Path) -> None:
    deadline, pause = time.monotonic() + WAIT_SECONDS, 0.001
    while not _try(fd, shared):
        if time.monotonic() > deadline:
            raise PersistError(f"cannot {'load' if shared else 'save'} {toml_path}: another "
                               f"process has been saving it for {WAIT_SECONDS:.0f} s "
                               f"(its lock file is {lock_path(toml_path)})")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _try(fd: int, shared: bool) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    os.lseek(fd, 0, os.SEEK_SET)  # pragma: no cover - Windows
    try:  # pragma: no cover - Windows
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:  # pragma: no cover - Windows
        return False


def _release(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return
    os.lseek(fd, 0, os.SEEK_SET)  # pragma: no cover - Windows
    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # pragma: no cover - Windows
