"""Use cases for freezes: an operator blocks a message type for a while (IB103)."""

from __future__ import annotations

from datetime import datetime

import structlog

from core import authz
from core.errors import InvalidRequest, NotFound
from core.model import Freeze
from core.plugins import PluginHost
from core.ports import Clock, Store
from core.principal import Principal

log = structlog.get_logger(__name__)


class FreezeService:
    def __init__(self, store: Store, plugins: PluginHost, clock: Clock):
        self._store = store
        self._plugins = plugins
        self._clock = clock

    def freeze(self, principal: Principal, message_type: str, until: datetime | None = None,
               reason: str | None = None) -> Freeze:
        authz.require_operator(principal)
        known = self._plugins.message_type(message_type)
        if known is None:
            raise InvalidRequest(f"unknown message type {message_type}", params={"message_type": message_type})
        now = self._clock.now()
        if until is not None and until <= now:
            raise InvalidRequest(f"the freeze end {until.isoformat()} is not in the future")
        freeze = Freeze(known.code, now, until, reason)
        self._store.set_freeze(freeze)
        log.info("message_type_frozen", message_type=known.code, until=until.isoformat() if until else None,
                 actor=principal.describe())
        return freeze

    def unfreeze(self, principal: Principal, message_type: str) -> None:
        authz.require_operator(principal)
        if not self._store.clear_freeze(message_type.upper()):
            raise NotFound(f"{message_type.upper()} is not frozen", params={"message_type": message_type})
        log.info("message_type_unfrozen", message_type=message_type.upper(), actor=principal.describe())

    def list(self, principal: Principal) -> list[Freeze]:
        authz.require_operator(principal)
        return self._store.list_freezes()
