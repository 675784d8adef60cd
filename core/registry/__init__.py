"""Gate types by name: the registry of what plugins registered, and entry-point discovery.

``manager`` holds ``Registry`` (a pluggy PluginManager plus the gate types its
plugins registered, with provenance) and ``GateSpec``; ``discovery`` scans the
``gates`` entry-point group once per process, each plugin isolated, and holds
the process-wide ``default_registry()``.

May import: ``core.gate``, ``core.hookspecs``, ``core.errors``, ``core.rules``.
"""
from core.registry.discovery import (
                                     PluginInfo,
                                     PluginWarning,
                                     default_registry,
                                     load_entry_points,
                                     plugin_report,
)
from core.registry.manager import LOCAL, GateSpec, Registry, validate_gate_type

__all__ = ["LOCAL", "GateSpec", "PluginInfo", "PluginWarning", "Registry", "default_registry",
           "load_entry_points", "plugin_report", "validate_gate_type"]
