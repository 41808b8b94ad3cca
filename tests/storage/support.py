"""Builders shared by the storage tests and their worker processes: SQL stores and domain objects."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine

from adapters.storage import DEFAULT_INLINE_LIMIT, FilePayloadStore, SqlStore, create_engine_for, migrate
from core.model import Channel, Delivery, Direction, Event, Message, State
from core.ports import Acceptance, PayloadStore, Rejection

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LIMIT = 26_214_400


@dataclass
class SqlEnv:
    engine: Engine
    store: SqlStore
    payloads: FilePayloadStore


def build_sql_store(url: str, payload_root: Path, *, inline_limit: int = DEFAULT_INLINE_LIMIT,
                    run_migrations: bool = True) -> SqlEnv:
    engine = create_engine_for(url)
    if run_migrations:
        migrate(engine)
    payloads = FilePayloadStore(payload_root, engine=engine, inline_limit=inline_limit)
    return SqlEnv(engine, SqlStore(engine, payloads), payloads)


def at(seconds: float) -> datetime:
    """Return a moment ``seconds`` after the tests' fixed start time."""
    return T0 + timedelta(seconds=seconds)


def message(**fields) -> Message:
    """Build an accepted Wmo 301 heenbericht from gemeente 0384 to aanbieder 42420001."""
    message_id = fields.pop("id", None) or str(uuid.uuid4())
    identificatie = fields.pop("identificatie", None) or message_id[:12]
    values = dict(
        id=message_id,
        received_at=at(0),
        channel=Channel.PORTAL,
        sender="0384",
        recipient="42420001",
        filename="wmo301.xml",
        status=State.DELIVERED,
        service="wmo",
        message_type="WMO301",
        release="iwmo/3_2",
        direction=Direction.HEEN,
        bericht_code="414",
        identity_party="0384",
        identificatie=identificatie,
        dagtekening=T0.date(),
        dedup_key=f"H|0384|414|{identificatie}|{T0.date()}",
        link_key=f"WMO301|0384|{identificatie}|{T0.date()}",
    )
    values.update(fields)
    return Message(**values)


def retour_for(heen: Message, **fields) -> Message:
    """Build the WMO302 retour for ``heen``, sent back by the heen's recipient."""
    values = dict(
        sender=heen.recipient,
        recipient=heen.sender,
        message_type="WMO302",
        direction=Direction.RETOUR,
        bericht_code="415",
        dedup_key=f"R|{heen.link_key}",
        link_key=heen.link_key,
        identificatie=heen.identificatie,
        heen_id=heen.id,
        retour_identificatie="R1",
        retour_dagtekening=T0.date(),
        retour_codes=["0200"],
    )
    values.update(fields)
    return message(**values)


def stage(payloads: PayloadStore, content: bytes | None = None):
    return payloads.stage(io.BytesIO(content if content is not None else uuid.uuid4().bytes * 8), LIMIT)


def acceptance(payloads: PayloadStore, item: Message, *, content: bytes | None = None,
               push: tuple[Channel, ...] = (), heen: Message | None = None) -> Acceptance:
    """Build the acceptance of ``item`` with its usual history, staging ``content`` as its payload."""
    staged = stage(payloads, content)
    item = replace(item, payload_hash=staged.sha256, size=staged.size)
    events = [
        Event(item.id, item.received_at, State.RECEIVED, actor="org@test"),
        Event(item.id, item.received_at, State.VALIDATED, actor="org@test"),
        Event(item.id, item.received_at, State.ROUTED, detail=f"recipient {item.recipient}", actor="org@test"),
        Event(item.id, item.received_at, State.DELIVERED, actor="org@test"),
    ]
    deliveries = [Delivery(str(uuid.uuid4()), item.id, item.recipient, channel) for channel in push]
    heen_event = None
    if heen is not None:
        heen_event = Event(heen.id, item.received_at, State.RETOUR_RECEIVED, detail=f"retour {item.id}")
    return Acceptance(item, events, staged, deliveries, heen_event)


def rejection(payloads: PayloadStore | None, item: Message, code: str = "StUF055") -> Rejection:
    """Build the rejection of ``item``. Without ``payloads`` its bytes are not kept."""
    staged = stage(payloads) if payloads is not None else None
    item = replace(item, status=State.REJECTED, dedup_key=None, reject_code=code, reject_detail="invalid",
                   payload_hash=staged.sha256 if staged else None)
    events = [
        Event(item.id, item.received_at, State.RECEIVED),
        Event(item.id, item.received_at, State.REJECTED, code=code, detail="invalid"),
    ]
    return Rejection(item, events, staged)
