"""Ports: the abstract classes adapters implement. Core depends on these only.

Every adapter of a port passes the same contract test as the in-memory fake
(tests/contract/), so a use case behaves alike on SQLite, PostgreSQL and in memory.
"""

from __future__ import annotations

import abc
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from core.model import Channel, Delivery, Event, Freeze, Message, Organisation, SchemaSet, State


class PayloadTooLarge(Exception):
    """Raised by ``PayloadStore.stage`` when the stream passes the size limit."""

    def __init__(self, limit: int):
        super().__init__(f"payload exceeds {limit} bytes")
        self.limit = limit


class PayloadSource(Protocol):
    """Something whose bytes can be read again from the start."""

    def open(self) -> BinaryIO: ...


@dataclass
class StagedPayload:
    """A payload copied to the hub's staging area, not yet durable.

    A small payload may be held in memory (``content``) instead of a staging file
    (``path``); exactly one of the two is set.
    """

    path: Path | None
    sha256: str
    size: int
    content: bytes | None = None

    def open(self) -> BinaryIO:
        if self.content is not None:
            return io.BytesIO(self.content)
        return open(self.path, "rb")

    def read_bytes(self) -> bytes:
        return self.content if self.content is not None else self.path.read_bytes()


@dataclass
class StoredPayload:
    """A durable payload, read back by its content hash."""

    sha256: str
    store: "PayloadStore"

    def open(self) -> BinaryIO:
        return self.store.open(self.sha256)


@dataclass
class Acceptance:
    """Everything one accepted message writes, committed together.

    ``heen_event`` is recorded on ``message.heen_id`` when the message is a retour linked
    to a heenbericht the hub holds, and that heen's ``retour_id`` is set.
    """

    message: Message
    events: list[Event]
    staged: StagedPayload
    deliveries: list[Delivery] = field(default_factory=list)
    heen_event: Event | None = None


@dataclass
class Rejection:
    """A refused message with its history; ``staged`` is None when the bytes were not kept."""

    message: Message
    events: list[Event]
    staged: StagedPayload | None = None


@dataclass(frozen=True)
class SchemaActivation:
    namespace: str
    schema_set_id: str
    active_from: datetime


@dataclass(frozen=True)
class MessageQuery:
    """Filters for a mailbox listing, ordered newest first, keyset-paginated by ``before``."""

    organisation: str
    role: str = "recipient"  # "recipient" or "sender"
    services: tuple[str, ...] | None = None
    message_type: str | None = None
    partner: str | None = None
    status: State | None = None
    since: datetime | None = None
    until: datetime | None = None
    identificatie: str | None = None
    include_unrecognised: bool = False  # with ``services``: also rejected files of no known service
    before: tuple[datetime, str] | None = None  # (received_at, id) of the last row seen
    limit: int = 100


@dataclass(frozen=True)
class MessageCount:
    """The number of messages in a mailbox that share a service, a status and, with periods, a period."""

    service: str | None
    status: State
    count: int
    period: int | None = None  # i for [periods[i], periods[i + 1]); None when counted without periods


class PayloadStore(abc.ABC):
    """Content-addressed payload bytes."""

    @abc.abstractmethod
    def stage(self, stream: BinaryIO, limit: int) -> StagedPayload:
        """Copy ``stream`` to staging while hashing it; raise PayloadTooLarge past ``limit`` bytes."""

    @abc.abstractmethod
    def discard(self, staged: StagedPayload) -> None:
        """Remove a staged copy that will not be kept; a missing file is not an error."""

    @abc.abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """Open a durable payload for reading; raise KeyError when the hash is unknown."""


class Store(abc.ABC):
    """The hub's records: organisations, freezes, schema releases, messages and deliveries.

    ``accept`` and ``record_rejections`` also make the staged payloads durable: when they
    return, rows and bytes survive a crash.
    """

    # organisations
    @abc.abstractmethod
    def add_organisation(self, organisation: Organisation) -> None:
        """Insert; raise core.errors.Conflict when the code exists."""

    @abc.abstractmethod
    def save_organisation(self, organisation: Organisation) -> None:
        """Update name, OIN, active flag and enrolments of an existing organisation.

        Raise core.errors.NotFound for an unknown code; the kind never changes.
        """

    @abc.abstractmethod
    def get_organisation(self, code: str) -> Organisation | None: ...

    @abc.abstractmethod
    def list_organisations(self) -> list[Organisation]: ...

    # freezes
    @abc.abstractmethod
    def set_freeze(self, freeze: Freeze) -> None:
        """Insert or replace the freeze of ``freeze.message_type``."""

    @abc.abstractmethod
    def clear_freeze(self, message_type: str) -> bool:
        """Remove the freeze; return whether one existed."""

    @abc.abstractmethod
    def list_freezes(self) -> list[Freeze]: ...

    # schema releases
    @abc.abstractmethod
    def add_schema_set(self, schema_set: SchemaSet, files: dict[str, bytes]) -> None:
        """Store the set's files and activate it for its namespaces from ``imported_at``."""

    @abc.abstractmethod
    def list_schema_sets(self) -> list[SchemaSet]: ...

    @abc.abstractmethod
    def schema_files(self, schema_set_id: str) -> dict[str, bytes]: ...

    @abc.abstractmethod
    def schema_activations(self) -> list[SchemaActivation]:
        """Return every activation ever recorded, oldest first."""

    @abc.abstractmethod
    def schema_generation(self) -> int:
        """Return a number that grows whenever a schema set is activated."""

    # messages
    @abc.abstractmethod
    def accept(self, batch: list[Acceptance]) -> list[str | None]:
        """Commit each acceptance in one transaction; return per item None or ``"duplicate"``.

        An item whose ``dedup_key`` is already taken by an accepted message is skipped
        (its payload is not kept) and reported as ``"duplicate"``; the others commit.
        """

    @abc.abstractmethod
    def record_rejections(self, batch: list[Rejection]) -> None: ...

    @abc.abstractmethod
    def get_message(self, message_id: str) -> Message | None: ...

    @abc.abstractmethod
    def find_by_dedup_key(self, dedup_key: str) -> Message | None: ...

    @abc.abstractmethod
    def find_heen(self, link_key: str) -> Message | None:
        """Return the accepted heenbericht with this link key, if the hub has stored one."""

    @abc.abstractmethod
    def find_by_source_ref(self, source_ref: str) -> Message | None:
        """Return the message a channel handed in under this idempotency reference."""

    @abc.abstractmethod
    def events(self, message_id: str) -> list[Event]:
        """Return the message's history, oldest first."""

    @abc.abstractmethod
    def add_event(self, event: Event, *, status: State | None = None) -> None:
        """Append to the history; with ``status``, also set the message's current state."""

    @abc.abstractmethod
    def list_messages(self, query: MessageQuery) -> list[Message]: ...

    @abc.abstractmethod
    def count_messages(self, query: MessageQuery, periods: tuple[datetime, ...] = ()) -> list[MessageCount]:
        """Count what ``list_messages(query)`` finds without its page (``before``, ``limit``).

        The counts are grouped by service and status. With ``periods`` (ascending
        boundaries) they are grouped by period too, and messages received outside
        ``[periods[0], periods[-1])`` are not counted. Groups with no messages are left out.
        """

    @abc.abstractmethod
    def mark_downloaded(self, message_id: str, event: Event) -> None:
        """Record a download; the first one sets ``downloaded_at`` and the status."""

    # push deliveries
    @abc.abstractmethod
    def claim_deliveries(
        self, channel: Channel, worker: str, now: datetime, lease_seconds: int, limit: int
    ) -> list[Delivery]:
        """Lease due deliveries to ``worker``; no other worker gets them until the lease ends."""

    @abc.abstractmethod
    def complete_delivery(self, delivery_id: str, event: Event) -> None:
        """Finish a delivery and record its event; the delivery is never handed out again.

        The message's status becomes ``event.state`` where core.tracking allows that step
        (a downloaded message stays downloaded). Completing a finished delivery changes
        nothing and records no event. Raise KeyError for an unknown id.
        """

    @abc.abstractmethod
    def retry_delivery(self, delivery_id: str, retry_at: datetime, event: Event) -> None:
        """Release the lease and hand the delivery out again from ``retry_at``.

        The event is recorded and the status advanced as for ``complete_delivery``; a
        finished delivery is left alone.
        """

    @abc.abstractmethod
    def pending_deliveries(self, recipient: str | None = None) -> list[Delivery]: ...


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """Return the current time, timezone-aware UTC."""
