"""A CPA (ebXML CPPA 2.0 Collaboration-Protocol Agreement) as read from its XML.

The classes mirror the CPPA elements the hub acts on and keep their names, so a reader
can look each field up in the CPPA 2.0 specification. Values are kept as the CPA states
them (for example ``ackRequested="perMessage"``); interpretation lives in
``core.cpa.checks`` and in the ebMS adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

EBMS_ACTOR_TO_PARTY = "urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"


@dataclass(frozen=True)
class PartyId:
    """A party identifier with its type, such as an OIN typed ``urn:osb:oin``."""

    value: str
    type: str | None = None

    def __str__(self) -> str:
        return f"{self.type}:{self.value}" if self.type else self.value


@dataclass(frozen=True)
class ActionBinding:
    """A ``ThisPartyActionBinding``: one action a party may send or receive, on which channels."""

    id: str
    action: str
    package_id: str
    channel_ids: tuple[str, ...]
    non_repudiation_required: bool = False
    non_repudiation_receipt_required: bool = False


@dataclass(frozen=True)
class ServiceBinding:
    """A ``ServiceBinding``: the Service and the actions this party can send and receive."""

    service: str
    service_type: str | None
    can_send: tuple[ActionBinding, ...]
    can_receive: tuple[ActionBinding, ...]

    def sendable(self, action: str) -> ActionBinding | None:
        return next((binding for binding in self.can_send if binding.action == action), None)

    def receivable(self, action: str) -> ActionBinding | None:
        return next((binding for binding in self.can_receive if binding.action == action), None)


@dataclass(frozen=True)
class CollaborationRole:
    role: str
    process_specification: str
    service_binding: ServiceBinding


@dataclass(frozen=True)
class MessagingCharacteristics:
    """Per-channel messaging settings; ``always``, ``never`` or ``perMessage`` as in the CPA."""

    sync_reply_mode: str = "none"
    ack_requested: str = "perMessage"
    ack_signature_requested: str = "perMessage"
    duplicate_elimination: str = "perMessage"
    actor: str | None = None


@dataclass(frozen=True)
class DeliveryChannel:
    id: str
    transport_id: str
    doc_exchange_id: str
    characteristics: MessagingCharacteristics


@dataclass(frozen=True)
class TransportSecurity:
    """A ``TransportSecurityProtocol`` such as ``TLS`` version ``1.2`` or ``SSL`` version ``3.0``."""

    protocol: str
    version: str | None
    certificate_ref: str | None = None
    security_details_ref: str | None = None


@dataclass(frozen=True)
class Transport:
    id: str
    sender_protocol: str | None = None
    sender_protocol_version: str | None = None
    client_security: TransportSecurity | None = None
    receiver_protocol: str | None = None
    receiver_protocol_version: str | None = None
    endpoints: tuple[str, ...] = ()
    server_security: TransportSecurity | None = None


@dataclass(frozen=True)
class ReliableMessaging:
    """Retries and RetryInterval of reliable messaging; the interval keeps its ISO 8601 text."""

    retries: int | None
    retry_interval: timedelta | None
    retry_interval_text: str | None
    message_order_semantics: str


@dataclass(frozen=True)
class NonRepudiation:
    """``SenderNonRepudiation`` or ``ReceiverNonRepudiation``: how messages are signed."""

    protocol: str
    hash_function: str
    signature_algorithms: tuple[str, ...]
    certificate_ref: str | None = None
    security_details_ref: str | None = None


@dataclass(frozen=True)
class DigitalEnvelope:
    protocol: str
    protocol_version: str | None
    encryption_algorithms: tuple[str, ...]


@dataclass(frozen=True)
class MessagingBinding:
    """An ``ebXMLSenderBinding`` or ``ebXMLReceiverBinding`` of a DocExchange."""

    version: str
    reliable_messaging: ReliableMessaging | None = None
    persist_duration: timedelta | None = None
    persist_duration_text: str | None = None
    non_repudiation: NonRepudiation | None = None
    digital_envelope: DigitalEnvelope | None = None


@dataclass(frozen=True)
class DocExchange:
    id: str
    sender_binding: MessagingBinding | None = None
    receiver_binding: MessagingBinding | None = None


@dataclass(frozen=True)
class Certificate:
    """A ``Certificate`` as given: X.509 certificates (DER) and/or a bare RSA key value."""

    id: str
    x509_certificates: tuple[bytes, ...] = ()
    subject_names: tuple[str, ...] = ()
    rsa_modulus: str | None = None
    rsa_exponent: str | None = None


@dataclass(frozen=True)
class SecurityDetails:
    id: str
    anchor_certificate_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartyInfo:
    """One of the two parties of a CPA with everything it declares."""

    name: str
    party_ids: tuple[PartyId, ...]
    roles: tuple[CollaborationRole, ...]
    delivery_channels: tuple[DeliveryChannel, ...]
    transports: tuple[Transport, ...]
    doc_exchanges: tuple[DocExchange, ...]
    certificates: tuple[Certificate, ...] = ()
    security_details: tuple[SecurityDetails, ...] = ()
    default_msh_channel_id: str = ""
    default_msh_package_id: str = ""

    def role_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(role.role for role in self.roles))

    def channel(self, channel_id: str) -> DeliveryChannel | None:
        return next((channel for channel in self.delivery_channels if channel.id == channel_id), None)

    def transport(self, transport_id: str) -> Transport | None:
        return next((transport for transport in self.transports if transport.id == transport_id), None)

    def doc_exchange(self, doc_exchange_id: str) -> DocExchange | None:
        return next((exchange for exchange in self.doc_exchanges if exchange.id == doc_exchange_id), None)

    def certificate(self, certificate_id: str) -> Certificate | None:
        return next((certificate for certificate in self.certificates if certificate.id == certificate_id), None)

    def matches(self, party_ids: tuple[PartyId, ...] | list[PartyId]) -> bool:
        """Return whether any of ``party_ids`` names this party, with the same type."""
        return any(candidate in self.party_ids for candidate in party_ids)

    def oins(self) -> tuple[str, ...]:
        """Return the values of this party's PartyIds typed as an OIN (``urn:osb:oin``, ``urn:cv:oin`` ...)."""
        return tuple(party_id.value for party_id in self.party_ids if (party_id.type or "").endswith(":oin"))

    def endpoints(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(uri for transport in self.transports for uri in transport.endpoints))


@dataclass(frozen=True)
class Cpa:
    """A parsed CPA. ``status`` is the CPA's own Status value: agreed, signed or proposed."""

    cpaid: str
    version: str
    status: str
    start: datetime
    end: datetime
    parties: tuple[PartyInfo, PartyInfo]
    source: bytes = field(default=b"", repr=False, compare=False)

    def party_for(self, party_ids: tuple[PartyId, ...] | list[PartyId]) -> PartyInfo | None:
        return next((party for party in self.parties if party.matches(party_ids)), None)

    def other_party(self, party: PartyInfo) -> PartyInfo:
        first, second = self.parties
        return second if party is first else first

    def in_force(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
