"""Reading a CPA: hardened XML parsing, validation against CPPA 2.0, then the domain model.

The parser expands no entity, loads no DTD, reaches no network and refuses a document
with a DOCTYPE. A document that fails the CPPA 2.0 XSD is refused with CPA001 and the
first schema error, so the model below only meets valid CPAs.
"""

from __future__ import annotations

import base64
import binascii

from lxml import etree

from core.cpa.errors import CpaInvalid
from core.cpa.model import (
    ActionBinding, Certificate, CollaborationRole, Cpa, DeliveryChannel, DigitalEnvelope, DocExchange,
    MessagingBinding, MessagingCharacteristics, NonRepudiation, PartyId, PartyInfo, ReliableMessaging,
    SecurityDetails, ServiceBinding, Transport, TransportSecurity,
)
from core.cpa.schema import CPPA_ENTRY, CPPA_FILES, SchemaFolder, hardened_parser
from core.cpa.xsdtypes import parse_datetime, parse_duration

CPPA_NS = "http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"
NS = {"tns": CPPA_NS, "ds": DSIG_NS}


class CpaParser:
    """Parse CPA documents against the CPPA 2.0 XSD found in ``schemas``."""

    def __init__(self, schemas: SchemaFolder):
        self._schemas = schemas

    def parse(self, data: bytes) -> Cpa:
        """Return the CPA in ``data``; raise CpaInvalid when it is not a valid CPPA 2.0 CPA."""
        tree = read_xml(data)
        schema = self._schemas.schema(CPPA_ENTRY, CPPA_FILES)
        if not schema.validate(tree):
            first = schema.error_log[0]
            raise CpaInvalid(f"the CPA does not match the CPPA 2.0 XSD: {first.message}", line=first.line)

        root = tree.getroot()
        if etree.QName(root).localname != "CollaborationProtocolAgreement":
            raise CpaInvalid(f"the root element is {etree.QName(root).localname}, not CollaborationProtocolAgreement")
        return _cpa(root, data)


def read_xml(data: bytes) -> etree._ElementTree:
    """Parse ``data`` with the hardened parser; raise CpaInvalid on a syntax error or a DOCTYPE."""
    try:
        tree = etree.ElementTree(etree.fromstring(data, hardened_parser()))
    except etree.XMLSyntaxError as error:
        raise CpaInvalid(f"the CPA is not well-formed XML: {error.msg}", line=error.lineno) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise CpaInvalid("the CPA contains a DOCTYPE; DTDs and entities are not allowed")
    return tree


def _attr(element: etree._Element, name: str, default: str | None = None) -> str | None:
    """Return a CPPA attribute, which the schema qualifies with the CPPA namespace."""
    return element.get(f"{{{CPPA_NS}}}{name}", default)


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip()


def _children(element: etree._Element, path: str) -> list[etree._Element]:
    return element.findall(path, NS)


def _cpa(root: etree._Element, source: bytes) -> Cpa:
    parties = tuple(_party(element) for element in _children(root, "tns:PartyInfo"))
    return Cpa(
        cpaid=_attr(root, "cpaid"),
        version=_attr(root, "version"),
        status=_attr(root.find("tns:Status", NS), "value"),
        start=parse_datetime(_text(root.find("tns:Start", NS))),
        end=parse_datetime(_text(root.find("tns:End", NS))),
        parties=parties,
        source=source,
    )


def _party(element: etree._Element) -> PartyInfo:
    return PartyInfo(
        name=_attr(element, "partyName"),
        party_ids=tuple(PartyId(_text(party_id), _attr(party_id, "type")) for party_id in _children(element, "tns:PartyId")),
        roles=tuple(_role(role) for role in _children(element, "tns:CollaborationRole")),
        delivery_channels=tuple(_delivery_channel(channel) for channel in _children(element, "tns:DeliveryChannel")),
        transports=tuple(_transport(transport) for transport in _children(element, "tns:Transport")),
        doc_exchanges=tuple(_doc_exchange(exchange) for exchange in _children(element, "tns:DocExchange")),
        certificates=tuple(_certificate(certificate) for certificate in _children(element, "tns:Certificate")),
        security_details=tuple(_security_details(details) for details in _children(element, "tns:SecurityDetails")),
        default_msh_channel_id=_attr(element, "defaultMshChannelId"),
        default_msh_package_id=_attr(element, "defaultMshPackageId"),
    )


def _role(element: etree._Element) -> CollaborationRole:
    binding = element.find("tns:ServiceBinding", NS)
    service = binding.find("tns:Service", NS)
    return CollaborationRole(
        role=_attr(element.find("tns:Role", NS), "name"),
        process_specification=_attr(element.find("tns:ProcessSpecification", NS), "name"),
        service_binding=ServiceBinding(
            service=_text(service),
            service_type=_attr(service, "type"),
            can_send=tuple(_action(item) for item in _children(binding, "tns:CanSend/tns:ThisPartyActionBinding")),
            can_receive=tuple(_action(item) for item in _children(binding, "tns:CanReceive/tns:ThisPartyActionBinding")),
        ),
    )


def _action(element: etree._Element) -> ActionBinding:
    characteristics = element.find("tns:BusinessTransactionCharacteristics", NS)
    return ActionBinding(
        id=_attr(element, "id"),
        action=_attr(element, "action"),
        package_id=_attr(element, "packageId"),
        channel_ids=tuple(_text(channel) for channel in _children(element, "tns:ChannelId")),
        non_repudiation_required=_attr(characteristics, "isNonRepudiationRequired") in ("true", "1"),
        non_repudiation_receipt_required=_attr(characteristics, "isNonRepudiationReceiptRequired") in ("true", "1"),
    )


def _delivery_channel(element: etree._Element) -> DeliveryChannel:
    characteristics = element.find("tns:MessagingCharacteristics", NS)
    return DeliveryChannel(
        id=_attr(element, "channelId"),
        transport_id=_attr(element, "transportId"),
        doc_exchange_id=_attr(element, "docExchangeId"),
        characteristics=MessagingCharacteristics(
            sync_reply_mode=_attr(characteristics, "syncReplyMode", "none"),
            ack_requested=_attr(characteristics, "ackRequested", "perMessage"),
            ack_signature_requested=_attr(characteristics, "ackSignatureRequested", "perMessage"),
            duplicate_elimination=_attr(characteristics, "duplicateElimination", "perMessage"),
            actor=_attr(characteristics, "actor"),
        ),
    )


def _transport(element: etree._Element) -> Transport:
    sender = element.find("tns:TransportSender", NS)
    receiver = element.find("tns:TransportReceiver", NS)
    sender_protocol = sender.find("tns:TransportProtocol", NS) if sender is not None else None
    receiver_protocol = receiver.find("tns:TransportProtocol", NS) if receiver is not None else None
    endpoints = _children(receiver, "tns:Endpoint") if receiver is not None else []
    return Transport(
        id=_attr(element, "transportId"),
        sender_protocol=_text(sender_protocol),
        sender_protocol_version=_attr(sender_protocol, "version") if sender_protocol is not None else None,
        client_security=_security(sender, "tns:TransportClientSecurity", "ClientCertificateRef", "ServerSecurityDetailsRef"),
        receiver_protocol=_text(receiver_protocol),
        receiver_protocol_version=_attr(receiver_protocol, "version") if receiver_protocol is not None else None,
        endpoints=tuple(_attr(endpoint, "uri") for endpoint in endpoints),
        server_security=_security(receiver, "tns:TransportServerSecurity", "ServerCertificateRef", "ClientSecurityDetailsRef"),
    )


def _security(parent, path: str, certificate_tag: str, details_tag: str) -> TransportSecurity | None:
    element = parent.find(path, NS) if parent is not None else None
    if element is None:
        return None
    protocol = element.find("tns:TransportSecurityProtocol", NS)
    certificate = element.find(f"tns:{certificate_tag}", NS)
    details = element.find(f"tns:{details_tag}", NS)
    return TransportSecurity(
        protocol=_text(protocol),
        version=_attr(protocol, "version"),
        certificate_ref=_attr(certificate, "certId") if certificate is not None else None,
        security_details_ref=_attr(details, "securityId") if details is not None else None,
    )


def _doc_exchange(element: etree._Element) -> DocExchange:
    return DocExchange(
        id=_attr(element, "docExchangeId"),
        sender_binding=_messaging_binding(element.find("tns:ebXMLSenderBinding", NS), "Sender"),
        receiver_binding=_messaging_binding(element.find("tns:ebXMLReceiverBinding", NS), "Receiver"),
    )


def _messaging_binding(element: etree._Element | None, side: str) -> MessagingBinding | None:
    if element is None:
        return None
    persist = _text(element.find("tns:PersistDuration", NS))
    return MessagingBinding(
        version=_attr(element, "version"),
        reliable_messaging=_reliable_messaging(element.find("tns:ReliableMessaging", NS)),
        persist_duration=parse_duration(persist) if persist else None,
        persist_duration_text=persist,
        non_repudiation=_non_repudiation(element.find(f"tns:{side}NonRepudiation", NS)),
        digital_envelope=_digital_envelope(element.find(f"tns:{side}DigitalEnvelope", NS)),
    )


def _reliable_messaging(element: etree._Element | None) -> ReliableMessaging | None:
    if element is None:
        return None
    retries = _text(element.find("tns:Retries", NS))
    interval = _text(element.find("tns:RetryInterval", NS))
    return ReliableMessaging(
        retries=int(retries) if retries else None,
        retry_interval=parse_duration(interval) if interval else None,
        retry_interval_text=interval,
        message_order_semantics=_text(element.find("tns:MessageOrderSemantics", NS)),
    )


def _non_repudiation(element: etree._Element | None) -> NonRepudiation | None:
    if element is None:
        return None
    certificate = element.find("tns:SigningCertificateRef", NS)
    details = element.find("tns:SigningSecurityDetailsRef", NS)
    return NonRepudiation(
        protocol=_text(element.find("tns:NonRepudiationProtocol", NS)),
        hash_function=_text(element.find("tns:HashFunction", NS)),
        signature_algorithms=tuple(_text(item) for item in _children(element, "tns:SignatureAlgorithm")),
        certificate_ref=_attr(certificate, "certId") if certificate is not None else None,
        security_details_ref=_attr(details, "securityId") if details is not None else None,
    )


def _digital_envelope(element: etree._Element | None) -> DigitalEnvelope | None:
    if element is None:
        return None
    protocol = element.find("tns:DigitalEnvelopeProtocol", NS)
    return DigitalEnvelope(
        protocol=_text(protocol),
        protocol_version=_attr(protocol, "version"),
        encryption_algorithms=tuple(_text(item) for item in _children(element, "tns:EncryptionAlgorithm")),
    )


def _certificate(element: etree._Element) -> Certificate:
    key_info = element.find("ds:KeyInfo", NS)
    return Certificate(
        id=_attr(element, "certId"),
        x509_certificates=tuple(_der(item) for item in key_info.iterfind(".//ds:X509Certificate", NS)),
        subject_names=tuple(_text(item) for item in key_info.iterfind(".//ds:X509SubjectName", NS)),
        rsa_modulus=_text(key_info.find(".//ds:RSAKeyValue/ds:Modulus", NS)),
        rsa_exponent=_text(key_info.find(".//ds:RSAKeyValue/ds:Exponent", NS)),
    )


def _der(element: etree._Element) -> bytes:
    try:
        return base64.b64decode("".join((element.text or "").split()), validate=True)
    except binascii.Error:
        raise CpaInvalid("an X509Certificate in the CPA is not valid base64", line=element.sourceline) from None


def _security_details(element: etree._Element) -> SecurityDetails:
    return SecurityDetails(
        id=_attr(element, "securityId"),
        anchor_certificate_refs=tuple(
            _attr(anchor, "certId") for anchor in _children(element, "tns:TrustAnchors/tns:AnchorCertificateRef")
        ),
    )
