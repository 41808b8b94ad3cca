"""The parts of an ebMS 2.0 message the hub reads, named as in the ebMS 2.0 specification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from adapters.soap.ebms.mime import MimeMessage
from core.cpa.model import PartyId

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
EB_NS = "http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"
NS = {"soap": SOAP_NS, "eb": EB_NS, "ds": DS_NS, "xlink": XLINK_NS}

EBMS_VERSION = "2.0"
EBMS_SERVICE = "urn:oasis:names:tc:ebxml-msg:service"
ERRORS_CONTEXT = "urn:oasis:names:tc:ebxml-msg:service:errors"
TO_PARTY_MSH = "urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"
NEXT_MSH = "urn:oasis:names:tc:ebxml-msg:actor:nextMSH"
SOAP_ACTOR_NEXT = "http://schemas.xmlsoap.org/soap/actor/next"

PING, PONG = "Ping", "Pong"
STATUS_REQUEST, STATUS_RESPONSE = "StatusRequest", "StatusResponse"
ACKNOWLEDGMENT, MESSAGE_ERROR = "Acknowledgment", "MessageError"
SIGNAL_ACTIONS = frozenset({PING, PONG, STATUS_REQUEST, STATUS_RESPONSE, ACKNOWLEDGMENT, MESSAGE_ERROR})


@dataclass(frozen=True)
class Party:
    """``eb:From`` or ``eb:To``: one or more PartyIds and an optional Role."""

    party_ids: tuple[PartyId, ...]
    role: str | None = None


@dataclass(frozen=True)
class MessageData:
    message_id: str
    timestamp: datetime
    ref_to_message_id: str | None = None
    time_to_live: datetime | None = None


@dataclass(frozen=True)
class MessageHeader:
    from_party: Party
    to_party: Party
    cpa_id: str
    conversation_id: str
    service: str
    service_type: str | None
    action: str
    message_data: MessageData
    duplicate_elimination: bool = False

    @property
    def is_signal(self) -> bool:
        """Return whether this is an MSH message (Ping, Acknowledgment ...) rather than a user message."""
        return self.service == EBMS_SERVICE


@dataclass(frozen=True)
class AckRequested:
    signed: bool
    actor: str | None = None


@dataclass(frozen=True)
class Acknowledgment:
    timestamp: datetime
    ref_to_message_id: str


@dataclass(frozen=True)
class ErrorEntry:
    """One ``eb:Error`` of a received ``eb:ErrorList``."""

    code: str
    severity: str
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class StatusResponse:
    ref_to_message_id: str
    message_status: str
    timestamp: datetime | None = None


@dataclass(frozen=True)
class Envelope:
    """A parsed SOAP envelope of an ebMS message; ``document`` is the lxml tree it was read from."""

    header: MessageHeader
    ack_requested: AckRequested | None = None
    sync_reply: bool = False
    manifest: tuple[str, ...] = ()  # the xlink:href of each eb:Reference, in order
    status_request: str | None = None  # RefToMessageId of an eb:StatusRequest
    status_response: StatusResponse | None = None
    acknowledgment: Acknowledgment | None = None
    errors: tuple[ErrorEntry, ...] = ()
    signed: bool = False
    document: etree._ElementTree | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class EbmsMessage:
    """A received ebMS message: the parsed envelope and the MIME parts it came in."""

    envelope: Envelope
    mime: MimeMessage

    def payload(self, reference: str) -> bytes:
        """Return the data of the attachment a Manifest reference points to; the reader checked it exists."""
        return self.mime.attachment(reference).data
