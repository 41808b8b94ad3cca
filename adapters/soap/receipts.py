"""What comes back for the hub's own messages: a synchronous reply to a send, or an
Acknowledgment or MessageError that arrives later at the endpoint (``OutboundLedger``).

A MessageError whose codes are all DeliveryFailure or Unknown may pass when the message
is sent again. Any other code (ValueNotRecognized, Inconsistent, SecurityFailure ...)
would come back for an identical resend, so the hub gives the message up at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog
from lxml import etree

from adapters.soap.agreement import NO_AGREEMENT, CpaDirectory
from adapters.soap.delivery import action_of
from adapters.soap.ebms.errors import EbmsError
from adapters.soap.ebms.mime import parse_mime
from adapters.soap.ebms.model import NS
from adapters.soap.ports import Alert, EbmsStore, OutboxItem, OutboxKind
from adapters.soap.received import Received
from adapters.soap.sender import SendResult
from adapters.soap.signing import verify_envelope
from core.cpa.generator import GGK_SERVICE
from core.cpa.schema import hardened_parser
from core.model import Event, State
from core.ports import Store

log = structlog.get_logger(__name__)

TRANSIENT_CODES = frozenset({"DeliveryFailure", "Unknown"})
ACTOR = "digikoppeling"


@dataclass(frozen=True)
class Answer:
    """The outcome of one send: ``acknowledged``, ``accepted`` (2xx without an acknowledgement),
    ``error`` (a MessageError) or ``failed`` (transport, HTTP status, invalid or unsigned reply)."""

    kind: str
    detail: str = ""
    permanent: bool = False


def read_answer(result: SendResult, message_id: str | None, certificate: bytes | None = None,
                signed: bool = False) -> Answer:
    """Read the synchronous reply to the message ``message_id``.

    With ``certificate`` a signed reply must verify against it; with ``signed`` an
    Acknowledgment must be signed.
    """
    if result.error is not None:
        return Answer("failed", result.error)
    if not result.delivered:
        return Answer("failed", f"HTTP status {result.status}{_fault_text(result.body)}")
    if not result.body.strip():
        return Answer("accepted")
    try:
        mime = parse_mime(result.content_type, result.body)
        root = etree.fromstring(mime.envelope, hardened_parser())
    except (EbmsError, etree.XMLSyntaxError) as error:
        return Answer("failed", f"the reply is not a valid ebMS message: {error}")

    errors = root.findall("soap:Header/eb:ErrorList/eb:Error", NS)
    if errors:
        codes = [item.get(f"{{{NS['eb']}}}errorCode") for item in errors]
        detail = "; ".join(f"{code}: {item.findtext('eb:Description', '', NS)}" for code, item in zip(codes, errors))
        return Answer("error", f"MessageError {detail}", permanent=not set(codes) <= TRANSIENT_CODES)
    acknowledgment = root.find("soap:Header/eb:Acknowledgment", NS)
    if acknowledgment is None or acknowledgment.findtext("eb:RefToMessageId", None, NS) != message_id:
        return Answer("accepted")

    signature = root.find("soap:Header/ds:Signature", NS)
    if signed and signature is None:
        return Answer("failed", "the Acknowledgment is not signed, although the CPA requires signed receipts")
    if signature is not None and certificate is not None:
        try:
            verify_envelope(mime.envelope, mime.attachments, certificate)
        except EbmsError as error:
            return Answer("failed", f"the Acknowledgment's signature does not verify: {error.detail}")
    return Answer("acknowledged")


def _fault_text(body: bytes) -> str:
    try:
        text = etree.fromstring(body, hardened_parser()).findtext(".//faultstring")
    except etree.XMLSyntaxError:
        return ""
    return f" ({text})" if text else ""


class OutboundLedger:
    """Apply Acknowledgments and MessageErrors that arrive at the endpoint to the hub's own messages."""

    def __init__(self, store: Store, ebms: EbmsStore, directory: CpaDirectory):
        self._store = store
        self._ebms = ebms
        self._directory = directory

    def acknowledged(self, received: Received, ref_to_message_id: str | None) -> None:
        item = self._own_item(received, ref_to_message_id, "Acknowledgment")
        if item is None:
            return
        self._ebms.acknowledge(ref_to_message_id, received.at)
        log.info("ebms_acknowledgment_received", ebms_message_id=ref_to_message_id, organisation=received.organisation,
                 message_id=item.message_id, kind=item.kind.value)
        if item.kind == OutboxKind.DELIVERY:
            detail = f"acknowledged as MessageId {ref_to_message_id} under CPA {received.header.cpa_id}"
            self._store.complete_delivery(item.id, Event(item.message_id, received.at, State.PUSHED, detail=detail,
                                                         actor=ACTOR))

    def errored(self, received: Received) -> None:
        ref = received.header.message_data.ref_to_message_id
        item = self._own_item(received, ref, "MessageError")
        if item is None:
            return
        errors = received.message.envelope.errors
        codes = {entry.code for entry in errors}
        detail = "MessageError " + "; ".join(f"{entry.code}: {entry.description or ''}" for entry in errors)
        log.warning("ebms_message_error_received", ebms_message_id=ref, organisation=received.organisation,
                    message_id=item.message_id, codes=sorted(codes))
        if not codes <= TRANSIENT_CODES:
            give_up(self._store, self._ebms, item, received.at, detail)
            return
        if item.kind == OutboxKind.DELIVERY:
            agreement = self._directory.for_message(received.header.cpa_id)
            message = self._store.get_message(item.message_id)
            policy = agreement.reliability(GGK_SERVICE, action_of(message)) if agreement and message else NO_AGREEMENT
            retry_at = received.at + policy.retry_interval
            self._store.retry_delivery(item.id, retry_at, Event(
                item.message_id, received.at, State.PUSH_FAILED, detail=f"{detail}; next attempt at {retry_at.isoformat()}",
                actor=ACTOR))

    def _own_item(self, received: Received, ref: str | None, what: str) -> OutboxItem | None:
        item = self._ebms.find_by_ebms_id(ref) if ref else None
        if item is None:
            log.info("ebms_signal_unmatched", signal=what, ref_to_message_id=ref, organisation=received.organisation)
            return None
        if item.organisation != received.organisation:
            log.warning("ebms_signal_from_other_party", signal=what, ref_to_message_id=ref,
                        organisation=received.organisation, addressee=item.organisation)
            return None
        return item


def give_up(store: Store, ebms: EbmsStore, item: OutboxItem, at: datetime, detail: str,
            actor: str = ACTOR) -> None:
    """Stop sending ``item``: mark it failed, store an alert and, for a delivery, record UNDELIVERABLE."""
    subject = f"message {item.message_id}" if item.message_id else f"ebMS message {item.ebms_message_id}"
    text = (f"{subject} was not delivered over the webservice after {item.sends} attempt(s): {detail}"
            + (f"; it stays in the mailbox of {item.organisation}" if item.kind == OutboxKind.DELIVERY else ""))
    alert = Alert(str(uuid.uuid4()), at, item.organisation, "undeliverable", text, item.message_id,
                  item.ebms_message_id)
    ebms.fail(item.id, at, detail, alert)
    if item.kind == OutboxKind.DELIVERY:
        store.complete_delivery(item.id, Event(item.message_id, at, State.UNDELIVERABLE, detail=text, actor=actor))
    log.warning("digikoppeling_undeliverable", message_id=item.message_id, organisation=item.organisation,
                ebms_message_id=item.ebms_message_id, kind=item.kind.value, attempts=item.sends, error=detail)
