"""What the command line writes: its output names, checked before any work, and the
writing itself, which keeps the work when a write fails.

* ``check_output``: a name that cannot be written (empty, a folder, a wrong suffix,
  a folder that cannot be made, an existing special file, an existing read-only
  file without ``--force``) is a ``UsageError`` (exit 2) before a long run;
* ``check_distinct``: no two outputs (``-o``, ``--history``, ``--curve``, the
  draw output and the DOT file written when Graphviz is missing) and no output
  and input (``--data``, the network file, its parameter file) are one file;
* ``default_network``: ``NAME-trained.toml`` in the working folder, NAME the
  network's name made safe (``safe_stem``);
* ``replace``: every output is written beside itself and moved into place;
* ``keep``: when a write fails, the work goes to a fallback path that the
  one-line error names.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from core.cli.status import UsageError
from core.errors import GatesError

#: the longest network-derived file stem, in characters
MAX_STEM = 64


def safe_stem(name: str) -> str:
    """``name`` as a file stem: letters, digits, ``_``, ``-`` and ``.``, no separator, no
    ``..``, no leading dot, at most MAX_STEM characters; "network" if nothing is left."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    stem = re.sub(r"\.{2,}", "_", stem).lstrip(".-")[:MAX_STEM].rstrip(".")
    return stem or "network"


def default_network(name: str) -> Path:
    """The default ``-o`` of ``gates train``: NAME-trained.toml in the working folder."""
    return Path(f"{safe_stem(name)}-trained.toml")


def check_output(path: str | Path, option: str, suffixes: tuple[str, ...] = (),
                 force: bool = False) -> Path:
    """Refuse, before any work, an output name that cannot be written; return it.

    The name must be a file name (not empty, not a folder), end in one of
    ``suffixes`` when given, and sit in a folder we may write in; missing
    folders are created here, as ``mkdir -p`` would, so that a folder that
    cannot be made is refused now rather than after a long run. An existing
    file must be a regular one, and writable unless ``force``.
    """
    text = str(path)
    path = Path(text)
    if not text.strip() or path.name in ("", "..") or text.endswith(("/", os.sep)) or \
            "\0" in text:
        raise UsageError(f"{option} {text!r}: give a file name")
    if path.is_dir():
        raise UsageError(f"{option} {path}: that is a folder; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        raise UsageError(f"{option} {path}: use a name ending in {' or '.join(suffixes)}")
    _existing(path, option, force)
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot write in the folder {parent}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot make its folder {path.parent}: "
                         f"{exc.strerror or exc}") from None
    return path


def _existing(path: Path, option: str, force: bool) -> None:
    try:
        info = path.lstat()
    except OSError:
        return  # nothing there yet
    if stat.S_ISLNK(info.st_mode):
        try:
            info = path.stat()
        except OSError:
            return  # a dangling link: replaced by the file
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{option} {path}: exists and is not a regular file (a device, a "
                         f"FIFO or a socket); give a file name")
    writable = info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not force and (not writable or not os.access(path, os.W_OK)):  # (root may write all)
        raise UsageError(f"{option} {path}: exists and is read-only; give another name, or "
                         f"--force to replace it")


def check_distinct(outputs: Mapping[str, Path], inputs: Mapping[str, Path]) -> None:
    """Refuse two outputs that are one file, or an output that is an input."""
    seen: list[tuple[str, Path]] = []
    for option, path in outputs.items():
        for other, before in seen:
            if _same(path, before):
                raise UsageError(f"{option} {path}: is also the {other} output; give each "
                                 f"output its own file")
        for what, source in inputs.items():
            if _same(path, source):
                raise UsageError(f"{option} {path}: is the {what}, which this command reads; "
                                 f"writing it would destroy it")
        seen.append((option, path))


def _same(a: Path, b: Path) -> bool:
    if os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b)):
        return True
    try:
        return os.path.samefile(a, b)  # hard links
    except OSError:
        return False


def replace(path: Path, write: Callable[[Path], object]) -> Path:
    """``write(temporary path)``, then move it onto ``path``: whole or not at all."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def keep(write: Callable[[Path], Path], path: Path, what: str) -> tuple[Path, str | None]:
    """(where ``what`` was written, None) or, when writing ``path`` failed, (the fallback it
    went to instead, a one-line error saying why and where). A fallback that fails too
    tries the next: the working folder, the home folder, the temporary folder."""
    try:
        return write(path), None
    except (OSError, GatesError) as exc:
        why = _why(exc)
    tried = []
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in _fallbacks(path):
        spare = folder / f"{path.stem}-rescued-{stamp}-{os.getpid()}{path.suffix}"
        try:
            return write(spare), (f"cannot write {what} to {path}: {why}; it was written "
                                  f"to {spare} instead")
        except (OSError, GatesError) as exc:
            tried.append(f"{folder} ({_why(exc)})")
    raise GatesError(f"cannot write {what} to {path}: {why}; nor to a fallback in "
                     f"{', '.join(tried)}: {what} is lost")


def _fallbacks(path: Path) -> list[Path]:
    folders = [Path.cwd(), Path.home(), Path(tempfile.gettempdir())]
    unique: list[Path] = []
    for f in folders:
        if f not in unique and f.resolve() != path.parent.resolve():
            unique.append(f)
    return unique


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:  # a SaveError too: the system's reason
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
