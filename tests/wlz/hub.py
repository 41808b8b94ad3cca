"""A real hub for the Wlz tests: the composition root on SQLite or PostgreSQL, with a fixed clock."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dependency_injector import providers

from adapters.storage import create_engine_for, migrate
from config.container import Container, build_container
from config.settings import load_settings
from core.ingest import Outcome, Submission
from core.model import Channel, OrgKind
from core.principal import Principal
from plugins.wlz.services import WlzServices
from tests.fakes import FixedClock

OPERATOR = Principal.operator(Channel.CLI)
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@dataclass
class WlzHub:
    container: Container
    clock: FixedClock
    data_dir: Path

    @property
    def services(self) -> WlzServices:
        return WlzServices.from_context(self.container.plugin_context())

    @property
    def wlz_store(self):
        return self.container.wlz_store()

    def add(self, kind: OrgKind, code: str, services: tuple[str, ...] = ("wlz",),
            channels: tuple[Channel, ...] = (Channel.PORTAL,), oin: str | None = None) -> None:
        self.container.organisations().add(OPERATOR, kind, code, f"{kind.value} {code}", list(services),
                                           list(channels), oin)

    def add_partners(self) -> None:
        self.add(OrgKind.KETENPARTNER, "IB")
        self.add(OrgKind.KETENPARTNER, "CIZ")

    def import_schemas(self, folder: Path) -> None:
        self.container.catalog().import_release(OPERATOR, folder)

    def send(self, code: str, data: bytes, filename: str = "bericht.xml") -> Outcome:
        principal = Principal.organisation_software(code, Channel.PORTAL)
        return self.container.ingest().submit(principal, Submission(io.BytesIO(data), filename))

    def inbox(self, code: str):
        from core.ports import MessageQuery

        principal = Principal.organisation_software(code, Channel.PORTAL)
        return self.container.mailbox().inbox(principal, code, MessageQuery(organisation=code, limit=1000))

    def fetch(self, code: str, message_id: str) -> bytes:
        principal = Principal.organisation_software(code, Channel.PORTAL)
        _message, stream = self.container.mailbox().fetch(principal, message_id)
        with stream:
            return stream.read()


def build_wlz_hub(data_dir: Path, database_url: str, settings: dict | None = None) -> WlzHub:
    """Migrate the database and build the container; ``settings`` are (section, key) flags."""
    data_dir.mkdir(parents=True, exist_ok=True)
    flags = {("database", "url"): database_url, **(settings or {})}
    loaded = load_settings(data_dir, flags=flags, environ={})
    for key in ("payloads", "cache"):
        loaded.path(key).mkdir(parents=True, exist_ok=True)
    migrate(create_engine_for(database_url))
    container = build_container(loaded)
    clock = FixedClock(START)
    container.clock.override(providers.Object(clock))
    return WlzHub(container, clock, data_dir)
