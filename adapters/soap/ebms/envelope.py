"""Reading an ebMS 2.0 message: MIME, then the SOAP envelope validated against the ebMS XSDs.

    read(content_type, body)
      MIME parts -> hardened XML parse (no DTD, entity or network) -> SOAP 1.1 + ebMS 2.0 XSD
      -> MessageHeader version 2.0 -> mustUnderstand headers known -> Manifest references resolve

Each failure raises EbmsError with its ebMS code. MimeProblem is for packaging and for a
``cid:`` reference without a MIME part, and OtherXml for XML and XSD faults. NotSupported
is for another ebMS version, a foreign mandatory header, or a reference that is not ``cid:``.
"""

from __future__ import annotations

from lxml import etree

from adapters.soap.ebms.errors import EbmsError, ErrorCode, MimeProblem
from adapters.soap.ebms.mime import MimeMessage, cid_target, parse_mime
from adapters.soap.ebms.model import (
    DS_NS, EB_NS, EBMS_VERSION, NS, SOAP_NS, XLINK_NS, Acknowledgment, AckRequested, EbmsMessage, Envelope,
    ErrorEntry, MessageData, MessageHeader, Party, StatusResponse,
)
from core.cpa.model import PartyId
from core.cpa.schema import EBMS_ENTRY, EBMS_FILES, SchemaFolder, hardened_parser
from core.cpa.xsdtypes import parse_datetime

HEADER_LOCATION = "//Header/MessageHeader"
KNOWN_HEADERS = {
    f"{{{EB_NS}}}MessageHeader", f"{{{EB_NS}}}SyncReply", f"{{{EB_NS}}}AckRequested",
    f"{{{EB_NS}}}Acknowledgment", f"{{{EB_NS}}}ErrorList", f"{{{DS_NS}}}Signature",
}


class EnvelopeReader:
    """Read ebMS messages, validating envelopes against the XSDs in ``schemas``."""

    def __init__(self, schemas: SchemaFolder):
        self._schemas = schemas

    def read(self, content_type: str | None, body: bytes) -> EbmsMessage:
        """Return the message in an HTTP body; raise EbmsError on the first fault found."""
        mime = parse_mime(content_type, body)
        envelope = self.parse_envelope(mime.envelope)
        _check_manifest(envelope, mime)
        return EbmsMessage(envelope, mime)

    def parse_envelope(self, data: bytes) -> Envelope:
        """Return the parsed SOAP envelope in ``data``; raise EbmsError when it is no valid ebMS 2.0 envelope."""
        tree = _read_xml(data)
        root = tree.getroot()
        if root.tag != f"{{{SOAP_NS}}}Envelope":
            raise EbmsError(ErrorCode.OTHER_XML, f"the root element is {root.tag}, not a SOAP 1.1 Envelope",
                            location="/")

        schema = self._schemas.schema(EBMS_ENTRY, EBMS_FILES)
        if not schema.validate(tree):
            first = schema.error_log[0]
            raise EbmsError(ErrorCode.OTHER_XML, f"the envelope does not match the ebMS 2.0 XSD: {first.message}",
                            location=first.path)

        header_element = root.find("soap:Header/eb:MessageHeader", NS)
        if header_element is None:
            raise EbmsError(ErrorCode.OTHER_XML, "the SOAP Header has no eb:MessageHeader", location=HEADER_LOCATION)
        version = header_element.get(f"{{{EB_NS}}}version")
        if version != EBMS_VERSION:
            raise EbmsError(ErrorCode.NOT_SUPPORTED, f"ebMS version {version} is not supported; use 2.0",
                            location=f"{HEADER_LOCATION}/@version")
        _check_must_understand(root)
        return _envelope(root, header_element, tree)


def salvage_header(data: bytes) -> MessageHeader | None:
    """Return the MessageHeader of an envelope that failed a check, if it can be read at all.

    The endpoint answers such a message with a MessageError addressed from its header;
    without a readable header it can only answer with a SOAP Fault.
    """
    try:
        tree = _read_xml(data)
    except EbmsError:
        return None
    element = tree.getroot().find("soap:Header/eb:MessageHeader", NS)
    if element is None:
        return None
    try:
        header = _message_header(element)
    except (AttributeError, TypeError, ValueError):
        return None
    complete = header.from_party.party_ids and header.to_party.party_ids and header.cpa_id and header.message_data.message_id
    return header if complete else None


def _read_xml(data: bytes) -> etree._ElementTree:
    try:
        tree = etree.ElementTree(etree.fromstring(data, hardened_parser()))
    except etree.XMLSyntaxError as error:
        raise EbmsError(ErrorCode.OTHER_XML, f"the SOAP envelope is not well-formed XML: {error.msg}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EbmsError(ErrorCode.OTHER_XML, "the SOAP envelope contains a DOCTYPE, which SOAP 1.1 forbids")
    return tree


def _check_must_understand(root: etree._Element) -> None:
    """Raise NotSupported for a mandatory header block this MSH does not process (eb:MessageOrder, foreign)."""
    for block in root.iterfind("soap:Header/*", NS):
        mandatory = block.get(f"{{{SOAP_NS}}}mustUnderstand") in ("1", "true")
        if mandatory and block.tag not in KNOWN_HEADERS:
            raise EbmsError(ErrorCode.NOT_SUPPORTED, f"header block {block.tag} is marked mustUnderstand "
                            "but is not supported", location=f"//Header/{etree.QName(block).localname}")


def _check_manifest(envelope: Envelope, mime: MimeMessage) -> None:
    for reference in envelope.manifest:
        location = f"//Body/Manifest/Reference[@href='{reference}']"
        if cid_target(reference) is None:
            raise EbmsError(ErrorCode.NOT_SUPPORTED, f"manifest reference {reference} is not a cid: URI; "
                            "Digikoppeling allows payloads in MIME parts only", location=location)
        if mime.attachment(reference) is None:
            raise MimeProblem(f"manifest reference {reference} names no MIME part of the message", location=location)


def _envelope(root: etree._Element, header_element: etree._Element, tree: etree._ElementTree) -> Envelope:
    header = root.find("soap:Header", NS)
    body = root.find("soap:Body", NS)
    ack = header.find("eb:AckRequested", NS)
    return Envelope(
        header=_message_header(header_element),
        ack_requested=AckRequested(
            signed=ack.get(f"{{{EB_NS}}}signed") in ("true", "1"), actor=ack.get(f"{{{SOAP_NS}}}actor"),
        ) if ack is not None else None,
        sync_reply=header.find("eb:SyncReply", NS) is not None,
        manifest=tuple(item.get(f"{{{XLINK_NS}}}href") for item in body.iterfind("eb:Manifest/eb:Reference", NS)),
        status_request=_text(body.find("eb:StatusRequest/eb:RefToMessageId", NS)),
        status_response=_status_response(body.find("eb:StatusResponse", NS)),
        acknowledgment=_acknowledgment(header.find("eb:Acknowledgment", NS)),
        errors=tuple(_error(item) for item in header.iterfind("eb:ErrorList/eb:Error", NS)),
        signed=header.find("ds:Signature", NS) is not None,
        document=tree,
    )


def _text(element: etree._Element | None) -> str | None:
    return element.text.strip() if element is not None and element.text else None


def _party(element: etree._Element) -> Party:
    return Party(
        party_ids=tuple(PartyId(_text(item), item.get(f"{{{EB_NS}}}type")) for item in element.iterfind("eb:PartyId", NS)),
        role=_text(element.find("eb:Role", NS)),
    )


def _message_header(element: etree._Element) -> MessageHeader:
    data = element.find("eb:MessageData", NS)
    time_to_live = _text(data.find("eb:TimeToLive", NS))
    service = element.find("eb:Service", NS)
    return MessageHeader(
        from_party=_party(element.find("eb:From", NS)),
        to_party=_party(element.find("eb:To", NS)),
        cpa_id=_text(element.find("eb:CPAId", NS)),
        conversation_id=_text(element.find("eb:ConversationId", NS)),
        service=_text(service),
        service_type=service.get(f"{{{EB_NS}}}type"),
        action=_text(element.find("eb:Action", NS)),
        message_data=MessageData(
            message_id=_text(data.find("eb:MessageId", NS)),
            timestamp=parse_datetime(_text(data.find("eb:Timestamp", NS))),
            ref_to_message_id=_text(data.find("eb:RefToMessageId", NS)),
            time_to_live=parse_datetime(time_to_live) if time_to_live else None,
        ),
        duplicate_elimination=element.find("eb:DuplicateElimination", NS) is not None,
    )


def _status_response(element: etree._Element | None) -> StatusResponse | None:
    if element is None:
        return None
    timestamp = _text(element.find("eb:Timestamp", NS))
    return StatusResponse(
        ref_to_message_id=_text(element.find("eb:RefToMessageId", NS)),
        message_status=element.get(f"{{{EB_NS}}}messageStatus"),
        timestamp=parse_datetime(timestamp) if timestamp else None,
    )


def _acknowledgment(element: etree._Element | None) -> Acknowledgment | None:
    if element is None:
        return None
    return Acknowledgment(
        timestamp=parse_datetime(_text(element.find("eb:Timestamp", NS))),
        ref_to_message_id=_text(element.find("eb:RefToMessageId", NS)),
    )


def _error(element: etree._Element) -> ErrorEntry:
    return ErrorEntry(
        code=element.get(f"{{{EB_NS}}}errorCode"),
        severity=element.get(f"{{{EB_NS}}}severity"),
        location=element.get(f"{{{EB_NS}}}location"),
        description=_text(element.find("eb:Description", NS)),
    )
