"""The hub's MSH for received ebMS messages: check, eliminate duplicates, dispatch, answer.

    SOAPAction is not "ebXML"                      SOAP Fault (NotSupported), HTTP 500
    MIME, XML, envelope XSD, version, Manifest     MessageError when the header can be read,
                                                   else SOAP Fault; codes per EnvelopeReader
    MessageId or CPAId longer than 255 characters  MessageError ValueNotRecognized
    CPA, parties, roles, Service, Action, TTL ...  MessageError per cpacheck.check_message
    To is not the hub's party of the CPA           MessageError ValueNotRecognized
    TLS client certificate OIN not the sender's    MessageError SecurityFailure
    signature missing, wrong or SHA-1              MessageError SecurityFailure
    MessageId seen before with other content       MessageError Inconsistent
    MessageId seen before with the same content    the original Acknowledgment again
    user message                                   processed once, then Acknowledgment
    Ping, StatusRequest                            Pong, StatusResponse
    Acknowledgment, MessageError                   completes or fails the hub's own message

A MessageError always goes back in the HTTP response, because a message that fails its
checks may name no CPA the hub could send to. Other answers go in the response when the
message carries SyncReply (the CPA's syncReplyMode is mshSignalsOnly or
signalsAndResponse), and otherwise through the outbox to the organisation's endpoint.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

import structlog

from adapters.soap.agreement import CpaDirectory
from adapters.soap.application import Processed, StufApplication
from adapters.soap.ebms.cpacheck import check_message
from adapters.soap.ebms.envelope import EnvelopeReader, salvage_header
from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.mime import SOAP_ACTION, parse_mime
from adapters.soap.ebms.model import (
    ACKNOWLEDGMENT, MESSAGE_ERROR, PING, PONG, STATUS_RESPONSE, EbmsMessage, MessageHeader,
)
from adapters.soap.ports import MAX_ID_LENGTH, EbmsStore, Finish, InboundRecord, InboundState
from adapters.soap.received import Received
from adapters.soap.replies import NO_CONTENT, HttpReply, Replies, http_reply, signal_item, soap_fault
from adapters.soap.signing import verify_envelope
from adapters.soap.tls import certificate_oin
from core.cpa.generator import GGK_SERVICE
from core.ports import Clock

log = structlog.get_logger(__name__)

HEADER = "//Header/MessageHeader"


@dataclass(frozen=True)
class HttpRequest:
    """The parts of an HTTP request the endpoint uses; ``client_certificate`` is the TLS client's PEM, if any."""

    content_type: str | None
    soap_action: str | None
    body: bytes
    client_certificate: str | None = None


class Receipts(Protocol):
    """Acknowledgments and MessageErrors about messages the hub sent (``adapters.soap.outbound``)."""

    def acknowledged(self, received: Received, ref_to_message_id: str) -> None: ...

    def errored(self, received: Received) -> None: ...


class InboundHandler:
    def __init__(self, reader: EnvelopeReader, directory: CpaDirectory, store: EbmsStore,
                 application: StufApplication, receipts: Receipts, replies: Replies, clock: Clock):
        self._reader = reader
        self._directory = directory
        self._store = store
        self._application = application
        self._receipts = receipts
        self._replies = replies
        self._clock = clock

    def handle(self, request: HttpRequest) -> HttpReply:
        """Return the reply to one HTTP request; raise only on a fault of the hub itself."""
        if (request.soap_action or "").strip() != SOAP_ACTION:
            log.warning("ebms_soap_action_refused", soap_action=request.soap_action)
            return soap_fault(EbmsError(ErrorCode.NOT_SUPPORTED, f'the SOAPAction header must be "ebXML", '
                                        f'not {request.soap_action!r}', location="SOAPAction"))
        try:
            message = self._reader.read(request.content_type, request.body)
        except EbmsError as error:
            return self._refuse_unread(request, error)

        try:
            received = self._check(message, request)
        except EbmsError as error:
            return self._refuse(message.envelope.header, error)
        return self._dispatch(received)

    def too_large(self, request: HttpRequest, size: int | None, limit: int) -> HttpReply:
        """Return the reply to a body above ``limit`` bytes, of which ``request.body`` contains only the start.

        The envelope comes first in the body, so its header can usually be read from the
        start; the answer is then a MessageError DeliveryFailure, else a SOAP Fault.
        """
        shown = f"{size} bytes" if size is not None else f"more than {limit} bytes"
        error = EbmsError(ErrorCode.DELIVERY_FAILURE, f"the message is {shown}; the maximum is {limit} bytes "
                          f"(IB007)", location="//Body/Manifest")
        return self._refuse_unread(request, error)

    # -- checks ---------------------------------------------------------------------------

    def _check(self, message: EbmsMessage, request: HttpRequest) -> Received:
        header = message.envelope.header
        _check_lengths(header)
        now = self._clock.now()
        agreement = self._directory.for_message(header.cpa_id)
        match = check_message(message.envelope, agreement.cpa if agreement else None, now)
        if match.receiver is not agreement.hub:
            raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"To names {match.receiver.name}, not the hub's party "
                            f"of CPA {header.cpa_id}", location=f"{HEADER}/To/PartyId")
        if request.client_certificate is not None:
            oin = certificate_oin(request.client_certificate)
            if oin is None or oin not in match.sender.oins():
                raise EbmsError(ErrorCode.SECURITY_FAILURE, f"the TLS client certificate carries OIN {oin}, not an "
                                f"OIN of {match.sender.name} in CPA {header.cpa_id}", location=f"{HEADER}/From/PartyId")

        verified = None
        if match.signature_required or message.envelope.signed:
            certificate = match.signing_certificate
            if certificate is not None:
                verified = verify_envelope(message.mime.envelope, message.mime.attachments, certificate)
            elif match.signature_required:
                raise EbmsError(ErrorCode.SECURITY_FAILURE, f"CPA {header.cpa_id} names no signing certificate of "
                                f"{match.sender.name}", location="//Header/Signature")
        return Received(message, agreement, match, now, verified)

    def _refuse_unread(self, request: HttpRequest, error: EbmsError) -> HttpReply:
        try:
            header = salvage_header(parse_mime(request.content_type, request.body).envelope)
        except EbmsError:
            header = None
        if header is None:
            log.warning("ebms_message_unreadable", code=error.code.value, detail=error.detail, location=error.location,
                        size=len(request.body))
            return soap_fault(error)
        return self._refuse(header, error)

    def _refuse(self, header: MessageHeader, error: EbmsError) -> HttpReply:
        log.warning("ebms_message_refused", ebms_message_id=header.message_data.message_id, cpa_id=header.cpa_id,
                    action=header.action, code=error.code.value, location=error.location, detail=error.detail)
        packaged = self._replies.message_error(header, [error], self._clock.now(), sign=self._signs_errors(header))
        return http_reply(packaged)

    def _signs_errors(self, header: MessageHeader) -> bool:
        agreement = self._directory.for_message(header.cpa_id)
        return agreement is not None and agreement.outgoing(None, None).signature_required

    # -- dispatch -------------------------------------------------------------------------

    def _dispatch(self, received: Received) -> HttpReply:
        header = received.header
        log.debug("ebms_message_received", ebms_message_id=header.message_data.message_id, cpa_id=header.cpa_id,
                 organisation=received.organisation, action=header.action, signed=received.verified is not None)
        if not header.is_signal:
            return self._user_message(received)
        if header.action == ACKNOWLEDGMENT:
            self._receipts.acknowledged(received, _acknowledged_id(received))
            return NO_CONTENT
        if header.action == MESSAGE_ERROR:
            self._receipts.errored(received)
            return NO_CONTENT
        if header.action in (PONG, STATUS_RESPONSE):
            return NO_CONTENT
        if header.action == PING:
            stamp, packaged = self._replies.pong(header, received.at, self._signs_signals(received))
        else:
            status, status_at = self._status(received)
            stamp, packaged = self._replies.status_response(header, received.message.envelope.status_request, status,
                                                            received.at, status_at, self._signs_signals(received))
        if received.message.envelope.sync_reply:
            return http_reply(packaged)
        self._store.queue_again(signal_item(packaged, stamp, received.organisation, header.cpa_id, header,
                                            received.at), received.at)
        return NO_CONTENT

    def _status(self, received: Received):
        asked = received.message.envelope.status_request
        found = self._store.find_inbound(received.header.cpa_id, asked)
        if found is not None:
            status = "Processed" if found.state == InboundState.PROCESSED else "Received"
            return status, found.received_at
        if self._store.find_inbound_elsewhere(received.header.cpa_id, asked):
            return "UnAuthorized", None
        return "NotRecognized", None

    def _user_message(self, received: Received) -> HttpReply:
        header = received.header
        record = InboundRecord(
            cpa_id=header.cpa_id, message_id=header.message_data.message_id, organisation=received.organisation,
            service=header.service, action=header.action, content_sha256=content_hash(received.message),
            received_at=received.at,
        )
        existing = self._store.find_inbound(record.cpa_id, record.message_id)
        if existing is not None and existing.content_sha256 != record.content_sha256:
            return self._refuse(header, EbmsError(
                ErrorCode.INCONSISTENT, f"MessageId {record.message_id} was received before with other content",
                location=f"{HEADER}/MessageData/MessageId"))
        if existing is not None and existing.state == InboundState.PROCESSED:
            log.info("ebms_duplicate_eliminated", ebms_message_id=record.message_id, cpa_id=record.cpa_id,
                     organisation=received.organisation, first_received_at=existing.received_at.isoformat())
            return self._acknowledge_again(received, existing.received_at)
        record = existing or record

        if received.message.envelope.acknowledgment is not None:
            self._receipts.acknowledged(received, received.message.envelope.acknowledgment.ref_to_message_id)
        if header.service == GGK_SERVICE:
            processed = self._application.process(received)
        else:
            log.warning("ebms_service_not_handled", ebms_message_id=record.message_id, service=header.service,
                        action=header.action, organisation=received.organisation)
            processed = Processed()

        reply, ack_items = self._acknowledgment(received, record.received_at)
        taken = self._store.finish_inbound(record, Finish(
            cpa_id=record.cpa_id, message_id=record.message_id, at=self._clock.now(),
            core_message_id=processed.core_message_id, fo01_code=processed.fo01_code,
            reference=processed.reference, outbox=processed.outbox + ack_items,
        ))
        if taken is not None:
            log.error("stuf_reference_taken", ebms_message_id=record.message_id, organisation=taken.organisation,
                      referentienummer=taken.referentienummer, other_ebms_message_id=taken.ebms_message_id,
                      message_id=processed.core_message_id)
        return reply

    def _acknowledge_again(self, received: Received, at) -> HttpReply:
        reply, items = self._acknowledgment(received, at)
        for item in items:
            self._store.queue_again(item, self._clock.now())
        return reply

    def _acknowledgment(self, received: Received, at) -> tuple[HttpReply, tuple]:
        requested = received.message.envelope.ack_requested
        if requested is None:
            return NO_CONTENT, ()
        references = received.verified.references if requested.signed and received.verified else ()
        sign = requested.signed or self._signs_signals(received)
        stamp, packaged = self._replies.acknowledgment(received.header, at, references, sign)
        if received.message.envelope.sync_reply:
            return http_reply(packaged), ()
        item = signal_item(packaged, stamp, received.organisation, received.header.cpa_id, received.header, at)
        return NO_CONTENT, (item,)

    def _signs_signals(self, received: Received) -> bool:
        return received.agreement.outgoing(None, None).signature_required


def content_hash(message: EbmsMessage) -> str:
    """Return a SHA-256 over what makes a message the same message when it is sent again.

    That is the routing header (CPAId, parties, Service, Action, ConversationId,
    RefToMessageId) and every payload part in Manifest order. Timestamp, TimeToLive and
    the signature may differ between sends of one message and are left out.
    """
    header = message.envelope.header
    digest = hashlib.sha256()
    parts = [
        header.cpa_id, _parties(header.from_party), _parties(header.to_party), header.service,
        header.service_type or "", header.action, header.conversation_id, header.message_data.ref_to_message_id or "",
    ]
    for reference in message.envelope.manifest:
        parts.append(reference)
        parts.append(hashlib.sha256(message.payload(reference)).hexdigest())
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _parties(party) -> str:
    return ",".join(f"{item.type}:{item.value}" for item in party.party_ids) + f"/{party.role or ''}"


def _acknowledged_id(received: Received) -> str:
    acknowledgment = received.message.envelope.acknowledgment
    if acknowledgment is not None and acknowledgment.ref_to_message_id:
        return acknowledgment.ref_to_message_id
    return received.header.message_data.ref_to_message_id


def _check_lengths(header: MessageHeader) -> None:
    for name, value in (("MessageData/MessageId", header.message_data.message_id), ("CPAId", header.cpa_id)):
        if len(value) > MAX_ID_LENGTH:
            raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"{name} is longer than {MAX_ID_LENGTH} characters",
                            location=f"{HEADER}/{name}")
