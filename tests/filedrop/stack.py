"""A hub with a file drop, wired from real components: plugin host, schema catalog, ingest.

The store is the in-memory fake, or the SQL store of ``adapters.storage`` on a database
URL, which several processes can share (the crash and two-process tests need that).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.filedrop import FileDrop, FileDropSettings
from adapters.filedrop.layout import OrgFolders
from core.clock import SystemClock
from core.ingest import IngestService
from core.model import Channel, Enrolment, Message, Organisation, OrgKind, State
from core.plugins import PluginHost
from core.ports import Clock, MessageQuery, PayloadStore, Store
from core.principal import Principal
from core.schemas import SchemaCatalog
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore
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

    def file_drop(self, explain=None, store=None, payloads=None, **settings) -> FileDrop:
        """Build a file drop with fast test timings; keyword arguments override FileDropSettings fields.

        ``store`` and ``payloads`` replace the hub's own for this file drop only, so a test
        can hand it a wrapper that fails on purpose.
        """
        return FileDrop(self.ingest, store or self.store, payloads or self.payloads, self.clock, self.root,
                        FileDropSettings(**{**FAST, **settings}), explain=explain)

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


def _wire(store: Store, payloads: PayloadStore, clock: Clock, workdir: Path, root: Path) -> Stack:
    plugins = PluginHost().load()
    catalog = SchemaCatalog(store, clock, cache_dir=workdir / "xsd-cache")
    ingest = IngestService(store, payloads, plugins, catalog, clock)
    return Stack(store, payloads, clock, catalog, ingest, root)


def memory_stack(workdir: Path) -> Stack:
    """Build a hub on the in-memory fakes with the iJw 3.2 release and both partners."""
    staging = workdir / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    payloads = MemoryPayloads(staging)
    stack = _wire(MemoryStore(payloads), payloads, FixedClock(), workdir, workdir / "filedrop")
    stack.catalog.import_release(Principal.operator(), ijw_32() / "xsd")
    enrol_partners(stack.store)
    return stack


def sql_stack(workdir: Path, url: str, *, prepare: bool) -> Stack:
    """Build a hub on the SQL store; ``prepare`` migrates and adds the release and the partners.

    Every process of one test calls this with the same ``workdir`` and ``url``, so they
    share the database, the payload folder and the file-drop root.
    """
    storage = pytest.importorskip("adapters.storage", reason="the SQL storage adapter is not installed")
    if not hasattr(storage, "SqlStore"):
        pytest.skip("adapters.storage does not provide SqlStore yet")
    engine = storage.create_engine_for(url)
    if prepare:
        storage.migrate(engine)
    payloads = storage.FilePayloadStore(workdir / "payloads")
    store = storage.SqlStore(engine, payloads)
    stack = _wire(store, payloads, SystemClock(), workdir, workdir / "filedrop")
    if prepare:
        stack.catalog.import_release(Principal.operator(), ijw_32() / "xsd")
        enrol_partners(store)
    return stack


def drain(drop: FileDrop, passes: int = 50):
    """Run passes until one moves and delivers nothing; return the reports."""
    reports = []
    for _ in range(passes):
        report = drop.run_once()
        reports.append(report)
        if not report.made_progress() and not report.more_waiting:
            break
    return reports


def accepted(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.status != State.REJECTED]
