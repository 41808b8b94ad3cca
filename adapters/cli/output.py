"""Printing results as JSON (``--json``) or as text for a person."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import click

json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


def shown_time(moment: datetime, timezone_name: str, *, fraction: bool = False) -> str:
    """Return ``moment`` in the people's time zone with its abbreviation, e.g. 2026-12-04 21:10:03 CET."""
    local = moment.astimezone(ZoneInfo(timezone_name))
    return local.strftime("%Y-%m-%d %H:%M:%S" + (".%f" if fraction else "") + " %Z")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def message_dict(message) -> dict:
    return {
        "message_id": message.id,
        "received_at": message.received_at,
        "channel": message.channel,
        "sender": message.sender,
        "recipient": message.recipient,
        "service": message.service,
        "message_type": message.message_type,
        "release": message.release,
        "direction": message.direction,
        "bericht_code": message.bericht_code,
        "identificatie": message.identificatie,
        "dagtekening": message.dagtekening,
        "status": message.status,
        "code": message.reject_code,
        "detail": message.reject_detail,
        "line": message.reject_line,
        "column": message.reject_column,
        "heen_id": message.heen_id,
        "retour_id": message.retour_id,
        "heen_unknown": message.heen_unknown,
        "retour_codes": message.retour_codes,
        "xsd_versie": message.xsd_versie,
        "schema_set_id": message.schema_set_id,
        "filename": message.filename,
        "size": message.size,
        "downloaded_at": message.downloaded_at,
    }


def event_dict(event) -> dict:
    return {"at": event.at, "state": event.state, "code": event.code, "detail": event.detail, "actor": event.actor}
