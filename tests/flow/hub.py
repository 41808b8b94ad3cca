"""A hub wired from the in-memory fakes and the real plugin host, schema catalog and ingest service.

Used by the flow, plugin and example plugin tests. Each test builds its own hub, so no
message, organisation or schema release leaks from one test into another.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.ingest import IngestService, IngestSettings, Outcome, Submission
from core.model import Channel, Enrolment, Event, Message, Organisation, OrgKind, SchemaSet, State
from core.plugins import PluginHost
from core.principal import Principal
from core.schemas import SchemaCatalog
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore
from tests.flow.messages import Parties, parties
from tests.flow.reference import Example

OPERATOR = Principal.operator()

KIND_OF_CODE_LENGTH = {4: OrgKind.GEMEENTE, 8: OrgKind.AANBIEDER}

# iStandaarden standard (first part of a message namespace) -> the hub service that carries it.
SERVICE_OF_STANDARD = {"iwmo": "wmo", "ijw": "jw"}


def organisation(
    code: str,
    services: tuple[str, ...] = ("wmo", "jw"),
    *,
    kind: OrgKind | None = None,
    channel: Channel = Channel.PORTAL,
    active: bool = True,
) -> Organisation:
    """Build an organisation: a 4-digit code is a gemeente, an 8-digit AGB code an aanbieder,
    and a name such as CAK a ketenpartner."""
    if kind is None:
        kind = KIND_OF_CODE_LENGTH.get(len(code), OrgKind.KETENPARTNER) if code.isdigit() else OrgKind.KETENPARTNER
    enrolments = [Enrolment(service, channel) for service in services]
    return Organisation(code, kind, f"{kind.value} {code}", enrolments, active=active)


@dataclass
class Hub:
    """One hub's components, plus shortcuts that read as the steps of a test."""

    store: MemoryStore
    payloads: MemoryPayloads
    clock: FixedClock
    plugins: PluginHost
    catalog: SchemaCatalog
    service: IngestService

    def import_release(self, xsd_folder: Path) -> SchemaSet:
        return self.catalog.import_release(OPERATOR, xsd_folder)

    def add(self, *organisations: Organisation) -> None:
        for item in organisations:
            self.store.add_organisation(item)

    def send(self, sender: str | None, data: bytes, filename: str = "bericht.xml", **submission) -> Outcome:
        """Hand in one file as the software of ``sender`` (None: the operator, acting for no organisation)."""
        return self.service.submit(principal_of(sender), Submission(io.BytesIO(data), filename, **submission))

    def send_many(self, sender: str, files: list[tuple[str, bytes]]) -> list[Outcome]:
        submissions = [Submission(io.BytesIO(data), name) for name, data in files]
        return self.service.submit_many(principal_of(sender), submissions)

    def service_for(self, example: Example) -> str:
        """Return the service of an example's standard; skip the test when no plugin handles it yet."""
        declared = {standard: t.service for t in self.plugins.message_types() for standard in t.standards}
        service = SERVICE_OF_STANDARD.get(example.standard) or declared.get(example.standard)
        if service is None:
            pytest.skip(f"no plugin handles {example.standard} {example.release} yet")
        return service

    def prepare(self, example: Example, data: bytes | None = None) -> Parties:
        """Import the example's release and add every party its header names, enrolled for its service."""
        data = example.read() if data is None else data
        service = self.service_for(example)
        self.import_release(example.xsd_folder)
        found = parties(data)
        for code in sorted({*found.named, found.sender, found.recipient}):
            if self.store.get_organisation(code) is None:
                self.add(organisation(code, (service,)))
        return found

    def message(self, message_id: str) -> Message:
        found = self.store.get_message(message_id)
        assert found is not None, f"the store holds no message {message_id}"
        return found

    def states(self, message_id: str) -> list[State]:
        return [event.state for event in self.store.events(message_id)]

    def events_in(self, message_id: str, state: State) -> list[Event]:
        return [event for event in self.store.events(message_id) if event.state == state]

    def accepted_ids(self) -> set[str]:
        return {m.id for m in self.store.messages.values() if m.status != State.REJECTED}


def principal_of(sender: str | None) -> Principal:
    if sender is None:
        return OPERATOR
    return Principal.organisation_software(sender, Channel.PORTAL)


def build_hub(
    cache_dir: Path,
    *,
    settings: IngestSettings | None = None,
    plugins: PluginHost | None = None,
) -> Hub:
    """Wire a hub; ``plugins`` defaults to every plugin found through the ``ggk.plugins`` entry points."""
    clock = FixedClock()
    staging = cache_dir / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    payloads = MemoryPayloads(staging)
    store = MemoryStore(payloads)
    host = plugins if plugins is not None else PluginHost().load()
    catalog = SchemaCatalog(store, clock, cache_dir=cache_dir / "xsd")
    service = IngestService(store, payloads, host, catalog, clock, settings)
    return Hub(store, payloads, clock, host, catalog, service)
