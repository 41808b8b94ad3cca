"""Push deliveries: leasing due deliveries to workers, completing and retrying them.

Claiming is safe across processes. On PostgreSQL the due rows are selected with
``FOR UPDATE SKIP LOCKED``, so two workers never lock the same row and neither waits
for the other, and the lease is set in the same transaction. On SQLite the transaction
starts with BEGIN IMMEDIATE (see ``engine.py``), which holds the database's write lock
from the SELECT to the COMMIT, so no other process claims in between.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.model import Channel, Delivery, Event, State
from core.tracking import TRANSITIONS

from adapters.storage.mapping import delivery_from_row
from adapters.storage.messages import insert_events
from adapters.storage.tables import DeliveryRow, MessageRow

log = structlog.get_logger(__name__)


def claim(session: Session, channel: Channel, worker: str, now: datetime, lease_seconds: int, limit: int) -> list[Delivery]:
    """Lease up to ``limit`` due, unleased deliveries of ``channel`` to ``worker``, oldest due first."""
    if limit <= 0:
        return []
    due = (
        select(DeliveryRow.id)
        .where(DeliveryRow.channel == channel.value)
        .where(DeliveryRow.done_at.is_(None))
        .where(DeliveryRow.due_at <= now)
        .where(or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until <= now))
        .order_by(DeliveryRow.due_at, DeliveryRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if not ids:
        return []

    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(ids))
        .values(lease_owner=worker, lease_until=now + timedelta(seconds=lease_seconds), attempts=DeliveryRow.attempts + 1),
        execution_options={"synchronize_session": False},
    )
    claimed = select(DeliveryRow).where(DeliveryRow.id.in_(ids)).order_by(DeliveryRow.due_at, DeliveryRow.id)
    return [delivery_from_row(row) for row in session.scalars(claimed)]


def complete(session: Session, delivery_id: str, event: Event) -> None:
    """Mark the delivery done at ``event.at`` and record ``event``.

    A delivery that is already done stays as it is and gets no second event: that happens
    when a worker finishes after its lease ran out and another worker had finished it.
    """
    changed = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id, DeliveryRow.done_at.is_(None))
        .values(done_at=event.at, lease_until=None),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed == 0:
        _require_delivery(session, delivery_id)
        log.warning("delivery_already_completed", delivery_id=delivery_id, message_id=event.message_id)
        return
    insert_events(session, [event])
    advance_status(session, event)


def retry(session: Session, delivery_id: str, retry_at: datetime, event: Event) -> None:
    """Release the lease and make the delivery due again at ``retry_at``; a done delivery is left alone."""
    changed = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id, DeliveryRow.done_at.is_(None))
        .values(due_at=retry_at, lease_owner=None, lease_until=None),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed == 0:
        _require_delivery(session, delivery_id)
        log.warning("delivery_retry_after_completion_ignored", delivery_id=delivery_id, message_id=event.message_id)
        return
    insert_events(session, [event])
    advance_status(session, event)


def advance_status(session: Session, event: Event) -> None:
    """Set the message's status to the event's state where the state machine allows that step.

    A message the recipient already downloaded through the portal stays downloaded when its
    push delivery finishes later.
    """
    current = session.scalar(select(MessageRow.status).where(MessageRow.id == event.message_id))
    if current is not None and event.state in TRANSITIONS.get(State(current), frozenset()):
        session.execute(
            update(MessageRow).where(MessageRow.id == event.message_id).values(status=event.state.value),
            execution_options={"synchronize_session": False},
        )


def pending(session: Session, recipient: str | None) -> list[Delivery]:
    statement = select(DeliveryRow).where(DeliveryRow.done_at.is_(None))
    if recipient is not None:
        statement = statement.where(DeliveryRow.recipient == recipient)
    statement = statement.order_by(DeliveryRow.due_at, DeliveryRow.id)
    return [delivery_from_row(row) for row in session.scalars(statement)]


def _require_delivery(session: Session, delivery_id: str) -> None:
    if session.scalar(select(DeliveryRow.id).where(DeliveryRow.id == delivery_id)) is None:
        raise KeyError(delivery_id)
