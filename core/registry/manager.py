"""The gate registry: a pluggy PluginManager plus the gate types its plugins register.

Every gate type is registered through the ``register_gates(register)`` hook, the
built-ins exactly like a third party's. The registry remembers who registered
what (plugin, distribution, version) and refuses a gate name that is taken,
naming both registrants. A plugin whose registration fails is unregistered
again, so nothing already registered is lost. Registered ``lenient`` (as the
entry-point scan does), a plugin's invalid or duplicate gate type is refused
alone and its other gates are kept (``refused`` says which and why).
``hook_problems`` names hooks a plugin misspelt or left unmarked.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pluggy

from core import hookspecs
from core.errors import DuplicateGateError, GraphError, UnknownGateError, suggest
from core.gate.kinds import Gate, Kind, kind_of
from core.rules import gate_name_problem

LOCAL = "(local)"


@attrs.frozen
class GateSpec:
    """A registered gate type and where it came from."""

    name: str
    kind: Kind
    arity: int
    gate_type: type
    plugin: str
    distribution: str | None = None
    version: str | None = None

    @property
    def origin(self) -> str:
        """'distribution version', or 'local' for a plugin registered in this process."""
        if not self.distribution:
            return LOCAL.strip("()")
        return f"{self.distribution}{' ' + self.version if self.version else ''}"

    @property
    def source(self) -> str:
        """"plugin 'name' (distribution version)" for messages."""
        return f"plugin {self.plugin!r} ({self.origin})"

    def attributes(self) -> tuple[str, ...]:
        """Names of the attributes a gate of this type takes (attrs fields)."""
        if attrs.has(self.gate_type):
            return tuple(f.name for f in attrs.fields(self.gate_type) if f.init)
        return ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "arity": self.arity,
            "plugin": self.plugin,
            "distribution": self.distribution,
            "version": self.version,
            "attributes": list(self.attributes()),
            "doc": (self.gate_type.__doc__ or "").strip().splitlines()[0]
            if self.gate_type.__doc__
            else "",
        }


def validate_gate_type(gate_type: Any) -> None:
    """Raise TypeError when ``gate_type`` does not declare valid metadata."""
    if not (isinstance(gate_type, type) and issubclass(gate_type, Gate)):
        raise TypeError(f"register() takes a Gate subclass, got {gate_type!r}")
    kind = kind_of(gate_type)
    name = getattr(gate_type, "name", "")
    if gate_name_problem(name):
        raise TypeError(f"gate type {gate_type.__qualname__} has an invalid name {name!r}")
    arity = gate_type.arity
    if not isinstance(arity, int) or arity < 1:
        raise TypeError(f"gate {name!r} declares arity {arity!r}; expected a positive int")
    fixed = {"activation": 1, "cost": 2}.get(kind)
    if fixed is not None and arity != fixed:
        raise TypeError(f"gate {name!r} is a{'n' if kind[0] == 'a' else ''} {kind} "
                        f"and must have arity {fixed}, not {arity}")


@attrs.define
class _Provenance:
    distribution: str | None = None
    version: str | None = None


class Registry:
    """Gate types by name, collected from pluggy plugins."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self._gates: dict[str, GateSpec] = {}
        self._collected: dict[int, tuple[object, list[str]]] = {}
        self._provenance: dict[int, _Provenance] = {}
        self._refused: dict[int, list[str]] = {}

    # -- plugins -----------------------------------------------------------
    def register(self, plugin: object, name: str | None = None, *,
                 distribution: str | None = None, version: str | None = None,
                 lenient: bool = False) -> str:
        """Register a plugin object and collect its gates.

        On any error the plugin is unregistered again and the error re-raised:
        the gates registered before stay as they were. With ``lenient``, a gate
        type that is invalid or whose name is taken is refused on its own (see
        ``refused``) and the plugin's other gates are kept.
        """
        plugin_name = self.pm.register(plugin, name)
        if plugin_name is None:  # pluggy: blocked name
            raise GraphError(f"plugin {name!r} is blocked")
        self._provenance[id(plugin)] = _Provenance(distribution, version)
        try:
            self._collect(plugin, lenient)
        except BaseException:
            self.pm.unregister(plugin)
            self._provenance.pop(id(plugin), None)
            self._refused.pop(id(plugin), None)
            raise
        return plugin_name

    def refused(self, plugin: object) -> list[str]:
        """The gate types a leniently registered plugin offered and that were refused, each
        with the reason ("'add': gate name 'add' is registered twice: ...")."""
        return list(self._refused.get(id(plugin), ()))

    def hook_problems(self, plugin: object) -> list[str]:
        """What in ``plugin`` looks like a hook but is never called: an implementation of a
        hook that gates does not have (a misspelling, with the nearest real hook), or a
        function named like a hook without the ``@hookimpl`` marker."""
        known = sorted(n for n in dir(hookspecs) if self.pm.parse_hookspec_opts(hookspecs, n))
        problems = []
        for caller in self.pm.get_hookcallers(plugin) or ():
            mine = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if caller.spec is None and any(not i.optionalhook for i in mine):
                problems.append(f"it implements a hook {caller.name!r}, which gates does not "
                                f"have, so it is never called{suggest(caller.name, known)}")
        for hook in known:
            if callable(getattr(plugin, hook, None)) and \
                    self.pm.parse_hookimpl_opts(plugin, hook) is None:
                problems.append(f"it defines {hook}() without the @hookimpl marker (from core "
                                f"import hookimpl), so it is never called")
        return problems

    def unregister(self, plugin: object) -> None:
        self.pm.unregister(plugin)
        self._sync()

    def _sync(self) -> None:
        """Catch up with plugins registered or removed through ``pm`` directly."""
        live = {id(p): p for p in self.pm.get_plugins()}
        for key in [k for k in self._collected if k not in live]:
            _, names = self._collected.pop(key)
            for n in names:
                self._gates.pop(n, None)
            self._provenance.pop(key, None)
            self._refused.pop(key, None)
        for key, plugin in live.items():
            if key not in self._collected:
                try:
                    self._collect(plugin, False)
                except BaseException:
                    self.pm.unregister(plugin)
                    raise

    def _collect(self, plugin: object, lenient: bool) -> None:
        prov = self._provenance.get(id(plugin), _Provenance())
        plugin_name = self.pm.get_name(plugin) or repr(plugin)
        new: dict[str, GateSpec] = {}
        refused: list[str] = []

        def register(gate_type: type[Gate]) -> None:
            try:
                validate_gate_type(gate_type)
                name = gate_type.name
                spec = GateSpec(name, kind_of(gate_type), gate_type.arity, gate_type,
                                plugin_name, prov.distribution, prov.version)
                other = self._gates.get(name) or new.get(name)
                if other is not None:
                    raise DuplicateGateError(
                        f"gate name {name!r} is registered twice: by {other.source} "
                        f"and by {spec.source}")
            except (TypeError, DuplicateGateError) as exc:
                if not lenient:
                    raise
                label = getattr(gate_type, "name", "") or getattr(gate_type, "__qualname__",
                                                                  repr(gate_type))
                refused.append(f"{label!r}: {exc}")
                return
            new[name] = spec

        for impl in self.pm.hook.register_gates.get_hookimpls():
            if impl.plugin is plugin:
                impl.function(register=register)
        self._gates.update(new)
        self._collected[id(plugin)] = (plugin, list(new))
        self._refused[id(plugin)] = refused

    def plugin_gates(self, plugin: object) -> list[str]:
        """Names of the gates ``plugin`` registered."""
        self._sync()
        return list(self._collected.get(id(plugin), (None, []))[1])

    # -- gates ---------------------------------------------------------------
    def get(self, name: str) -> GateSpec:
        self._sync()
        try:
            return self._gates[name]
        except KeyError:
            raise UnknownGateError(name, self._gates) from None

    def create(self, name: str, **attributes: Any) -> Gate:
        """A gate instance of the registered type ``name``, with its attributes."""
        spec = self.get(name)
        unknown = sorted(set(attributes) - set(spec.attributes()))
        if unknown:
            takes = ", ".join(spec.attributes()) or "none"
            raise GraphError(f"gate {name!r} does not take attribute(s) "
                             f"{', '.join(unknown)}; it takes: {takes}")
        try:
            return spec.gate_type(**attributes)
        except (TypeError, ValueError) as exc:
            raise GraphError(f"gate {name!r} rejected its attributes {attributes}: {exc}") from exc

    def names(self) -> list[str]:
        self._sync()
        return sorted(self._gates)

    def specs(self) -> list[GateSpec]:
        self._sync()
        return [self._gates[n] for n in sorted(self._gates)]

    def __contains__(self, name: object) -> bool:
        self._sync()
        return name in self._gates

    def __iter__(self) -> Iterator[GateSpec]:
        return iter(self.specs())

    def __len__(self) -> int:
        self._sync()
        return len(self._gates)
