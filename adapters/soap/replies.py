"""What the hub's MSH answers: signals (Acknowledgment, MessageError, Pong, StatusResponse)
and SOAP Faults, as HTTP replies or as outbox items for asynchronous sending.

A reply's MessageId is derived from the message it answers, so answering a resent
message again produces the same reply, with the same MessageId, instead of a new one.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from adapters.soap import signing
from adapters.soap.config import DigikoppelingConfig
from adapters.soap.ebms import builders
from adapters.soap.ebms.builders import Stamp
from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.mime import Attachment, Packaged, package
from adapters.soap.ebms.model import EB_NS, ERRORS_CONTEXT, SOAP_NS, MessageHeader
from adapters.soap.ports import OutboxItem, OutboxKind

SOAP_FAULT_STATUS = 500


def derived_uuid(seed: str) -> str:
    """Return a version 4 UUID made from a hash of ``seed``: the same seed gives the same UUID."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def derived_message_id(seed: str, host: str) -> str:
    return f"{derived_uuid(seed)}@{host}"


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = field(default=b"", repr=False)


NO_CONTENT = HttpReply(204)


class Signer:
    """Sign the hub's messages with the key and certificate of the settings, read on first use."""

    def __init__(self, config: DigikoppelingConfig):
        self._config = config
        self._lock = threading.Lock()
        self._loaded: tuple[bytes, bytes] | None = None

    def sign(self, envelope: bytes, attachments: tuple[Attachment, ...] = ()) -> bytes:
        key, certificate = self._material()
        return signing.sign_envelope(envelope, attachments, key, certificate)

    def _material(self) -> tuple[bytes, bytes]:
        with self._lock:
            if self._loaded is None:
                key, certificate = self._config.key_pem(), self._config.certificate_pem()
                if not key or not certificate:
                    raise EbmsError(ErrorCode.SECURITY_FAILURE, "the hub has no signing key and certificate "
                                    "configured (digikoppeling.private_key, digikoppeling.certificate)")
                self._loaded = (key, certificate)
            return self._loaded


class Replies:
    """Build the hub's signals in reply to a received header, signed when ``sign`` is true."""

    def __init__(self, signer: Signer, host: str):
        self._signer = signer
        self.host = host

    def stamp(self, received: MessageHeader, purpose: str, at: datetime) -> Stamp:
        seed = f"{received.cpa_id}|{received.message_data.message_id}|{purpose}"
        return Stamp(derived_message_id(seed, self.host), at)

    def acknowledgment(self, received: MessageHeader, at: datetime, references: tuple[etree._Element, ...] = (),
                       sign: bool = False) -> tuple[Stamp, Packaged]:
        stamp = self.stamp(received, "Acknowledgment", at)
        return stamp, self._packaged(builders.acknowledgment(received, stamp, references=references), sign)

    def message_error(self, received: MessageHeader, errors: list[EbmsError], at: datetime,
                      sign: bool = False) -> Packaged:
        stamp = self.stamp(received, "MessageError", at)
        return self._packaged(builders.message_error(received, errors, stamp), sign)

    def pong(self, received: MessageHeader, at: datetime, sign: bool = False) -> tuple[Stamp, Packaged]:
        stamp = self.stamp(received, "Pong", at)
        return stamp, self._packaged(builders.pong(received, stamp), sign)

    def status_response(self, received: MessageHeader, asked: str, status: str, at: datetime,
                        status_at: datetime | None, sign: bool = False) -> tuple[Stamp, Packaged]:
        stamp = self.stamp(received, "StatusResponse", at)
        return stamp, self._packaged(builders.status_response(received, asked, status, stamp, status_at), sign)

    def _packaged(self, envelope: bytes, sign: bool) -> Packaged:
        if sign:
            envelope = self._signer.sign(envelope)
        return package(envelope)


def http_reply(packaged: Packaged) -> HttpReply:
    """Return a synchronous reply: the signal in the HTTP response body."""
    return HttpReply(200, {"Content-Type": packaged.headers["Content-Type"]}, packaged.body)


def signal_item(packaged: Packaged, stamp: Stamp, organisation: str, cpa_id: str, received: MessageHeader,
                at: datetime) -> OutboxItem:
    """Return an outbox item that sends a signal asynchronously, due at once."""
    return OutboxItem(
        id=str(uuid.uuid4()), kind=OutboxKind.SIGNAL, organisation=organisation, created_at=at, cpa_id=cpa_id,
        ebms_message_id=stamp.message_id, ref_to_message_id=received.message_data.message_id,
        conversation_id=received.conversation_id, stamped_at=stamp.timestamp,
        content_type=packaged.headers["Content-Type"], body=packaged.body, due_at=at,
    )


def soap_fault(error: EbmsError, server: bool = False) -> HttpReply:
    """Return a SOAP 1.1 Fault for a message the hub cannot answer with a MessageError.

    That is a message without a readable ebMS header, or one the hub failed to process
    (``server``: the sender should try again later). The ebMS error goes into the Fault's
    detail as an ``eb:ErrorList``, so a client finds the code where a MessageError has it.
    """
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS, "eb": EB_NS})
    fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP_NS}}}Body"), f"{{{SOAP_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:Server" if server else "soap:Client"
    etree.SubElement(fault, "faultstring").text = f"{error.code.value}: {error.detail}"
    detail = etree.SubElement(fault, "detail")
    errors = etree.SubElement(detail, f"{{{EB_NS}}}ErrorList", {f"{{{EB_NS}}}version": "2.0",
                                                                f"{{{EB_NS}}}highestSeverity": "Error"})
    attributes = {f"{{{EB_NS}}}codeContext": ERRORS_CONTEXT, f"{{{EB_NS}}}errorCode": error.code.value,
                  f"{{{EB_NS}}}severity": error.severity.value}
    if error.location:
        attributes[f"{{{EB_NS}}}location"] = error.location
    item = etree.SubElement(errors, f"{{{EB_NS}}}Error", attributes)
    description = etree.SubElement(item, f"{{{EB_NS}}}Description", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    description.text = error.detail
    body = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    return HttpReply(SOAP_FAULT_STATUS, {"Content-Type": 'text/xml; charset="UTF-8"'}, body)
