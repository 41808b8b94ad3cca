"""A hub with a file drop, wired from real components: plugin host, schema catalog, ingest.

The store is any ``Store`` (the in-memory fake, SQLite or PostgreSQL from the shared
``store_env`` fixture), or the SQL store on a database URL that several processes share
(the crash and two-process tests need that).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adapters.filedrop import FileDrop, FileDropSettings
from adapters.filedrop.layout import OrgFolders
from adapters.storage import FilePayloadStore, SqlStore, create_engine_for, migrate
from core.clock import SystemClock
from core.ingest import IngestService
from core.model import Channel, Enrolment, Message, Organisation, OrgKind, State
from core.plugins import PluginHost
from core.ports import Clock, MessageQuery, PayloadStore, Store
from core.principal import Principal
from core.schemas import SchemaCatalog
from tests.filedrop.messages import AANBIEDER, GEMEENTE, ijw_32

FAST = dict(settle_seconds=0.0, poll_seconds=0.05, retry_base_seconds=1.0, retry_max_seconds=4.0)


@dataclass
class Stack:
    store: Store
    payloads: PayloadStore
    clock: Clock
    catalog: SchemaCatalog
    ingest: IngestService
    root: Path

    def file_drop(self, explain=None, ingest=None, store=None, payloads=None, **settings) -> FileDrop:
        """Build a file drop with fast test timings; keyword arguments override FileDropSettings fields.

        ``ingest``, ``store`` and ``payloads`` replace the hub's own for this file drop only,
        so a test can hand it a wrapper that fails on purpose.
        """
        return FileDrop(ingest or self.ingest, store or self.store, payloads or self.payloads, self.clock,
                        self.root, FileDropSettings(**{**FAST, **settings}), explain=explain)

    def folders(self, code: str) -> OrgFolders:
        return OrgFolders(self.root, code)

    def filedrop_messages(self) -> list[Message]:
        """Return every message handed in through the file drop, accepted or rejected."""
        found = []
        for code in (GEMEENTE, AANBIEDER):
            found += self.store.list_messages(MessageQuery(organisation=code, role="sender", limit=100_000))
        return [m for m in found if m.channel == Channel.FILEDROP]


def organisation(code: str, channel: Channel = Channel.FILEDROP, active: bool = True) -> Organisation:
    kind = OrgKind.GEMEENTE if len(code) == 4 else OrgKind.AANBIEDER
    return Organisation(code, kind, f"{kind.value} {code}", [Enrolment("jw", channel)], active=active)


def enrol_partners(store: Store) -> None:
    """Add gemeente 0384 and aanbieder 42420001, both taking Jeugd through the file drop."""
    store.add_organisation(organisation(GEMEENTE))
    store.add_organisation(organisation(AANBIEDER))


def build_stack(store: Store, payloads: PayloadStore, clock: Clock, workdir: Path, *, prepare: bool = True) -> Stack:
    """Wire a hub with the file-drop root in ``workdir``; ``prepare`` adds the iJw 3.2 release and both partners."""
    plugins = PluginHost().load()
    catalog = SchemaCatalog(store, clock, cache_dir=workdir / "xsd-cache")
    ingest = IngestService(store, payloads, plugins, catalog, clock)
    stack = Stack(store, payloads, clock, catalog, ingest, workdir / "filedrop")
    if prepare:
        catalog.import_release(Principal.operator(), ijw_32() / "xsd")
        enrol_partners(store)
    return stack


def sql_stack(workdir: Path, url: str, *, prepare: bool) -> Stack:
    """Build a hub on the SQL store with the system clock; ``prepare`` also migrates the database.

    Every process of one test calls this with the same ``workdir`` and ``url``, so they
    share the database, the payload folder and the file-drop root.
    """
    engine = create_engine_for(url)
    if prepare:
        migrate(engine)
    payloads = FilePayloadStore(workdir / "payloads", engine=engine)
    return build_stack(SqlStore(engine, payloads), payloads, SystemClock(), workdir, prepare=prepare)


def accepted(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.status != State.REJECTED]
