"""Writing a CPA between the hub and one organisation for a Digikoppeling ebMS2 profile.

Design: the hub offers one Service, ``GGK_SERVICE``, with the StUF-GGk WSDL operations as
Actions (``ggk_Di01``, ``ggk_Du01``, ``Fo01``). Both parties may send and receive each
of them. Every generated CPA uses TLS 1.2 or newer, and the signed profiles sign with
RSA-SHA256 and digest with SHA-256. docs/digikoppeling.md describes the result.
"""

from __future__ import annotations

import base64
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.cpa.errors import CpaInvalid
from core.cpa.model import EBMS_ACTOR_TO_PARTY
from core.cpa.parser import CPPA_NS, DSIG_NS, XLINK_NS
from core.cpa.xsdtypes import format_datetime, format_duration

GGK_SERVICE = "urn:osb:services:ggk:1.0"
GGK_ACTIONS = ("ggk_Di01", "ggk_Du01", "Fo01")
HUB_ROLE = "GGk"
ORGANISATION_ROLE = "Deelnemer"
OIN_TYPE = "urn:osb:oin"

SIGNATURE_ALGORITHM = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
HASH_FUNCTION = "http://www.w3.org/2001/04/xmlenc#sha256"
XMLDSIG_PROTOCOL = "http://www.w3.org/2000/09/xmldsig#"
TLS_VERSION = "1.2"  # the minimum; the endpoints negotiate TLS 1.3 where both sides support it
MESSAGE_HEADER_NAMESPACE = "http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"


class Profile(str, enum.Enum):
    """The Digikoppeling ebMS2 profiles the hub generates CPAs for."""

    OSB_BE = "osb-be"
    OSB_RM = "osb-rm"
    OSB_BE_S = "osb-be-s"
    OSB_RM_S = "osb-rm-s"

    @property
    def reliable(self) -> bool:
        return self in (Profile.OSB_RM, Profile.OSB_RM_S)

    @property
    def signed(self) -> bool:
        return self in (Profile.OSB_BE_S, Profile.OSB_RM_S)


@dataclass(frozen=True)
class PartySpec:
    """One side of a generated CPA; the certificate serves TLS and, in signed profiles, signing."""

    oin: str
    name: str
    endpoint_url: str
    certificate_pem: str


@dataclass(frozen=True)
class Reliability:
    """Reliable-messaging values written into osb-rm CPAs (design defaults, see the docs)."""

    retries: int = 18
    retry_interval: timedelta = timedelta(hours=4)
    persist_duration: timedelta = timedelta(days=4)  # at least (1 + retries) x retry_interval


@dataclass(frozen=True)
class CpaRequest:
    cpaid: str
    hub: PartySpec
    organisation: PartySpec
    profile: Profile
    start: datetime
    end: datetime
    sync_reply_mode: str = "none"  # or "mshSignalsOnly" when both MSHs support synchronous signals
    reliability: Reliability = Reliability()


def generate_cpa(request: CpaRequest) -> bytes:
    """Return the CPA XML (UTF-8) for ``request``; raise CpaInvalid on an unreadable certificate."""
    if request.end <= request.start:
        raise CpaInvalid(f"the CPA end {request.end} is not after its start {request.start}")

    root = _root("CollaborationProtocolAgreement", cpaid=request.cpaid, version="1.0")
    _child(root, "Status", value="agreed")
    _child(root, "Start").text = format_datetime(request.start)
    _child(root, "End").text = format_datetime(request.end)

    sides = (("HUB", request.hub, HUB_ROLE), ("ORG", request.organisation, ORGANISATION_ROLE))
    for (prefix, party, role), (other_prefix, _, _) in zip(sides, reversed(sides)):
        _party_info(root, request, prefix, other_prefix, party, role)

    _packaging(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _qname(name: str) -> str:
    return f"{{{CPPA_NS}}}{name}"


def _root(tag: str, **attributes: str) -> etree._Element:
    namespaces = {"tns": CPPA_NS, "ds": DSIG_NS, "xlink": XLINK_NS}
    return etree.Element(_qname(tag), {_qname(key): value for key, value in attributes.items()}, nsmap=namespaces)


def _child(parent: etree._Element, tag: str, text: str | None = None, /, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _qname(tag), {_qname(key): value for key, value in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _party_info(
    root: etree._Element, request: CpaRequest, prefix: str, other: str, party: PartySpec, role: str,
) -> None:
    info = _child(root, "PartyInfo", partyName=party.name, defaultMshChannelId=f"{prefix}_channel",
                    defaultMshPackageId="ggk_signal_package")
    _child(info, "PartyId", party.oin, type=OIN_TYPE)
    _child(info, "PartyRef").set(f"{{{XLINK_NS}}}href", party.endpoint_url)
    _collaboration_role(info, request.profile, prefix, other, role)
    _certificate(info, prefix, party)
    trust = _child(info, "SecurityDetails", securityId=f"{prefix}_trust")
    _child(_child(trust, "TrustAnchors"), "AnchorCertificateRef", certId=f"{other}_certificate")
    _delivery_channel(info, request, prefix)
    _transport(info, prefix, party)
    _doc_exchange(info, request, prefix)


def _collaboration_role(info: etree._Element, profile: Profile, prefix: str, other: str, role: str) -> None:
    collaboration = _child(info, "CollaborationRole")
    specification = _child(collaboration, "ProcessSpecification", name="GGk", version="1.0")
    specification.set(f"{{{XLINK_NS}}}href", GGK_SERVICE)
    _child(collaboration, "Role", name=role).set(f"{{{XLINK_NS}}}href", f"{GGK_SERVICE}:{role}")
    binding = _child(collaboration, "ServiceBinding")
    _child(binding, "Service", GGK_SERVICE)
    for direction, own, theirs in (("CanSend", "S", "R"), ("CanReceive", "R", "S")):
        for action in GGK_ACTIONS:
            holder = _child(binding, direction)
            this = _child(holder, "ThisPartyActionBinding", id=f"{prefix}_{own}_{action}", action=action,
                          packageId="ggk_message_package")
            _transaction_characteristics(this, profile)
            _child(this, "ChannelId", f"{prefix}_channel")
            _child(holder, "OtherPartyActionBinding", f"{other}_{theirs}_{action}")


def _transaction_characteristics(parent: etree._Element, profile: Profile) -> None:
    persistence = "transient-and-persistent" if profile.signed else "transient"
    _child(
        parent, "BusinessTransactionCharacteristics",
        isNonRepudiationRequired=str(profile.signed).lower(),
        isNonRepudiationReceiptRequired=str(profile.signed and profile.reliable).lower(),
        isConfidential="transient", isAuthenticated=persistence, isTamperProof=persistence,
        isAuthorizationRequired="true", isIntelligibleCheckRequired="false",
    )


def _certificate(info: etree._Element, prefix: str, party: PartySpec) -> None:
    try:
        certificate = x509.load_pem_x509_certificate(party.certificate_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise CpaInvalid(f"the certificate of {party.name} is not a PEM X.509 certificate: {error}") from None

    element = _child(info, "Certificate", certId=f"{prefix}_certificate")
    key_info = etree.SubElement(element, f"{{{DSIG_NS}}}KeyInfo")
    data = etree.SubElement(key_info, f"{{{DSIG_NS}}}X509Data")
    etree.SubElement(data, f"{{{DSIG_NS}}}X509SubjectName").text = certificate.subject.rfc4514_string()
    der = certificate.public_bytes(Encoding.DER)
    etree.SubElement(data, f"{{{DSIG_NS}}}X509Certificate").text = base64.b64encode(der).decode("ascii")


def _delivery_channel(info: etree._Element, request: CpaRequest, prefix: str) -> None:
    reliable = request.profile.reliable
    channel = _child(info, "DeliveryChannel", channelId=f"{prefix}_channel", transportId=f"{prefix}_transport",
                       docExchangeId=f"{prefix}_exchange")
    _child(
        channel, "MessagingCharacteristics",
        syncReplyMode=request.sync_reply_mode,
        ackRequested="always" if reliable else "never",
        ackSignatureRequested="always" if reliable and request.profile.signed else "never",
        duplicateElimination="always" if reliable else "never",
        actor=EBMS_ACTOR_TO_PARTY,
    )


def _transport(info: etree._Element, prefix: str, party: PartySpec) -> None:
    transport = _child(info, "Transport", transportId=f"{prefix}_transport")
    sender = _child(transport, "TransportSender")
    _child(sender, "TransportProtocol", "HTTP", version="1.1")
    client = _child(sender, "TransportClientSecurity")
    _child(client, "TransportSecurityProtocol", "TLS", version=TLS_VERSION)
    _child(client, "ClientCertificateRef", certId=f"{prefix}_certificate")
    _child(client, "ServerSecurityDetailsRef", securityId=f"{prefix}_trust")

    receiver = _child(transport, "TransportReceiver")
    _child(receiver, "TransportProtocol", "HTTP", version="1.1")
    _child(receiver, "Endpoint", uri=party.endpoint_url, type="allPurpose")
    server = _child(receiver, "TransportServerSecurity")
    _child(server, "TransportSecurityProtocol", "TLS", version=TLS_VERSION)
    _child(server, "ServerCertificateRef", certId=f"{prefix}_certificate")
    _child(server, "ClientSecurityDetailsRef", securityId=f"{prefix}_trust")


def _doc_exchange(info: etree._Element, request: CpaRequest, prefix: str) -> None:
    exchange = _child(info, "DocExchange", docExchangeId=f"{prefix}_exchange")
    for side in ("Sender", "Receiver"):
        binding = _child(exchange, f"ebXML{side}Binding", version="2.0")
        if request.profile.reliable:
            _reliable_messaging(binding, request.reliability)
        if request.profile.signed:
            _non_repudiation(binding, side, prefix)


def _reliable_messaging(binding: etree._Element, reliability: Reliability) -> None:
    messaging = _child(binding, "ReliableMessaging")
    _child(messaging, "Retries", str(reliability.retries))
    _child(messaging, "RetryInterval", format_duration(reliability.retry_interval))
    _child(messaging, "MessageOrderSemantics", "NotGuaranteed")
    _child(binding, "PersistDuration", format_duration(reliability.persist_duration))


def _non_repudiation(binding: etree._Element, side: str, prefix: str) -> None:
    repudiation = _child(binding, f"{side}NonRepudiation")
    _child(repudiation, "NonRepudiationProtocol", XMLDSIG_PROTOCOL)
    _child(repudiation, "HashFunction", HASH_FUNCTION)
    _child(repudiation, "SignatureAlgorithm", SIGNATURE_ALGORITHM)
    if side == "Sender":
        _child(repudiation, "SigningCertificateRef", certId=f"{prefix}_certificate")
    else:
        _child(repudiation, "SigningSecurityDetailsRef", securityId=f"{prefix}_trust")


def _packaging(root: etree._Element) -> None:
    header = _child(root, "SimplePart", id="ggk_header", mimetype="text/xml")
    _child(header, "NamespaceSupported", MESSAGE_HEADER_NAMESPACE, location=MESSAGE_HEADER_NAMESPACE, version="2.0")
    _child(root, "SimplePart", id="ggk_payload", mimetype="application/xml")

    for package_id, composite_id, parts in (("ggk_signal_package", "ggk_signal", ("ggk_header",)),
                                            ("ggk_message_package", "ggk_message", ("ggk_header", "ggk_payload"))):
        packaging = _child(root, "Packaging", id=package_id)
        _child(packaging, "ProcessingCapabilities", parse="true", generate="true")
        composite = _child(_child(packaging, "CompositeList"), "Composite", id=composite_id,
                           mimetype="multipart/related", mimeparameters="type=text/xml")
        for part in parts:
            _child(composite, "Constituent", idref=part)
