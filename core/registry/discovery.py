"""Finding gate plugins through the ``gates`` entry-point group.

pluggy's own ``load_setuptools_entrypoints`` rescans every distribution on each
call and lets an exception from one plugin's import take the host down, so the
host loads entry points itself: once per process, each in isolation, recording
every plugin's status. Environment variables, in the style of pytest and llm:

* ``GATES_DISABLE_PLUGIN_AUTOLOAD=1`` -- load only the host distribution's own
  entry points (the built-in gates and extension packs);
* ``GATES_LOAD_PLUGINS=a,b`` -- load only these distributions (the host's own
  are always loaded); others are never imported;
* ``GATES_STRICT_PLUGINS=1`` -- a plugin that fails to load is fatal (for CI).

A plugin cannot take the host down or pass for a success: any exception its
import or registration raises, ``SystemExit`` included (not
``KeyboardInterrupt``), fails that plugin alone; what it prints while loading
goes to stderr, never into a ``--json`` document on stdout; a hook it misspelt
or left unmarked, and a gate of it that was refused (the others are kept), are
warnings (errors under strict mode). Each plugin's load time is recorded.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from importlib import metadata
from typing import Any

import attrs

from core.errors import PluginError, suggest
from core.registry.manager import LOCAL, Registry

GROUP = "gates"
HOST_DISTRIBUTION = "gates-nn"  # the framework's own distribution (its name on PyPI)


class PluginWarning(UserWarning):
    """A plugin failed to load; the others were loaded."""


@attrs.define
class PluginInfo:
    """What happened to one entry point."""

    name: str
    distribution: str
    version: str
    entry_point: str
    status: str  # "loaded", "failed" or "not loaded"
    error: str = ""
    gates: list[str] = attrs.field(factory=list)
    #: what went wrong although it loaded: a refused gate, a misspelt or unmarked hook
    problems: list[str] = attrs.field(factory=list)
    load_seconds: float = 0.0  # importing and registering it

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def load_entry_points(registry: Registry, *, strict: bool | None = None) -> list[PluginInfo]:
    """Load every plugin of the ``gates`` group into ``registry``, each in isolation."""
    strict = _flag("GATES_STRICT_PLUGINS") if strict is None else strict
    autoload = not _flag("GATES_DISABLE_PLUGIN_AUTOLOAD")
    wanted = os.environ.get("GATES_LOAD_PLUGINS")
    only = {_normal(n) for n in wanted.split(",") if n.strip()} if wanted is not None else None
    infos = []
    for ep in sorted(metadata.entry_points(group=GROUP), key=_host_first):
        dist = ep.dist.name if ep.dist else "?"
        version = ep.dist.version if ep.dist else ""
        info = PluginInfo(ep.name, dist, version, ep.value, "not loaded")
        infos.append(info)
        host = _normal(dist) == HOST_DISTRIBUTION
        if not host and (not autoload or (only is not None and _normal(dist) not in only)):
            info.error = "not loaded: excluded by GATES_DISABLE_PLUGIN_AUTOLOAD/GATES_LOAD_PLUGINS"
            continue
        _load_one(registry, ep, info, strict)
    if autoload and only:
        _warn_unknown(only, {_normal(i.distribution) for i in infos}, strict)
    return infos


def _load_one(registry: Registry, ep: metadata.EntryPoint, info: PluginInfo,
              strict: bool) -> None:
    """Import and register one entry point's plugin, isolated; fill in ``info``."""
    where = f"gate plugin entry point {ep.name!r} = {ep.value!r} from distribution " \
            f"{info.distribution} {info.version}"
    start = time.perf_counter()
    try:
        with stdout_to_stderr():
            plugin = ep.load()
            registry.register(plugin, name=ep.name, distribution=info.distribution,
                              version=info.version, lenient=True)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit too: a plugin must not end the host
        info.load_seconds = time.perf_counter() - start
        info.status, info.error = "failed", f"{type(exc).__name__}: {exc}"
        _complain(f"{where} failed to load: {info.error}", strict, exc)
        return
    info.load_seconds = time.perf_counter() - start
    info.status, info.gates = "loaded", registry.plugin_gates(plugin)
    info.problems = registry.hook_problems(plugin)
    refused = registry.refused(plugin)
    if refused:
        kept = ", ".join(info.gates) or "none"
        info.problems += [f"its gate {r} -- refused; its other gates were kept: {kept}"
                          for r in refused]
    for problem in info.problems:
        _complain(f"{where}: {problem}", strict)
    if not info.gates and not info.problems:
        info.problems.append("it registered no gates")
        _complain(f"{where} registered no gates", False)


def _complain(message: str, strict: bool, cause: BaseException | None = None) -> None:
    """A PluginWarning, or under strict mode a PluginError."""
    if strict:
        raise PluginError(message) from cause
    warnings.warn(message, PluginWarning, stacklevel=4)


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send what is printed meanwhile, by Python or at the file-descriptor level, to stderr:
    stdout may be carrying a JSON document (``gates list --json``)."""
    saved, fd = None, -1
    try:  # the process's own stdout and stderr, whatever sys.stdout is now
        fd, err = 1, 2
        os.fstat(err)
        saved = os.dup(fd)
        os.dup2(err, fd)
    except OSError:
        saved = None  # no file descriptor 1 or 2 (closed): Python level only
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if saved is not None:
            # Python's own stdout buffer is left alone: what was printed before the
            # plugin loaded reaches stdout when it is flushed, as it would have
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)


def _warn_unknown(wanted: set[str], present: set[str], strict: bool) -> None:
    """A misspelt name in GATES_LOAD_PLUGINS would otherwise load nothing, silently."""
    for name in sorted(wanted - present):
        message = (f"GATES_LOAD_PLUGINS names {name!r}, but no installed distribution with "
                   f"that name provides gate plugins{suggest(name, present)}")
        if strict:
            raise PluginError(message)
        warnings.warn(message, PluginWarning, stacklevel=3)


def _host_first(ep: metadata.EntryPoint) -> tuple[int, str, str]:
    dist = _normal(ep.dist.name) if ep.dist else ""
    return (dist != HOST_DISTRIBUTION, dist, ep.name)


_DEFAULT: tuple[Registry, list[PluginInfo]] | None = None
_SCANNING = threading.RLock()


def default_registry() -> Registry:
    """The process-wide registry; entry points are scanned on first use only."""
    return _default()[0]


def plugin_report() -> list[PluginInfo]:
    """Status of every entry point the default registry saw, plus local plugins."""
    registry, infos = _default()
    seen = {i.name for i in infos if i.status == "loaded"}
    local = []
    for plugin in registry.pm.get_plugins():
        name = registry.pm.get_name(plugin) or repr(plugin)
        if name not in seen:
            local.append(PluginInfo(name, LOCAL, "", repr(plugin), "loaded",
                                    gates=registry.plugin_gates(plugin)))
    return infos + local


def _default() -> tuple[Registry, list[PluginInfo]]:
    global _DEFAULT
    if _DEFAULT is None:
        with _SCANNING:  # threads making their first graphs at once scan once
            if _DEFAULT is None:
                registry = Registry()
                _DEFAULT = (registry, load_entry_points(registry))
    return _DEFAULT
