"""Message records: history, lookups and mailbox listings (``accepting.py`` writes new messages).

Every function works inside the caller's session and transaction, which ``SqlStore``
opens and commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, case, func, literal, or_, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from core.model import Direction, Event, Message, State
from core.ports import MessageCount, MessageQuery

from adapters.storage.dialect import insert_rows
from adapters.storage.mapping import event_from_row, event_values, message_from_row
from adapters.storage.tables import MessageEventRow, MessageRow
from adapters.storage.types import UtcDateTime


def get_message(session: Session, message_id: str) -> Message | None:
    row = session.get(MessageRow, message_id)
    return message_from_row(row) if row is not None else None


def find_by_dedup_key(session: Session, dedup_key: str) -> Message | None:
    statement = select(MessageRow).where(MessageRow.dedup_key == dedup_key, MessageRow.status != State.REJECTED.value)
    return _first(session, statement)


def find_heen(session: Session, link_key: str) -> Message | None:
    statement = (
        select(MessageRow)
        .where(MessageRow.link_key == link_key)
        .where(MessageRow.direction == Direction.HEEN.value)
        .where(MessageRow.status != State.REJECTED.value)
        .order_by(MessageRow.received_at, MessageRow.id)
    )
    return _first(session, statement)


def find_by_source_ref(session: Session, source_ref: str) -> Message | None:
    return _first(session, select(MessageRow).where(MessageRow.source_ref == source_ref))


def events(session: Session, message_id: str) -> list[Event]:
    statement = select(MessageEventRow).where(MessageEventRow.message_id == message_id).order_by(MessageEventRow.id)
    return [event_from_row(row) for row in session.scalars(statement)]


def add_event(session: Session, event: Event, status: State | None) -> None:
    """Append ``event`` and, with ``status``, set the message's state. Raise KeyError for an unknown message."""
    if status is not None:
        changed = session.execute(
            update(MessageRow).where(MessageRow.id == event.message_id).values(status=status.value)
        ).rowcount
        if changed == 0:
            raise KeyError(event.message_id)
    else:
        _require_message(session, event.message_id)
    insert_events(session, [event])


def mark_downloaded(session: Session, message_id: str, event: Event) -> None:
    changed = session.execute(
        update(MessageRow)
        .where(MessageRow.id == message_id)
        .values(
            downloaded_at=func.coalesce(MessageRow.downloaded_at, literal(event.at, UtcDateTime())),
            status=State.DOWNLOADED.value,
        )
    ).rowcount
    if changed == 0:
        raise KeyError(message_id)
    insert_events(session, [event])


def list_messages(session: Session, query: MessageQuery) -> list[Message]:
    """Return one page of a mailbox, newest first, continuing after ``query.before``."""
    if _never_matches(query):
        return []
    statement = _mailbox(select(MessageRow), query, _dialect(session))
    if query.before is not None:
        received_at, message_id = query.before
        statement = statement.where(tuple_(MessageRow.received_at, MessageRow.id) < (received_at, message_id))

    statement = statement.order_by(MessageRow.received_at.desc(), MessageRow.id.desc()).limit(query.limit)
    return [message_from_row(row) for row in session.scalars(statement)]


def count_messages(session: Session, query: MessageQuery, periods: tuple[datetime, ...]) -> list[MessageCount]:
    """Count a mailbox's messages per service, status and (with ``periods``) period, in one grouped query.

    The period number is computed in a subquery, so the outer GROUP BY names a column
    rather than repeating the CASE expression, whose bound parameters PostgreSQL would
    not recognise as the same expression.
    """
    if len(periods) == 1 or _never_matches(query):
        return []  # one boundary encloses no period, and an inbox holds no rejected file
    period = _period_index(periods) if periods else literal(None)
    rows = _mailbox(select(MessageRow.service, MessageRow.status, period.label("period")), query, _dialect(session))
    if periods:
        rows = rows.where(MessageRow.received_at >= periods[0], MessageRow.received_at < periods[-1])
    rows = rows.subquery()
    statement = (
        select(rows.c.service, rows.c.status, rows.c.period, func.count().label("count"))
        .group_by(rows.c.service, rows.c.status, rows.c.period)
    )
    return [
        MessageCount(row.service, State(row.status), row.count, row.period)
        for row in session.execute(statement)
    ]


def _never_matches(query: MessageQuery) -> bool:
    """Return whether the query asks an inbox for rejected files, which inboxes never hold.

    Answering without the database matters: PostgreSQL would read the organisation's
    whole inbox from the index to find that no row is both rejected and not rejected.
    """
    return query.role == "recipient" and query.status == State.REJECTED


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _period_index(periods: tuple[datetime, ...]):
    """Return a CASE expression that numbers the period a row was received in (rows before ``periods[0]`` excluded)."""
    return case(*((MessageRow.received_at < end, index) for index, end in enumerate(periods[1:])), else_=None)


def _mailbox(statement: Select, query: MessageQuery, dialect: str) -> Select:
    """Restrict ``statement`` to the organisation's inbox or sent box and the query's filters."""
    if query.role not in ("recipient", "sender"):
        raise ValueError(f"invalid role {query.role!r}: use 'recipient' or 'sender'")
    if query.role == "recipient":
        owner, partner = MessageRow.recipient, MessageRow.sender
    else:
        owner, partner = MessageRow.sender, MessageRow.recipient

    if query.identificatie and dialect == "sqlite":
        # Without ANALYZE statistics SQLite picks the (owner, received_at, id) index, which gives the
        # order but reads every message of the organisation. A unary + keeps that index out of this
        # term, so the Identificatie index finds the few matching rows and SQLite sorts those.
        owner = UnaryExpression(owner, operator=operators.custom_op("+"), type_=owner.type)
    statement = statement.where(owner == query.organisation)
    if query.role == "recipient":
        statement = statement.where(MessageRow.status != State.REJECTED.value)
    return _apply_filters(statement, query, partner)


def _apply_filters(statement: Select, query: MessageQuery, partner) -> Select:
    if query.services is not None:
        wanted = MessageRow.service.in_(query.services)
        if query.include_unrecognised:
            wanted = or_(wanted, MessageRow.service.is_(None))
        statement = statement.where(wanted)
    if query.message_type:
        statement = statement.where(MessageRow.message_type == query.message_type)
    if query.partner:
        statement = statement.where(partner == query.partner)
    if query.status:
        statement = statement.where(MessageRow.status == query.status.value)
    if query.since:
        statement = statement.where(MessageRow.received_at >= query.since)
    if query.until:
        statement = statement.where(MessageRow.received_at < query.until)
    if query.identificatie:
        statement = statement.where(MessageRow.identificatie == query.identificatie)
    return statement


def insert_events(session: Session, new_events: list[Event]) -> None:
    insert_rows(session, MessageEventRow, [event_values(event) for event in new_events])


def _require_message(session: Session, message_id: str) -> None:
    if session.scalar(select(MessageRow.id).where(MessageRow.id == message_id)) is None:
        raise KeyError(message_id)


def _first(session: Session, statement: Select) -> Message | None:
    row = session.scalars(statement.limit(1)).first()
    return message_from_row(row) if row is not None else None
