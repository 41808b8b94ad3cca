"""The JSON shapes of the API, as ``openapi.py`` describes them.

Events leave out the acting principal: it names users of the other organisation, which
neither side of a message needs to see.
"""

from __future__ import annotations

from datetime import date, datetime

from adapters.i18n import explain_code
from adapters.web.statistics import Overview
from adapters.web.timeline import event_text
from core.mailbox import Trace
from core.model import Event, Message, State


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def message_view(message: Message, language: str) -> dict:
    rejection = None
    if message.status == State.REJECTED:
        rejection = {
            "code": message.reject_code,
            "explanation": explain_code(message.reject_code, {}, language),
            "detail": message.reject_detail,
            "line": message.reject_line,
            "column": message.reject_column,
        }
    return {
        "id": message.id,
        "received_at": _moment(message.received_at),
        "channel": message.channel.value,
        "sender": message.sender,
        "recipient": message.recipient,
        "service": message.service,
        "message_type": message.message_type,
        "release": message.release,
        "direction": message.direction.value if message.direction else None,
        "bericht_code": message.bericht_code,
        "identificatie": message.identificatie,
        "dagtekening": _day(message.dagtekening),
        "retour_identificatie": message.retour_identificatie,
        "retour_dagtekening": _day(message.retour_dagtekening),
        "retour_codes": list(message.retour_codes),
        "status": message.status.value,
        "rejection": rejection,
        "heen_id": message.heen_id,
        "retour_id": message.retour_id,
        "heen_unknown": message.heen_unknown,
        "filename": message.filename,
        "size": message.size,
        "downloaded_at": _moment(message.downloaded_at),
        "links": {
            "self": f"/api/messages/{message.id}",
            "file": f"/api/messages/{message.id}/file" if message.payload_hash else None,
        },
    }


def event_view(event: Event, message: Message, language: str) -> dict:
    return {"at": _moment(event.at), "state": event.state.value, "code": event.code,
            "description": event_text(event, message, language).render(language), "detail": event.detail}


def trace_view(trace: Trace, language: str) -> dict:
    return {
        "message": message_view(trace.message, language),
        "events": [event_view(event, trace.message, language) for event in trace.events],
        "heen": message_view(trace.heen, language) if trace.heen else None,
        "retour": message_view(trace.retour, language) if trace.retour else None,
    }


def overview_view(organisation: str, overview: Overview) -> dict:
    return {
        "organisation": organisation,
        "services": [
            {
                "service": item.service,
                "name": item.name,
                "new": {"count": item.new, "at_least": False},
                "not_downloaded": {"count": item.waiting, "at_least": False},
                "rejected": {"count": item.rejected, "at_least": False},
            }
            for item in overview.services
        ],
        "days": [{"day": day.day.isoformat(), "received": day.received, "sent": day.sent} for day in overview.days],
    }
