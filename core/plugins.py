"""The plugin host: a typed facade over pluggy, so core never calls an untyped hook."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
import structlog

from core import hookspecs
from core.errors import GgkError, Rejected
from core.header import Header
from core.messagetypes import MessageType, NamespaceInfo, ServiceSpec, parse_namespace
from core.model import Message
from core.ports import Clock, PayloadSource, PayloadStore, Store

if TYPE_CHECKING:
    from core.ingest import IngestService

ENTRY_POINT_GROUP = "ggk.plugins"

log = structlog.get_logger(__name__)


class PluginError(GgkError):
    code = "GGK501"


@dataclass(frozen=True)
class PluginContext:
    """The hub's components a started plugin may use, handed over by ``ggk_plugin_started``.

    ``settings`` holds the setting values by section (``settings["wlz"]["batch_limit"]``).
    ``resources`` holds objects the composition root registers by name for one plugin,
    such as the SQL adapter of a plugin's own port under ``"wlz.store"``.
    """

    store: Store
    payloads: PayloadStore
    clock: Clock
    ingest: "IngestService"
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    resources: Mapping[str, Any] = field(default_factory=dict)

    def resource(self, name: str) -> Any:
        """Return the resource registered as ``name``; raise PluginError when it is missing."""
        if name not in self.resources:
            registered = ", ".join(sorted(self.resources)) or "none"
            raise PluginError(f"no resource {name!r} is registered by the composition root (registered: {registered})")
        return self.resources[name]

    def setting(self, section: str, key: str, default: Any = None) -> Any:
        return self.settings.get(section, {}).get(key, default)


@dataclass(frozen=True)
class Routed:
    """One accepted message as the batch observers get it."""

    message: Message
    header: Header
    payload: PayloadSource


class PluginHost:
    """Load service plugins from the ``ggk.plugins`` entry points and index their message types.

    ``disabled`` names entry points that must not load. ``extra`` registers plugin objects
    directly, for tests that build a throwaway plugin.
    """

    def __init__(self, disabled: Iterable[str] = (), extra: Iterable[tuple[str, Any]] = ()):
        self._disabled = set(disabled)
        self._extra = list(extra)
        self._pm: pluggy.PluginManager | None = None
        self._services: dict[str, ServiceSpec] = {}
        self._by_namespace: dict[tuple[str, str], MessageType] = {}
        self._by_code: dict[str, MessageType] = {}
        self._by_exact_namespace: dict[str, MessageType] = {}
        self._context: PluginContext | None = None

    def load(self) -> "PluginHost":
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        for name in self._disabled:
            pm.set_blocked(name)
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for name, plugin in self._extra:
            if name not in self._disabled:
                pm.register(plugin, name=name)
        self._pm = pm
        self._index(pm.hook.ggk_services())
        log.info("plugins_loaded", plugins=self.plugin_names(), services=sorted(self._services))
        return self

    def _index(self, specs: list[ServiceSpec]) -> None:
        for spec in specs:
            if spec.code in self._services:
                raise PluginError(f"service {spec.code!r} is declared by two plugins")
            self._services[spec.code] = spec
            for message_type in spec.message_types:
                self._add_message_type(spec, message_type)

    def _add_message_type(self, spec: ServiceSpec, message_type: MessageType) -> None:
        if message_type.service != spec.code:
            raise PluginError(
                f"message type {message_type.code} names service {message_type.service!r} "
                f"but is declared by service {spec.code!r}"
            )
        if message_type.code in self._by_code:
            raise PluginError(f"message type {message_type.code} is declared twice")
        self._by_code[message_type.code] = message_type
        if message_type.namespace is not None:
            if message_type.namespace in self._by_exact_namespace:
                raise PluginError(f"namespace {message_type.namespace} is declared twice")
            self._by_exact_namespace[message_type.namespace] = message_type
            return
        for standard in message_type.standards:
            self._by_namespace[(standard, message_type.namespace_name)] = message_type

    @property
    def pm(self) -> pluggy.PluginManager:
        if self._pm is None:
            raise PluginError("the plugin host is not loaded; call load() first")
        return self._pm

    def plugin_names(self) -> list[str]:
        return sorted(name for name, plugin in self.pm.list_name_plugin() if plugin is not None)

    def services(self) -> dict[str, ServiceSpec]:
        return dict(self._services)

    def message_types(self) -> list[MessageType]:
        return list(self._by_code.values())

    def message_type(self, code: str) -> MessageType | None:
        return self._by_code.get(code.upper())

    def message_type_for(self, namespace: NamespaceInfo) -> MessageType | None:
        return self._by_namespace.get((namespace.standard, namespace.name))

    def recognise(self, namespace: str | None) -> tuple[MessageType, NamespaceInfo] | None:
        """Return the message type a root namespace belongs to, with its namespace description."""
        exact = self._by_exact_namespace.get(namespace or "")
        if exact is not None:
            return exact, exact.namespace_info()
        info = parse_namespace(namespace)
        if info is None:
            return None
        message_type = self.message_type_for(info)
        return (message_type, info) if message_type is not None else None

    def exact_namespaces(self) -> set[str]:
        return set(self._by_exact_namespace)

    def bundled_xsd(self, namespace: str) -> Path | None:
        """Return the XSD a plugin ships for an exact namespace, if any."""
        message_type = self._by_exact_namespace.get(namespace)
        return message_type.bundled_xsd if message_type is not None else None

    def route(self, message_type: MessageType, header: Header, sender: str) -> str | None:
        hook = self.pm.hook.ggk_route_message
        if not hook.get_hookimpls():  # most deployments: skip the call on the ingest hot path
            return None
        return hook(message_type=message_type, header=header, sender=sender)

    def check(self, message_type: MessageType, header: Header, payload: PayloadSource) -> Rejected | None:
        hook = self.pm.hook.ggk_check_message
        if not hook.get_hookimpls():
            return None
        return hook(message_type=message_type, header=header, payload=payload)

    def messages_routed(self, routed: list["Routed"]) -> None:
        """Hand a committed batch to the batch observers, then each message to the per-message ones."""
        if not routed:
            return
        for impl in self.pm.hook.ggk_messages_routed.get_hookimpls():
            try:
                impl.function(routed=routed)
            except Exception:  # an observer must not undo accepted messages
                log.exception("plugin_observer_failed", plugin=impl.plugin_name,
                              message_ids=[item.message.id for item in routed])
        if self.pm.hook.ggk_message_routed.get_hookimpls():
            for item in routed:
                self.message_routed(item.message, item.header, item.payload)

    def message_routed(self, message: Message, header: Header, payload: PayloadSource) -> None:
        arguments = {"message": message, "header": header, "payload": payload}
        for impl in self.pm.hook.ggk_message_routed.get_hookimpls():
            try:  # like pluggy, pass only the arguments the implementation names
                impl.function(**{name: arguments[name] for name in impl.argnames})
            except Exception:  # an observer must not undo an accepted message
                log.exception("plugin_observer_failed", plugin=impl.plugin_name, message_id=message.id)

    def add_cli_commands(self, cli: Any) -> None:
        self.pm.hook.ggk_cli_commands(cli=cli)

    def start(self, context: PluginContext) -> None:
        """Call ``ggk_plugin_started`` once and register the objects the plugins return.

        Raise PluginError when the host was started before or a plugin fails to start.
        """
        if self._context is not None:
            raise PluginError("the plugin host is already started")
        self._context = context
        for impl in self.pm.hook.ggk_plugin_started.get_hookimpls():
            try:
                started = impl.function(**({"context": context} if impl.argnames else {}))
            except Exception as error:
                raise PluginError(f"plugin {impl.plugin_name} failed to start: {error}") from error
            if started is not None:
                self.pm.register(started, name=f"{impl.plugin_name}.started")
        log.info("plugins_started", plugins=self.plugin_names())

    @property
    def context(self) -> PluginContext:
        """Return the context the host was started with; raise PluginError before ``start``."""
        if self._context is None:
            raise PluginError("the plugin host is not started; the composition root calls start(context)")
        return self._context
