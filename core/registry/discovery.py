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
"""
from __future__ import annotations

import os
import re
import threading
import warnings
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
        try:
            plugin = ep.load()
            registry.register(plugin, name=ep.name, distribution=dist, version=version)
        except Exception as exc:
            info.status, info.error = "failed", f"{type(exc).__name__}: {exc}"
            message = (f"gate plugin entry point {ep.name!r} = {ep.value!r} from "
                       f"distribution {dist} {version} failed to load: {info.error}")
            if strict:
                raise PluginError(message) from exc
            warnings.warn(message, PluginWarning, stacklevel=2)
            continue
        info.status = "loaded"
        info.gates = registry.plugin_gates(plugin)
    if autoload and only:
        _warn_unknown(only, {_normal(i.distribution) for i in infos}, strict)
    return infos


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
