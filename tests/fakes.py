"""In-memory fakes of the core ports; the storage adapter passes the same contract tests."""

from __future__ import annotations

import copy
import hashlib
import io
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from core.errors import Conflict, NotFound
from core.tracking import TRANSITIONS
from core.model import Channel, Delivery, Event, Freeze, Message, Organisation, SchemaSet, State
from core.ports import (
    Acceptance, Clock, MessageCount, MessageQuery, PayloadStore, PayloadTooLarge, Rejection, SchemaActivation, StagedPayload, Store,
)

CHUNK = 64 * 1024


class FixedClock(Clock):
    def __init__(self, start: datetime | None = None):
        self.current = start or datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        self.current += timedelta(milliseconds=1)
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


class MemoryPayloads(PayloadStore):
    def __init__(self, staging: Path | None = None):
        self._staging = staging or Path(tempfile.mkdtemp(prefix="ggk-staging-"))
        self.blobs: dict[str, bytes] = {}

    def stage(self, stream: BinaryIO, limit: int) -> StagedPayload:
        digest = hashlib.sha256()
        handle = tempfile.NamedTemporaryFile(dir=self._staging, delete=False)
        size = 0
        with handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    handle.close()
                    Path(handle.name).unlink()
                    raise PayloadTooLarge(limit)
                digest.update(chunk)
                handle.write(chunk)
        return StagedPayload(Path(handle.name), digest.hexdigest(), size)

    def discard(self, staged: StagedPayload) -> None:
        if staged.path is not None:
            staged.path.unlink(missing_ok=True)

    def keep(self, staged: StagedPayload) -> None:
        self.blobs.setdefault(staged.sha256, staged.read_bytes())

    def open(self, sha256: str) -> BinaryIO:
        return io.BytesIO(self.blobs[sha256])


class MemoryStore(Store):
    def __init__(self, payloads: MemoryPayloads):
        self._payloads = payloads
        self._lock = threading.Lock()
        self.organisations: dict[str, Organisation] = {}
        self.freezes: dict[str, Freeze] = {}
        self.sets: dict[str, tuple[SchemaSet, dict[str, bytes]]] = {}
        self.activations: list[SchemaActivation] = []
        self.messages: dict[str, Message] = {}
        self.history: dict[str, list[Event]] = {}
        self.deliveries: dict[str, dict] = {}

    def add_organisation(self, organisation: Organisation) -> None:
        if organisation.code in self.organisations:
            raise Conflict(f"organisation {organisation.code} exists")
        self.organisations[organisation.code] = copy.deepcopy(organisation)

    def save_organisation(self, organisation: Organisation) -> None:
        existing = self.organisations.get(organisation.code)
        if existing is None:
            raise NotFound(f"organisation {organisation.code} does not exist")
        existing.name, existing.oin, existing.active = organisation.name, organisation.oin, organisation.active
        existing.enrolments = list(dict.fromkeys(organisation.enrolments))

    def get_organisation(self, code: str) -> Organisation | None:
        found = self.organisations.get(code)
        return copy.deepcopy(found) if found else None

    def list_organisations(self) -> list[Organisation]:
        return [copy.deepcopy(o) for _, o in sorted(self.organisations.items())]

    def set_freeze(self, freeze: Freeze) -> None:
        self.freezes[freeze.message_type] = freeze

    def clear_freeze(self, message_type: str) -> bool:
        return self.freezes.pop(message_type, None) is not None

    def list_freezes(self) -> list[Freeze]:
        return list(self.freezes.values())

    def add_schema_set(self, schema_set: SchemaSet, files: dict[str, bytes]) -> None:
        self.sets[schema_set.id] = (schema_set, dict(files))
        for namespace in schema_set.namespaces:
            self.activations.append(SchemaActivation(namespace, schema_set.id, schema_set.imported_at))

    def list_schema_sets(self) -> list[SchemaSet]:
        return [s for s, _ in self.sets.values()]

    def schema_files(self, schema_set_id: str) -> dict[str, bytes]:
        return dict(self.sets[schema_set_id][1])

    def schema_activations(self) -> list[SchemaActivation]:
        return list(self.activations)

    def schema_generation(self) -> int:
        return len(self.activations)

    def accept(self, batch: list[Acceptance]) -> list[str | None]:
        results: list[str | None] = []
        with self._lock:
            for item in batch:
                if self.find_by_dedup_key(item.message.dedup_key) is not None:
                    results.append("duplicate")
                    continue
                self._payloads.keep(item.staged)
                self.messages[item.message.id] = copy.deepcopy(item.message)
                self.history[item.message.id] = list(item.events)
                for delivery in item.deliveries:
                    self.deliveries[delivery.id] = {"delivery": delivery, "due": item.message.received_at,
                                                    "lease": None, "done": False}
                if item.heen_event is not None:
                    heen = self.messages[item.heen_event.message_id]
                    heen.retour_id = item.message.id
                    self.history[heen.id].append(item.heen_event)
                results.append(None)
        return results

    def record_rejections(self, batch: list[Rejection]) -> None:
        for item in batch:
            if item.staged is not None:
                self._payloads.keep(item.staged)
            self.messages[item.message.id] = copy.deepcopy(item.message)
            self.history[item.message.id] = list(item.events)

    def get_message(self, message_id: str) -> Message | None:
        found = self.messages.get(message_id)
        return copy.deepcopy(found) if found else None

    def find_by_dedup_key(self, dedup_key: str | None) -> Message | None:
        if dedup_key is None:
            return None
        for message in self.messages.values():
            if message.dedup_key == dedup_key and message.status != State.REJECTED:
                return copy.deepcopy(message)
        return None

    def find_heen(self, link_key: str) -> Message | None:
        for message in self.messages.values():
            if message.link_key == link_key and message.direction and message.direction.value == "heen" \
                    and message.status != State.REJECTED:
                return copy.deepcopy(message)
        return None

    def find_by_source_ref(self, source_ref: str) -> Message | None:
        for message in self.messages.values():
            if message.source_ref == source_ref:
                return copy.deepcopy(message)
        return None

    def events(self, message_id: str) -> list[Event]:
        return list(self.history.get(message_id, []))

    def add_event(self, event: Event, *, status: State | None = None) -> None:
        self.history[event.message_id].append(event)
        if status is not None:
            self.messages[event.message_id].status = status

    def list_messages(self, query: MessageQuery) -> list[Message]:
        rows = [message for message in self.messages.values() if self._in_mailbox(message, query)]
        rows.sort(key=lambda m: (m.received_at, m.id), reverse=True)
        return [copy.deepcopy(m) for m in rows[: query.limit]]

    def count_messages(self, query: MessageQuery, periods: tuple[datetime, ...] = ()) -> list[MessageCount]:
        counts: dict[tuple[str | None, State, int | None], int] = {}
        unpaged = MessageQuery(**{**query.__dict__, "before": None})
        for message in self.messages.values():
            if not self._in_mailbox(message, unpaged):
                continue
            period = None
            if periods:
                ends = [index for index, end in enumerate(periods[1:]) if periods[0] <= message.received_at < end]
                if not ends:
                    continue
                period = ends[0]
            key = (message.service, message.status, period)
            counts[key] = counts.get(key, 0) + 1
        return [MessageCount(service, status, count, period) for (service, status, period), count in counts.items()]

    @staticmethod
    def _in_mailbox(message: Message, query: MessageQuery) -> bool:
        owner = message.recipient if query.role == "recipient" else message.sender
        partner = message.sender if query.role == "recipient" else message.recipient
        checks = (
            owner == query.organisation,
            not (query.role == "recipient" and message.status == State.REJECTED),
            query.services is None or message.service in query.services
            or (query.include_unrecognised and message.service is None),
            not query.message_type or message.message_type == query.message_type,
            not query.partner or partner == query.partner,
            not query.status or message.status == query.status,
            not query.since or message.received_at >= query.since,
            not query.until or message.received_at < query.until,
            not query.identificatie or message.identificatie == query.identificatie,
            not query.before or (message.received_at, message.id) < query.before,
        )
        return all(checks)

    def mark_downloaded(self, message_id: str, event: Event) -> None:
        message = self.messages[message_id]
        if message.downloaded_at is None:
            message.downloaded_at = event.at
        message.status = State.DOWNLOADED
        self.history[message_id].append(event)

    def claim_deliveries(self, channel: Channel, worker: str, now: datetime, lease_seconds: int, limit: int) -> list[Delivery]:
        claimed = []
        with self._lock:
            for row in self.deliveries.values():
                delivery = row["delivery"]
                if row["done"] or delivery.channel != channel or row["due"] > now:
                    continue
                if row["lease"] is not None and row["lease"] > now:
                    continue
                row["lease"] = now + timedelta(seconds=lease_seconds)
                row["delivery"] = Delivery(delivery.id, delivery.message_id, delivery.recipient, delivery.channel,
                                           delivery.attempts + 1)
                claimed.append(row["delivery"])
                if len(claimed) >= limit:
                    break
        return claimed

    def complete_delivery(self, delivery_id: str, event: Event) -> None:
        row = self.deliveries[delivery_id]
        if row["done"]:
            return
        row["done"] = True
        self._record_push(event)

    def retry_delivery(self, delivery_id: str, retry_at: datetime, event: Event) -> None:
        row = self.deliveries[delivery_id]
        if row["done"]:
            return
        row["due"], row["lease"] = retry_at, None
        self._record_push(event)

    def _record_push(self, event: Event) -> None:
        self.history[event.message_id].append(event)
        message = self.messages[event.message_id]
        if event.state in TRANSITIONS.get(message.status, frozenset()):
            message.status = event.state

    def pending_deliveries(self, recipient: str | None = None) -> list[Delivery]:
        return [r["delivery"] for r in self.deliveries.values()
                if not r["done"] and (recipient is None or r["delivery"].recipient == recipient)]
