"""Building ebMS 2.0 envelopes: the MSH signals and the hub's outgoing user messages.

Signals reply to a received header: From and To are swapped, the CPAId and ConversationId
are kept and RefToMessageId names the received MessageId. An Acknowledgment never
carries DuplicateElimination. ``outgoing_message`` reads what to request (AckRequested,
DuplicateElimination, SyncReply) from the receiving party's delivery channel in the CPA.
Every builder returns UTF-8 envelope bytes; ``mime.package`` wraps them for HTTP.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml import etree

from adapters.soap.ebms.errors import EbmsError, ErrorCode, Severity
from adapters.soap.ebms.mime import Attachment
from adapters.soap.ebms.model import (
    ACKNOWLEDGMENT, DS_NS, EB_NS, EBMS_SERVICE, EBMS_VERSION, ERRORS_CONTEXT, MESSAGE_ERROR, PONG, SOAP_ACTOR_NEXT,
    SOAP_NS, STATUS_RESPONSE, TO_PARTY_MSH, XLINK_NS, MessageHeader, Party,
)
from core.cpa.model import Cpa
from core.cpa.xsdtypes import format_datetime

NSMAP = {"soap": SOAP_NS, "eb": EB_NS, "xlink": XLINK_NS, "ds": DS_NS}
MESSAGE_STATUSES = ("UnAuthorized", "NotRecognized", "Received", "Processed", "Forwarded")


def new_message_id(host: str) -> str:
    """Return a globally unique MessageId of the form ``uuid@host``."""
    return f"{uuid.uuid4()}@{host}"


@dataclass(frozen=True)
class Stamp:
    """The identity of a message being built: its MessageId and Timestamp."""

    message_id: str
    timestamp: datetime


def acknowledgment(received: MessageHeader, stamp: Stamp, actor: str = TO_PARTY_MSH,
                   references: tuple[etree._Element, ...] = ()) -> bytes:
    """Build the Acknowledgment of ``received``; ``references`` are ds:Reference copies for a signed receipt."""
    envelope, header, _ = _envelope()
    _reply_header(header, received, ACKNOWLEDGMENT, stamp)
    ack = _eb(header, "Acknowledgment", **_header_block_attributes(), **{f"{{{SOAP_NS}}}actor": actor})
    _eb(ack, "Timestamp").text = format_datetime(stamp.timestamp)
    _eb(ack, "RefToMessageId").text = received.message_data.message_id
    _party(_eb(ack, "From"), received.to_party)
    for reference in references:
        ack.append(_copy(reference))
    return _serialise(envelope)


def message_error(received: MessageHeader, errors: list[EbmsError] | tuple[EbmsError, ...], stamp: Stamp) -> bytes:
    """Build a MessageError in reply to ``received``, with one eb:Error per EbmsError."""
    if not errors:
        raise ValueError("a MessageError needs at least one error")
    envelope, header, _ = _envelope()
    _reply_header(header, received, MESSAGE_ERROR, stamp)
    highest = Severity.ERROR if any(error.severity == Severity.ERROR for error in errors) else Severity.WARNING
    error_list = _eb(header, "ErrorList", **_header_block_attributes(), highestSeverity=highest.value)
    for error in errors:
        attributes = {"codeContext": ERRORS_CONTEXT, "errorCode": error.code.value, "severity": error.severity.value}
        if error.location:
            attributes["location"] = error.location
        item = _eb(error_list, "Error", **attributes)
        _eb(item, "Description", **{"{http://www.w3.org/XML/1998/namespace}lang": "en"}).text = error.detail
    return _serialise(envelope)


def status_response(received: MessageHeader, asked_message_id: str, message_status: str, stamp: Stamp,
                    status_timestamp: datetime | None = None) -> bytes:
    """Build the StatusResponse to a StatusRequest about ``asked_message_id``."""
    if message_status not in MESSAGE_STATUSES:
        raise ValueError(f"messageStatus {message_status!r} is not one of {', '.join(MESSAGE_STATUSES)}")
    envelope, header, body = _envelope()
    _reply_header(header, received, STATUS_RESPONSE, stamp)
    response = _eb(body, "StatusResponse", version=EBMS_VERSION, messageStatus=message_status)
    _eb(response, "RefToMessageId").text = asked_message_id
    if status_timestamp is not None:
        _eb(response, "Timestamp").text = format_datetime(status_timestamp)
    return _serialise(envelope)


def pong(received: MessageHeader, stamp: Stamp) -> bytes:
    """Build the Pong in reply to a Ping."""
    envelope, header, _ = _envelope()
    _reply_header(header, received, PONG, stamp)
    return _serialise(envelope)


@dataclass(frozen=True)
class OutgoingMessage:
    """A user message the hub sends, with every header value already decided."""

    cpa_id: str
    conversation_id: str
    from_party: Party
    to_party: Party
    service: str
    service_type: str | None
    action: str
    stamp: Stamp
    payloads: tuple[Attachment, ...]
    time_to_live: datetime | None = None
    ref_to_message_id: str | None = None
    ack_requested: bool = False
    ack_signed: bool = False
    duplicate_elimination: bool = False
    sync_reply: bool = False


def outgoing_for_cpa(cpa: Cpa, sender_oin: str, service: str, action: str, payloads: tuple[Attachment, ...],
                     stamp: Stamp, conversation_id: str | None = None, time_to_live: timedelta | None = None,
                     ref_to_message_id: str | None = None) -> OutgoingMessage:
    """Decide the header of a message the party ``sender_oin`` sends under ``cpa``; raise EbmsError if not agreed."""
    sender = next((party for party in cpa.parties if sender_oin in party.oins()), None)
    if sender is None:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"OIN {sender_oin} is not a party of CPA {cpa.cpaid}")
    receiver = cpa.other_party(sender)
    sending_role = next((role for role in sender.roles
                         if role.service_binding.service == service and role.service_binding.sendable(action)), None)
    receiving_role = next((role for role in receiver.roles
                           if role.service_binding.service == service and role.service_binding.receivable(action)), None)
    if sending_role is None or receiving_role is None:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"CPA {cpa.cpaid} does not agree Action {action} of "
                        f"Service {service} from {sender.name} to {receiver.name}")

    channel = receiver.channel(receiving_role.service_binding.receivable(action).channel_ids[0])
    characteristics = channel.characteristics
    return OutgoingMessage(
        cpa_id=cpa.cpaid, conversation_id=conversation_id or str(uuid.uuid4()),
        from_party=Party(sender.party_ids, sending_role.role), to_party=Party(receiver.party_ids, receiving_role.role),
        service=service, service_type=sending_role.service_binding.service_type, action=action, stamp=stamp,
        payloads=payloads,
        time_to_live=stamp.timestamp + time_to_live if time_to_live else None,
        ref_to_message_id=ref_to_message_id,
        ack_requested=characteristics.ack_requested == "always",
        ack_signed=characteristics.ack_signature_requested == "always",
        duplicate_elimination=characteristics.duplicate_elimination == "always",
        sync_reply=characteristics.sync_reply_mode != "none",
    )


def user_message(message: OutgoingMessage) -> bytes:
    """Build the envelope of an outgoing user message, with a Manifest of its payload parts."""
    envelope, header, body = _envelope()
    _message_header(header, message.from_party, message.to_party, message.cpa_id, message.conversation_id,
                    message.service, message.service_type, message.action, message.stamp,
                    message.ref_to_message_id, message.time_to_live, message.duplicate_elimination)
    if message.sync_reply:
        _eb(header, "SyncReply", **_header_block_attributes(), **{f"{{{SOAP_NS}}}actor": SOAP_ACTOR_NEXT})
    if message.ack_requested:
        _eb(header, "AckRequested", **_header_block_attributes(), signed=str(message.ack_signed).lower(),
            **{f"{{{SOAP_NS}}}actor": TO_PARTY_MSH})
    if message.payloads:
        manifest = _eb(body, "Manifest", version=EBMS_VERSION)
        for payload in message.payloads:
            _eb(manifest, "Reference", **{f"{{{XLINK_NS}}}href": f"cid:{payload.content_id}",
                                          f"{{{XLINK_NS}}}type": "simple"})
    return _serialise(envelope)


def _envelope() -> tuple[etree._Element, etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap=NSMAP)
    header = etree.SubElement(envelope, f"{{{SOAP_NS}}}Header")
    body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    return envelope, header, body


def _eb(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    qualified = {(key if key.startswith("{") else f"{{{EB_NS}}}{key}"): value for key, value in attributes.items()}
    return etree.SubElement(parent, f"{{{EB_NS}}}{name}", qualified)


def _header_block_attributes() -> dict[str, str]:
    return {"version": EBMS_VERSION, f"{{{SOAP_NS}}}mustUnderstand": "1"}


def _party(parent: etree._Element, party: Party) -> None:
    for party_id in party.party_ids:
        element = _eb(parent, "PartyId", **({"type": party_id.type} if party_id.type else {}))
        element.text = party_id.value
    if party.role:
        _eb(parent, "Role").text = party.role


def _reply_header(header: etree._Element, received: MessageHeader, action: str, stamp: Stamp) -> None:
    _message_header(header, received.to_party, received.from_party, received.cpa_id, received.conversation_id,
                    EBMS_SERVICE, None, action, stamp, received.message_data.message_id, None, False)


def _message_header(header, from_party: Party, to_party: Party, cpa_id: str, conversation_id: str, service: str,
                    service_type: str | None, action: str, stamp: Stamp, ref_to_message_id: str | None,
                    time_to_live: datetime | None, duplicate_elimination: bool) -> None:
    element = _eb(header, "MessageHeader", **_header_block_attributes())
    _party(_eb(element, "From"), from_party)
    _party(_eb(element, "To"), to_party)
    _eb(element, "CPAId").text = cpa_id
    _eb(element, "ConversationId").text = conversation_id
    _eb(element, "Service", **({"type": service_type} if service_type else {})).text = service
    _eb(element, "Action").text = action
    data = _eb(element, "MessageData")
    _eb(data, "MessageId").text = stamp.message_id
    _eb(data, "Timestamp").text = format_datetime(stamp.timestamp)
    if ref_to_message_id:
        _eb(data, "RefToMessageId").text = ref_to_message_id
    if time_to_live:
        _eb(data, "TimeToLive").text = format_datetime(time_to_live)
    if duplicate_elimination:
        _eb(element, "DuplicateElimination")


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _serialise(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
