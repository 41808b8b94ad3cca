"""``SqlStore``: the ``core.ports.Store`` on SQLite or PostgreSQL.

Each method runs in a transaction of its own. Writing methods start theirs with
BEGIN IMMEDIATE on SQLite (see ``engine.py``). ``accept`` writes a whole batch in one
transaction (group commit), with a SAVEPOINT per item so a duplicate skips only that
item. The batch's payload bytes are made durable before the commit.

Unknown ids raise KeyError, as the in-memory fake does: ``add_event``,
``mark_downloaded``, ``complete_delivery``, ``retry_delivery`` and ``schema_files``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import Conflict
from core.model import Channel, Delivery, Event, Freeze, Message, Organisation, SchemaSet, State
from core.ports import Acceptance, MessageCount, MessageQuery, Rejection, SchemaActivation, Store

from adapters.storage import accepting, deliveries, messages, registry
from adapters.storage.engine import BEGIN_MODE_OPTION
from adapters.storage.payloads import FilePayloadStore

log = structlog.get_logger(__name__)

ACCEPT_ATTEMPTS = 3
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


class SqlStore(Store):
    """The hub's records in a database migrated by ``adapters.storage.migrate``.

    ``payloads`` keeps the bytes of accepted and rejected messages. Give it the same
    engine, so that small payloads are written in the store's transactions.
    """

    def __init__(self, engine_or_sessionmaker: Engine | sessionmaker[Session], payloads: FilePayloadStore):
        if isinstance(engine_or_sessionmaker, Engine):
            self._sessions = sessionmaker(engine_or_sessionmaker, expire_on_commit=False)
        else:
            self._sessions = engine_or_sessionmaker
        self._payloads = payloads

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """Open a session whose transaction commits on success and rolls back on error."""
        with self._sessions(execution_options={BEGIN_MODE_OPTION: "IMMEDIATE"}) as session, session.begin():
            yield session

    # -- organisations -----------------------------------------------------------------

    def add_organisation(self, organisation: Organisation) -> None:
        conflict = Conflict(f"organisation {organisation.code} exists", params={"organisation": organisation.code})
        try:
            with self._writing() as session:
                if registry.organisation_exists(session, organisation.code):
                    raise conflict
                registry.insert_organisation(session, organisation)
        except IntegrityError:
            # Another process inserted the same code between the check and the insert.
            raise conflict from None

    def save_organisation(self, organisation: Organisation) -> None:
        with self._writing() as session:
            registry.update_organisation(session, organisation)

    def get_organisation(self, code: str) -> Organisation | None:
        with self._reading() as session:
            return registry.get_organisation(session, code)

    def list_organisations(self) -> list[Organisation]:
        with self._reading() as session:
            return registry.list_organisations(session)

    # -- freezes -----------------------------------------------------------------------

    def set_freeze(self, freeze: Freeze) -> None:
        with self._writing() as session:
            registry.set_freeze(session, freeze)

    def clear_freeze(self, message_type: str) -> bool:
        with self._writing() as session:
            return registry.clear_freeze(session, message_type)

    def list_freezes(self) -> list[Freeze]:
        with self._reading() as session:
            return registry.list_freezes(session)

    # -- schema releases ---------------------------------------------------------------

    def add_schema_set(self, schema_set: SchemaSet, files: dict[str, bytes]) -> None:
        with self._writing() as session:
            registry.add_schema_set(session, schema_set, files)

    def list_schema_sets(self) -> list[SchemaSet]:
        with self._reading() as session:
            return registry.list_schema_sets(session)

    def schema_files(self, schema_set_id: str) -> dict[str, bytes]:
        with self._reading() as session:
            return registry.schema_files(session, schema_set_id)

    def schema_activations(self) -> list[SchemaActivation]:
        with self._reading() as session:
            return registry.schema_activations(session)

    def schema_generation(self) -> int:
        with self._reading() as session:
            return registry.schema_generation(session)

    # -- messages ----------------------------------------------------------------------

    def accept(self, batch: list[Acceptance]) -> list[str | None]:
        """Commit the batch in one transaction. An IntegrityError other than a duplicate rolls back all of it.

        A PostgreSQL deadlock or serialization failure rolls the batch back and runs it
        again, up to ACCEPT_ATTEMPTS times in all. Writing a payload twice does no harm.
        """
        if not batch:
            return []
        attempt = 1
        while True:
            try:
                return self._accept_once(batch)
            except OperationalError as error:
                sqlstate = getattr(error.orig, "sqlstate", None)
                if attempt >= ACCEPT_ATTEMPTS or sqlstate not in RETRYABLE_SQLSTATES:
                    raise
                log.warning("accept_retried", attempt=attempt, size=len(batch), sqlstate=sqlstate)
                attempt += 1

    def _accept_once(self, batch: list[Acceptance]) -> list[str | None]:
        """Write the batch in bulk, or item by item after an IntegrityError."""
        try:
            with self._writing() as session:
                return accepting.accept_batch(session, self._payloads, batch)
        except IntegrityError as error:
            log.warning("accept_batch_conflict", size=len(batch), error=str(error.orig), fallback="savepoint per item")
        with self._writing() as session:
            accepting.lock_dedup_keys(session, [item.message.dedup_key for item in batch if item.message.dedup_key])
            return [accepting.accept_item(session, self._payloads, item) for item in batch]

    def record_rejections(self, batch: list[Rejection]) -> None:
        """Write the rejected messages in one transaction, with NULL dedup keys."""
        if not batch:
            return
        with self._writing() as session:
            accepting.record_rejections(session, self._payloads, batch)

    def get_message(self, message_id: str) -> Message | None:
        with self._reading() as session:
            return messages.get_message(session, message_id)

    def find_by_dedup_key(self, dedup_key: str) -> Message | None:
        if dedup_key is None:
            return None
        with self._reading() as session:
            return messages.find_by_dedup_key(session, dedup_key)

    def find_heen(self, link_key: str) -> Message | None:
        with self._reading() as session:
            return messages.find_heen(session, link_key)

    def find_by_source_ref(self, source_ref: str) -> Message | None:
        with self._reading() as session:
            return messages.find_by_source_ref(session, source_ref)

    def events(self, message_id: str) -> list[Event]:
        with self._reading() as session:
            return messages.events(session, message_id)

    def add_event(self, event: Event, *, status: State | None = None) -> None:
        with self._writing() as session:
            messages.add_event(session, event, status)

    def list_messages(self, query: MessageQuery) -> list[Message]:
        with self._reading() as session:
            return messages.list_messages(session, query)

    def count_messages(self, query: MessageQuery, periods: tuple[datetime, ...] = ()) -> list[MessageCount]:
        with self._reading() as session:
            return messages.count_messages(session, query, periods)

    def mark_downloaded(self, message_id: str, event: Event) -> None:
        with self._writing() as session:
            messages.mark_downloaded(session, message_id, event)

    # -- push deliveries ---------------------------------------------------------------

    def claim_deliveries(
        self, channel: Channel, worker: str, now: datetime, lease_seconds: int, limit: int
    ) -> list[Delivery]:
        with self._writing() as session:
            return deliveries.claim(session, channel, worker, now, lease_seconds, limit)

    def complete_delivery(self, delivery_id: str, event: Event) -> None:
        with self._writing() as session:
            deliveries.complete(session, delivery_id, event)

    def retry_delivery(self, delivery_id: str, retry_at: datetime, event: Event) -> None:
        with self._writing() as session:
            deliveries.retry(session, delivery_id, retry_at, event)

    def pending_deliveries(self, recipient: str | None = None) -> list[Delivery]:
        with self._reading() as session:
            return deliveries.pending(session, recipient)
