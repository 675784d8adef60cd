"""The hooks a gate plugin may implement. One docstring per hook.

A plugin is any module or object with functions marked ``@core.hookimpl``; it is
found through the ``gates`` entry-point group or registered by hand with
``Registry.register``.
"""
import pluggy

PROJECT = "gates"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_gates(register):
    """Register gate types: call ``register(GateType)`` once for each type."""
