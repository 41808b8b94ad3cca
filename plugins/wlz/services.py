"""The Wlz use cases of one hub, built from the ``PluginContext`` the composition root hands over."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugins import PluginContext
from plugins.wlz.ports import WlzStore
from plugins.wlz.provisions import ProvisionService
from plugins.wlz.register import RegisterImportService
from plugins.wlz.registertoets import DEFAULT_BATCH_LIMIT, RegistertoetsService
from plugins.wlz.signals import SignalService

STORE_RESOURCE = "wlz.store"


@dataclass(frozen=True)
class WlzServices:
    register: RegisterImportService
    registertoets: RegistertoetsService
    provisions: ProvisionService
    signals: SignalService

    @classmethod
    def from_context(cls, context: PluginContext) -> "WlzServices":
        """Build the use cases on the resource ``wlz.store``; raise PluginError when it is not registered."""
        store: WlzStore = context.resource(STORE_RESOURCE)
        signals = SignalService(store, context.store, context.ingest, context.clock)
        return cls(
            register=RegisterImportService(store, context.store, context.clock, signals),
            registertoets=RegistertoetsService(store, context.store, context.clock,
                                               context.setting("wlz", "batch_limit", DEFAULT_BATCH_LIMIT)),
            provisions=ProvisionService(store, context.store),
            signals=signals,
        )
