"""Conversions between table rows and the domain objects of ``core.model``."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from core.model import Channel, Delivery, Direction, Enrolment, Event, Freeze, Message, Organisation, OrgKind, SchemaSet, State
from core.ports import SchemaActivation

from adapters.storage.tables import (
    DeliveryRow, FreezeRow, MessageEventRow, MessageRow, OrganisationRow, SchemaActivationRow, SchemaSetRow,
)

MESSAGE_FIELDS = tuple(f.name for f in fields(Message))


def message_values(message: Message) -> dict[str, Any]:
    """Return the column values of ``messages`` for one message."""
    values = {name: getattr(message, name) for name in MESSAGE_FIELDS}
    values["channel"] = message.channel.value
    values["status"] = message.status.value
    values["direction"] = message.direction.value if message.direction is not None else None
    values["retour_codes"] = json.dumps(list(message.retour_codes))
    return values


def message_from_row(row: MessageRow) -> Message:
    values = {name: getattr(row, name) for name in MESSAGE_FIELDS}
    values["channel"] = Channel(row.channel)
    values["status"] = State(row.status)
    values["direction"] = Direction(row.direction) if row.direction is not None else None
    values["retour_codes"] = json.loads(row.retour_codes)
    return Message(**values)


def event_values(event: Event) -> dict[str, Any]:
    return {
        "message_id": event.message_id,
        "at": event.at,
        "state": event.state.value,
        "code": event.code,
        "detail": event.detail,
        "actor": event.actor,
    }


def event_from_row(row: MessageEventRow) -> Event:
    return Event(row.message_id, row.at, State(row.state), code=row.code, detail=row.detail, actor=row.actor)


def organisation_from_rows(row: OrganisationRow, enrolments: list[Enrolment]) -> Organisation:
    return Organisation(
        code=row.code, kind=OrgKind(row.kind), name=row.name, enrolments=enrolments, oin=row.oin, active=row.active,
    )


def enrolment_values(code: str, enrolments: list[Enrolment]) -> list[dict[str, Any]]:
    """Return one row per distinct enrolment, in the organisation's order."""
    unique = list(dict.fromkeys(enrolments))
    return [{"organisation_code": code, "service": e.service, "channel": e.channel.value} for e in unique]


def freeze_from_row(row: FreezeRow) -> Freeze:
    return Freeze(row.message_type, row.since, row.until, row.reason)


def schema_set_values(schema_set: SchemaSet) -> dict[str, Any]:
    return {
        "id": schema_set.id,
        "imported_at": schema_set.imported_at,
        "source": schema_set.source,
        "namespaces": json.dumps(list(schema_set.namespaces)),
        "sha256": schema_set.sha256,
    }


def schema_set_from_row(row: SchemaSetRow) -> SchemaSet:
    return SchemaSet(row.id, row.imported_at, row.source, tuple(json.loads(row.namespaces)), row.sha256)


def activation_from_row(row: SchemaActivationRow) -> SchemaActivation:
    return SchemaActivation(row.namespace, row.schema_set_id, row.active_from)


def delivery_from_row(row: DeliveryRow) -> Delivery:
    return Delivery(row.id, row.message_id, row.recipient, Channel(row.channel), row.attempts)
