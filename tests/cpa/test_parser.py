"""Every reference CPA parses, and the model shows what each file declares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509

from core.cpa.checks import WarningKind, is_outdated, warnings
from core.cpa.errors import CpaInvalid
from core.cpa.model import Cpa, PartyId
from core.cpa.parser import CpaParser
from core.cpa.schema import SchemaFolder, SchemaUnavailable
from tests.cpa.reference import cpa_path, parse_reference_cpa, schema_folder

RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"


@dataclass(frozen=True)
class Declared:
    """What one reference CPA file declares, written down by reading the file."""

    cpaid: str
    party_ids: tuple[PartyId, PartyId]
    roles: tuple[str, str]
    sync_reply_modes: set[str]
    ack_by_channel: dict[str, tuple[str, str]]  # channel suffix -> (ackRequested, duplicateElimination)
    reliable: tuple[int, str, str, str] | None  # Retries, RetryInterval, MessageOrderSemantics, PersistDuration
    signature: tuple[str, str] | None  # SignatureAlgorithm, HashFunction
    tls: tuple[str, str] | None  # TransportSecurityProtocol, version
    endpoints: tuple[str, str]


CV_IDS = (PartyId("00000000000000000000", "urn:cv:oin"), PartyId("00000000000000000001", "urn:cv:oin"))
OSB_IDS = (PartyId("00000000000000000000", "urn:osb:oin"), PartyId("00000000000000000001", "urn:osb:oin"))
CV_ACKS = {
    "BE_Channel": ("never", "never"), "BE_Signed_Channel": ("never", "never"),
    "BE_Encrypted_Channel": ("never", "never"), "RM_Channel": ("always", "always"),
    "RM_Signed_Channel": ("always", "always"), "RM_Encrypted_Channel": ("always", "always"),
}
STUB_ACKS = {"ProfileBestEffortSigned": ("never", "never"), "ProfileReliableMessaging": ("always", "always")}
RELIABLE = (5, "PT5M", "NotGuaranteed", "PT30M")

DECLARED = {
    "cpa-cv-http.xml": Declared(
        "CPAID_EchoService-1-0", CV_IDS, ("ComplianceVoorziening", "Consumer"), {"none"}, CV_ACKS, RELIABLE,
        (RSA_SHA1, SHA1), None, ("http://localhost:8888/ebms", "http://localhost:8088/ebms")),
    "cpa-cv-https.xml": Declared(
        "CPAID_EchoService-1-0", CV_IDS, ("ComplianceVoorziening", "Consumer"), {"none"}, CV_ACKS, RELIABLE,
        (RSA_SHA1, SHA1), ("SSL", "3.0"), ("https://localhost:8888/ebms", "https://localhost:8088/ebms")),
    "cpaStubEBF.be.https.signed.xml": Declared(
        "cpaStubEBF.be.https.signed", OSB_IDS, ("DIGIPOORT", "OVERHEID"), {"none"},
        {"ProfileBestEffortSigned": ("never", "never")}, None,
        (RSA_SHA1, SHA1), ("SSL", "3.0"), ("https://localhost:8888/ebms", "https://localhost:8088/ebms")),
    "cpaStubEBF.rm.http.unsigned.sync.xml": Declared(
        "cpaStubEBF.rm.http.unsigned.sync", OSB_IDS, ("DIGIPOORT", "OVERHEID"), {"signalsAndResponse"},
        STUB_ACKS, RELIABLE, None, None, ("http://localhost:8888/ebms", "http://localhost:8088/ebms")),
    "cpaStubEBF.rm.http.unsigned.xml": Declared(
        "cpaStubEBF.rm.http.unsigned", OSB_IDS, ("DIGIPOORT", "OVERHEID"), {"none"},
        STUB_ACKS, RELIABLE, None, None, ("http://localhost:8888/ebms", "http://localhost:8088/ebms")),
    "cpaStubEBF.rm.https.signed.xml": Declared(
        "cpaStubEBF.rm.https.signed", OSB_IDS, ("DIGIPOORT", "OVERHEID"), {"none"},
        {"ProfileBestEffortSigned": ("never", "never"), "ProfileReliableMessagingSigned": ("always", "always")},
        RELIABLE, (RSA_SHA1, SHA1), ("SSL", "3.0"),
        ("https://localhost:8888/ebms", "https://localhost:8088/ebms")),
}


def test_every_reference_cpa_is_listed():
    on_disk = {path.name for path in cpa_path("x").parent.glob("*.xml")}

    assert on_disk == set(DECLARED)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_reference_cpa_read_as_declared(name):
    declared = DECLARED[name]

    cpa = parse_reference_cpa(name)

    assert cpa.cpaid == declared.cpaid
    assert cpa.status == "agreed"
    assert tuple(party.party_ids[0] for party in cpa.parties) == declared.party_ids
    assert tuple(party.role_names() for party in cpa.parties) == tuple((role,) for role in declared.roles)
    assert tuple(party.endpoints() for party in cpa.parties) == tuple((uri,) for uri in declared.endpoints)
    for party in cpa.parties:
        _assert_channels(party, declared)
        _assert_exchanges(party, declared)
        _assert_transport(party, declared)
        _assert_certificates(party, declared)


def _assert_channels(party, declared: Declared) -> None:
    modes = {channel.characteristics.sync_reply_mode for channel in party.delivery_channels}
    assert modes == declared.sync_reply_modes
    acks = {
        suffix: (channel.characteristics.ack_requested, channel.characteristics.duplicate_elimination)
        for channel in party.delivery_channels
        for suffix in declared.ack_by_channel if channel.id.endswith("_" + suffix)
    }
    assert acks == declared.ack_by_channel
    assert {channel.characteristics.ack_signature_requested for channel in party.delivery_channels} == {"never"}


def _assert_exchanges(party, declared: Declared) -> None:
    bindings = [b for exchange in party.doc_exchanges for b in (exchange.sender_binding, exchange.receiver_binding)]
    reliable = {
        (b.reliable_messaging.retries, b.reliable_messaging.retry_interval_text,
         b.reliable_messaging.message_order_semantics, b.persist_duration_text)
        for b in bindings if b.reliable_messaging
    }
    assert reliable == ({declared.reliable} if declared.reliable else set())
    if declared.reliable:
        interval = next(b.reliable_messaging.retry_interval for b in bindings if b.reliable_messaging)
        assert interval == timedelta(minutes=5)
    signatures = {
        (b.non_repudiation.signature_algorithms, b.non_repudiation.hash_function)
        for b in bindings if b.non_repudiation
    }
    expected = {((declared.signature[0],), declared.signature[1])} if declared.signature else set()
    assert signatures == expected


def _assert_transport(party, declared: Declared) -> None:
    securities = {
        (security.protocol, security.version)
        for transport in party.transports
        for security in (transport.client_security, transport.server_security) if security
    }
    assert securities == ({declared.tls} if declared.tls else set())


def _assert_certificates(party, declared: Declared) -> None:
    certificates = party.certificates
    if not declared.signature and not declared.tls:
        assert certificates == ()
        return
    assert certificates
    for certificate in certificates:
        assert certificate.rsa_exponent == "AQAB"
        assert certificate.subject_names == ("CN=localhost, OU=Rules Matter, O=Ordina, L=Groningen, ST=Groningen, C=NL",)
        loaded = x509.load_der_x509_certificate(certificate.x509_certificates[0])
        assert loaded.subject.rfc4514_string() == "CN=localhost,OU=Rules Matter,O=Ordina,L=Groningen,ST=Groningen,C=NL"


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_reference_cpa_warnings_match_declarations(name):
    declared = DECLARED[name]

    kinds = {warning.kind for warning in warnings(parse_reference_cpa(name))}

    assert (WarningKind.SHA1_SIGNATURE in kinds) == bool(declared.signature)
    assert (WarningKind.SHA1_DIGEST in kinds) == bool(declared.signature)
    assert (WarningKind.OUTDATED_TLS in kinds) == bool(declared.tls)
    assert (WarningKind.NO_TLS in kinds) == declared.endpoints[0].startswith("http://")


def test_cpa_in_force_between_start_and_end():
    cpa = parse_reference_cpa("cpaStubEBF.rm.http.unsigned.xml")

    assert cpa.start == datetime(2011, 1, 1, tzinfo=timezone.utc)
    assert cpa.end == datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert cpa.in_force(datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert not cpa.in_force(datetime(2031, 1, 1, tzinfo=timezone.utc))
    assert not cpa.in_force(datetime(2010, 12, 31, tzinfo=timezone.utc))


def test_ssl_and_old_tls_are_outdated():
    from core.cpa.model import TransportSecurity

    assert is_outdated(TransportSecurity("SSL", "3.0"))
    assert is_outdated(TransportSecurity("TLS", "1.1"))
    assert not is_outdated(TransportSecurity("TLS", "1.2"))
    assert not is_outdated(TransportSecurity("TLS", "1.3"))


def test_doctype_is_rejected():
    data = cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes()
    with_doctype = data.replace(b"<tns:CollaborationProtocolAgreement", b"<!DOCTYPE x [<!ENTITY e 'x'>]>\n<tns:CollaborationProtocolAgreement", 1)

    with pytest.raises(CpaInvalid) as raised:
        CpaParser(schema_folder()).parse(with_doctype)

    assert raised.value.code == "CPA001"
    assert "DOCTYPE" in raised.value.detail


def test_schema_violation_is_rejected_with_line():
    data = cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes()
    broken = data.replace(b'tns:ackRequested="always"', b'tns:ackRequested="sometimes"', 1)

    with pytest.raises(CpaInvalid) as raised:
        CpaParser(schema_folder()).parse(broken)

    assert raised.value.code == "CPA001"
    assert raised.value.line is not None
    assert "ackRequested" in raised.value.detail


def test_not_well_formed_is_rejected():
    with pytest.raises(CpaInvalid) as raised:
        CpaParser(schema_folder()).parse(b"<tns:CollaborationProtocolAgreement")

    assert raised.value.code == "CPA001"


def test_missing_schema_file_is_named(tmp_path):
    parser = CpaParser(SchemaFolder(tmp_path))

    with pytest.raises(SchemaUnavailable) as raised:
        parser.parse(cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes())

    assert "cpp-cpa-2_0.xsd" in raised.value.detail
    assert str(tmp_path) in raised.value.detail


def test_cpa_model_is_a_value():
    first = parse_reference_cpa("cpaStubEBF.rm.http.unsigned.xml")
    second = parse_reference_cpa("cpaStubEBF.rm.http.unsigned.xml")

    assert isinstance(first, Cpa)
    assert first == second
