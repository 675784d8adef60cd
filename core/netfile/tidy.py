"""What a save of a network file leaves beside it, and what the next save removes.

Every save of ``net.toml`` writes ``net-<hash>.npz`` and ``net.toml`` through
temporary files (``.net-<hash>.npz.<pid>-<thread>.tmp``, ``.net.toml.<pid>-<thread>.tmp``)
while holding the path's lock (``core.netfile.lock``). So a save that holds the
lock knows that any such temporary file is a leftover of a save that was killed,
and removes it; and a parameter file of the pattern ``net-<16 hex digits>.npz``
that no network file in the folder names is an orphan of a save killed between
its two writes, or of a network file since replaced, and is removed too. A
parameter file that any network file on disk in that folder names -- a copy
of ``net.toml`` under another name included -- is never removed.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from core.limits import FileProblem, read_limited

HASH_CHARS = 16  # of the SHA-256, in the parameter file's name


def parameter_name(toml_path: Path, digest: str) -> Path:
    """The parameter file of ``toml_path`` for parameters whose SHA-256 is ``digest``."""
    return toml_path.with_name(f"{toml_path.stem}-{digest[:HASH_CHARS]}.npz")


def leftovers(toml_path: Path) -> list[Path]:
    """Temporary files of earlier saves of ``toml_path`` (call with its lock held)."""
    stem, name = re.escape(toml_path.stem), re.escape(toml_path.name)
    tmp = re.compile(rf"^\.(?:{name}|{stem}-[0-9a-f]{{{HASH_CHARS}}}\.npz)\.[0-9-]+\.tmp$")
    return [p for p in _listing(toml_path.parent) if tmp.match(p.name)]


def orphans(toml_path: Path, keep: Path) -> list[Path]:
    """``toml_path``'s parameter files, but ``keep``, that no network file beside it names."""
    own = re.compile(rf"^{re.escape(toml_path.stem)}-[0-9a-f]{{{HASH_CHARS}}}\.npz$")
    candidates = [p for p in _listing(toml_path.parent) if own.match(p.name) and p != keep]
    if not candidates:
        return []
    named: set[str] = set()
    for other in _listing(toml_path.parent):
        if other.suffix != ".toml":
            continue
        try:
            text = read_limited(other, "text").decode("utf-8", "replace")
        except FileProblem:
            if other.exists():  # unreadable, yet maybe naming one: keep them all
                return []
            continue
        named.update(p.name for p in candidates if p.name in text)
    return [p for p in candidates if p.name not in named]


def remove(paths: list[Path]) -> None:
    """Remove ``paths``; one already gone is fine."""
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def sync_folder(folder: Path) -> None:
    """Make the folder's entries (renames, removals) durable, where the system allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []
