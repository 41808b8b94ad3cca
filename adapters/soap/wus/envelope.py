"""SOAP 1.1 envelopes of the WUS registertoets: reading a request with its WS-Addressing
headers, and writing the response or a fault that relates to it.

Digikoppeling WUS uses WS-Addressing 1.0: a request carries ``wsa:To``, ``wsa:Action``
and ``wsa:MessageID``, and the response carries ``wsa:RelatesTo`` with that MessageID.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from core.errors import Rejected
from core.xmlread import check_prolog, hardened_options
from plugins.wlz.errors import InvalidWusRequest
from plugins.wlz.model import ToetsAnswer

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
NAMESPACE = "urn:ggk:wlz:registertoets:1.0"
REQUEST_ACTION = f"{NAMESPACE}:Registertoets"
RESPONSE_ACTION = f"{NAMESPACE}:RegistertoetsAntwoord"
FAULT_ACTION = "http://www.w3.org/2005/08/addressing/soap/fault"
ANONYMOUS = "http://www.w3.org/2005/08/addressing/anonymous"
XSD = Path(__file__).parent / "registertoets.xsd"
MAX_REQUEST_BYTES = 4 * 1024 * 1024  # 10,000 BSNs take about 300 KB


@dataclass(frozen=True)
class WusRequest:
    message_id: str
    to: str
    action: str
    peildatum: str | None
    bsns: list[str]


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def read_message_id(body: bytes) -> str | None:
    """Return the request's wsa:MessageID if the envelope can be read that far, for a fault's RelatesTo."""
    try:
        root = etree.fromstring(body, etree.XMLParser(**hardened_options()))
    except etree.XMLSyntaxError:
        return None
    found = root.find(f"{{{SOAP_ENV}}}Header/{{{WSA}}}MessageID")
    if found is None:
        return None
    return (found.text or "").strip() or None


def parse_request(body: bytes, soap_action: str | None) -> WusRequest:
    """Read and check a registertoets request; raise InvalidWusRequest (WLZ006) naming what is wrong."""
    if len(body) > MAX_REQUEST_BYTES:
        raise InvalidWusRequest(f"the request is larger than {MAX_REQUEST_BYTES} bytes")
    root = _parse(body)
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise InvalidWusRequest(f"the request is not a SOAP 1.1 envelope (root {root.tag})")
    addressing = {name: _header(root, name) for name in ("MessageID", "To", "Action")}
    action = addressing["Action"]
    if action != REQUEST_ACTION:
        raise InvalidWusRequest(f"wsa:Action {action!r} is unknown; expected {REQUEST_ACTION}")
    if soap_action not in (None, "", '""') and soap_action.strip('"') != action:
        raise InvalidWusRequest(f"the SOAPAction header {soap_action} differs from wsa:Action {action}")
    question = _body_element(root)
    return WusRequest(
        message_id=addressing["MessageID"], to=addressing["To"], action=action,
        peildatum=(question.findtext(f"{{{NAMESPACE}}}Peildatum") or "").strip() or None,
        bsns=[(element.text or "").strip() for element in question.iterfind(f"{{{NAMESPACE}}}Bsn")],
    )


def _parse(body: bytes) -> etree._Element:
    try:
        check_prolog(io.BytesIO(body))
        return etree.fromstring(body, etree.XMLParser(**hardened_options()))
    except Rejected as rejection:
        raise InvalidWusRequest(f"the request cannot be read: {rejection.detail}") from None
    except etree.XMLSyntaxError as error:
        raise InvalidWusRequest(f"the request is not well-formed XML: {error}") from None


def _header(root: etree._Element, name: str) -> str:
    element = root.find(f"{{{SOAP_ENV}}}Header/{{{WSA}}}{name}")
    value = (element.text or "").strip() if element is not None else ""
    if not value:
        raise InvalidWusRequest(f"the WS-Addressing header wsa:{name} is missing")
    return value


def _body_element(root: etree._Element) -> etree._Element:
    body = root.find(f"{{{SOAP_ENV}}}Body")
    children = [child for child in body if isinstance(child.tag, str)] if body is not None else []
    if len(children) != 1 or children[0].tag != f"{{{NAMESPACE}}}RegistertoetsVraag":
        raise InvalidWusRequest("the SOAP Body must hold exactly one RegistertoetsVraag")
    schema = _schema()
    if not schema.validate(etree.ElementTree(children[0])):
        raise InvalidWusRequest(f"the RegistertoetsVraag does not match its schema: {schema.error_log[0].message}")
    return children[0]


def answer_envelope(answer: ToetsAnswer, relates_to: str) -> bytes:
    envelope, body = _envelope(RESPONSE_ACTION, relates_to)
    element = etree.SubElement(body, f"{{{NAMESPACE}}}RegistertoetsAntwoord", nsmap={"rt": NAMESPACE})
    _child(element, "Peildatum", answer.peildatum.isoformat())
    for result in answer.results:
        item = _child(element, "Resultaat")
        _child(item, "Bsn", result.bsn)
        _child(item, "Indicatie", "true" if result.indicatie else "false")
        for period in result.perioden:
            periode = _child(item, "Periode")
            _child(periode, "Soort", period.soort.value)
            _child(periode, "Ingangsdatum", period.ingangsdatum.isoformat())
            if period.einddatum is not None:
                _child(periode, "Einddatum", period.einddatum.isoformat())
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def fault_envelope(code: str, description: str, relates_to: str | None, *, server: bool = False) -> bytes:
    """Return a SOAP 1.1 Fault whose detail contains the ggk code (``WLZ001``, ``GGK403`` ...)."""
    envelope, body = _envelope(FAULT_ACTION, relates_to)
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:Server" if server else "soap:Client"
    etree.SubElement(fault, "faultstring").text = f"{code}: {description}"
    detail = etree.SubElement(etree.SubElement(fault, "detail"), f"{{{NAMESPACE}}}RegistertoetsFout",
                              nsmap={"rt": NAMESPACE})
    _child(detail, "Code", code)
    _child(detail, "Omschrijving", description)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _envelope(action: str, relates_to: str | None) -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "wsa": WSA})
    header = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Header")
    etree.SubElement(header, f"{{{WSA}}}Action").text = action
    etree.SubElement(header, f"{{{WSA}}}MessageID").text = f"urn:uuid:{uuid.uuid4()}"
    if relates_to:
        etree.SubElement(header, f"{{{WSA}}}RelatesTo").text = relates_to
    etree.SubElement(header, f"{{{WSA}}}To").text = ANONYMOUS
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")


def _child(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if text is not None:
        element.text = text
    return element


def wsdl(address: str) -> bytes:
    """Return the WSDL with the schema inlined and ``address`` as the service location."""
    template = (Path(__file__).parent / "registertoets.wsdl").read_text(encoding="utf-8")
    schema = XSD.read_text(encoding="utf-8").split("?>", 1)[1].strip()
    return template.replace("@SCHEMA@", schema).replace("@ADDRESS@", _escape(address)).encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
