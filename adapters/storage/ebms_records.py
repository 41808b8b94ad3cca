"""Conversions between the Digikoppeling tables' rows and the records of ``adapters.soap.ports``."""

from __future__ import annotations

from adapters.soap.ports import (
    Alert, InboundRecord, InboundState, OutboxItem, OutboxKind, OutboxState, StufReference,
)
from adapters.storage.ebms_tables import DigikoppelingAlertRow, EbmsInboundRow, EbmsOutboxRow, StufReferenceRow


def inbound_values(record: InboundRecord) -> dict:
    return {
        "cpa_id": record.cpa_id, "message_id": record.message_id, "organisation": record.organisation,
        "service": record.service, "action": record.action, "content_sha256": record.content_sha256,
        "received_at": record.received_at, "state": record.state.value, "core_message_id": record.core_message_id,
        "fo01_code": record.fo01_code, "processed_at": record.processed_at,
    }


def inbound(row: EbmsInboundRow) -> InboundRecord:
    return InboundRecord(
        cpa_id=row.cpa_id, message_id=row.message_id, organisation=row.organisation, service=row.service,
        action=row.action, content_sha256=row.content_sha256, received_at=row.received_at,
        state=InboundState(row.state), core_message_id=row.core_message_id, fo01_code=row.fo01_code,
        processed_at=row.processed_at,
    )


def reference_values(reference: StufReference) -> dict:
    return {
        "organisation": reference.organisation, "referentienummer": reference.referentienummer,
        "direction": reference.direction, "created_at": reference.created_at, "message_id": reference.message_id,
        "ebms_message_id": reference.ebms_message_id, "cross_refnummer": reference.cross_refnummer,
        "heen_message_id": reference.heen_message_id,
    }


def reference(row: StufReferenceRow) -> StufReference:
    return StufReference(
        organisation=row.organisation, referentienummer=row.referentienummer, direction=row.direction,
        created_at=row.created_at, message_id=row.message_id, ebms_message_id=row.ebms_message_id,
        cross_refnummer=row.cross_refnummer, heen_message_id=row.heen_message_id,
    )


def outbox_values(item: OutboxItem) -> dict:
    return {
        "id": item.id, "kind": item.kind.value, "organisation": item.organisation, "created_at": item.created_at,
        "state": item.state.value, "cpa_id": item.cpa_id, "message_id": item.message_id,
        "ebms_message_id": item.ebms_message_id, "ref_to_message_id": item.ref_to_message_id,
        "conversation_id": item.conversation_id, "stamped_at": item.stamped_at, "content_type": item.content_type,
        "body": item.body, "sends": item.sends, "first_sent_at": item.first_sent_at,
        "last_sent_at": item.last_sent_at, "acknowledged_at": item.acknowledged_at, "last_error": item.last_error,
        "due_at": item.due_at, "lease_owner": None, "lease_until": None,
    }


def outbox(row: EbmsOutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id, kind=OutboxKind(row.kind), organisation=row.organisation, created_at=row.created_at,
        state=OutboxState(row.state), cpa_id=row.cpa_id, message_id=row.message_id,
        ebms_message_id=row.ebms_message_id, ref_to_message_id=row.ref_to_message_id,
        conversation_id=row.conversation_id, stamped_at=row.stamped_at, content_type=row.content_type,
        body=bytes(row.body) if row.body is not None else None, sends=row.sends, first_sent_at=row.first_sent_at,
        last_sent_at=row.last_sent_at, acknowledged_at=row.acknowledged_at, last_error=row.last_error,
        due_at=row.due_at,
    )


def alert_values(alert: Alert) -> dict:
    return {
        "id": alert.id, "at": alert.at, "organisation": alert.organisation, "kind": alert.kind,
        "detail": alert.detail, "message_id": alert.message_id, "ebms_message_id": alert.ebms_message_id,
    }


def alert(row: DigikoppelingAlertRow) -> Alert:
    return Alert(
        id=row.id, at=row.at, organisation=row.organisation, kind=row.kind, detail=row.detail,
        message_id=row.message_id, ebms_message_id=row.ebms_message_id,
    )
