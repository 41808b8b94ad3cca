"""Bad input at the ebMS level, over HTTPS on loopback: each case gets its ebMS error code,
is logged with the message's ids, and the endpoint keeps serving (a Ping afterwards gets
its Pong)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import structlog
import xmlsec
from lxml import etree

from adapters.soap import signing
from adapters.soap.ebms.mime import Attachment, package, parse_mime
from adapters.soap.ebms.model import NS, SOAP_NS
from adapters.soap.sender import EbmsSender
from core.cpa.generator import GGK_SERVICE, CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.ports import CpaState
from tests.digikoppeling import files
from tests.digikoppeling.peer import PeerClient, PeerMsh, acknowledged_id, error_codes, reply_action, stuf_envelope
from tests.digikoppeling.support import (
    AANBIEDER, FAST, GEMEENTE, GEMEENTE_OIN, HUB_OIN, OPERATOR, add_parties, agree, import_istandaarden, make_pki,
    parse_cpa, start_hub,
)
from tests.soap.messages import edit

EBXML = '"ebXML"'


@pytest.fixture
def hub(tmp_path, database_url):
    pki = make_pki(tmp_path / "pki")
    hub = start_hub(tmp_path / "hub", database_url, pki)
    import_istandaarden(hub)
    add_parties(hub)
    yield hub
    hub.stop()


@pytest.fixture
def msh(hub):
    peer = PeerMsh(hub.pki, GEMEENTE, "sync").start()
    yield peer
    peer.stop()


@pytest.fixture
def gemeente(hub, msh):
    """The gemeente's software under a synchronous osb-rm CPA, so every answer comes in the response."""
    cpa = parse_cpa(agree(hub, GEMEENTE, msh.url, Profile.OSB_RM, "mshSignalsOnly"))
    msh.connect(hub.url, cpa)
    return msh.client


@pytest.fixture
def signed(hub, msh):
    return PeerClient(hub.url, hub.pki, GEMEENTE, parse_cpa(agree(hub, GEMEENTE, msh.url, Profile.OSB_RM_S,
                                                                  "mshSignalsOnly")))


def di01() -> bytes:
    return stuf_envelope("Di01", GEMEENTE, AANBIEDER, "WMO301", files.wmo301(), str(uuid.uuid4()))


def keeps_serving(client: PeerClient) -> bool:
    return reply_action(client.ping()) == "Pong"


def refused(events: list[dict], code: str) -> list[dict]:
    return [event for event in events if event.get("code") == code and event["event"].startswith("ebms_message_")]


def rewrite(client: PeerClient, changes: dict[str, str | None], payload: bytes | None = None):
    """Return (headers, body) of a GGk message from ``client`` with header XPaths changed."""
    message_id, packaged = client.packaged("ggk_Di01", payload or di01(), sign=False)
    envelope, attachments = split(packaged)
    return message_id, package(edit(envelope, changes), attachments)


def split(packaged):
    mime = parse_mime(packaged.headers["Content-Type"], packaged.body)
    return mime.envelope, mime.attachments


def test_garbage_body_is_soap_fault(hub, gemeente):
    with structlog.testing.capture_logs() as events:
        result = gemeente.sender.post(hub.url, {"Content-Type": "text/xml", "SOAPAction": EBXML}, b"\x00\xffgarbage<<")

    assert result.status == 500
    assert error_codes(result) == ["OtherXml"]
    assert refused(events, "OtherXml")
    assert keeps_serving(gemeente)


def test_wrong_soap_action_is_soap_fault(hub, gemeente):
    _, packaged = gemeente.packaged("ggk_Di01", di01())

    result = gemeente.post(packaged, {**packaged.headers, "SOAPAction": "ggk_Di01"})

    assert result.status == 500
    assert error_codes(result) == ["NotSupported"]
    assert keeps_serving(gemeente)


def test_mime_without_boundary_is_soap_fault(hub, gemeente):
    _, packaged = gemeente.packaged("ggk_Di01", di01())

    result = gemeente.post(packaged, {"Content-Type": 'multipart/related; type="text/xml"', "SOAPAction": EBXML})

    assert result.status == 500
    assert error_codes(result) == ["MimeProblem"]
    assert keeps_serving(gemeente)


def test_missing_attachment_is_mime_problem(hub, gemeente):
    message_id, packaged = gemeente.packaged("ggk_Di01", di01())
    envelope, _ = split(packaged)

    with structlog.testing.capture_logs() as events:
        result = gemeente.post(package(envelope))

    assert reply_action(result) == "MessageError"
    assert error_codes(result) == ["MimeProblem"]
    assert refused(events, "MimeProblem")[0]["ebms_message_id"] == message_id
    assert keeps_serving(gemeente)


def test_unknown_cpaid_is_value_not_recognized(hub, gemeente):
    message_id, packaged = rewrite(gemeente, {"//eb:CPAId": "no-such-cpa"})

    with structlog.testing.capture_logs() as events:
        result = gemeente.post(packaged)

    assert error_codes(result) == ["ValueNotRecognized"]
    logged = refused(events, "ValueNotRecognized")[0]
    assert logged["cpa_id"] == "no-such-cpa"
    assert logged["location"].endswith("/CPAId")
    assert keeps_serving(gemeente)


def test_cpa_past_its_end_is_inconsistent(hub, msh, gemeente):
    now = datetime.now(timezone.utc)
    cpaid = f"expired-{uuid.uuid4().hex[:8]}"
    xml = agree_expired(hub, msh, cpaid, now)
    expired = PeerClient(hub.url, hub.pki, GEMEENTE, parse_cpa(xml))

    result = expired.send("ggk_Di01", di01()).result

    assert error_codes(result) == ["Inconsistent"]
    assert keeps_serving(gemeente)


def agree_expired(hub, msh, cpaid, now):
    request = CpaRequest(cpaid, PartySpec(HUB_OIN, "GGk", hub.url, hub.pki.identities["hub"].certificate_pem.decode()),
                         PartySpec(GEMEENTE_OIN, "test 0384", msh.url,
                                   hub.pki.identities[GEMEENTE].certificate_pem.decode()),
                         Profile.OSB_RM, now - timedelta(days=2), now - timedelta(days=1), "mshSignalsOnly", FAST)
    xml = generate_cpa(request)
    hub.parts.cpas.import_cpa(OPERATOR, GEMEENTE, xml)
    # No operator approves a CPA outside its validity; the test activates it directly.
    hub.parts.cpa_repository.transition(cpaid, frozenset({CpaState.IMPORTED}), CpaState.ACTIVE, now, "test")
    return xml


def test_ended_cpa_is_unknown(hub, gemeente):
    hub.parts.cpas.end(OPERATOR, gemeente.cpa.cpaid)

    assert error_codes(gemeente.send("ggk_Di01", di01()).result) == ["ValueNotRecognized"]


@pytest.mark.parametrize("changes, location", [
    ({"//eb:From/eb:PartyId": "00000000000000009999"}, "/From/PartyId"),
    ({"//eb:From/eb:Role": "GGk"}, "/From/Role"),
    ({"//eb:To/eb:Role": "Deelnemer"}, "/To/Role"),
], ids=["other-party", "wrong-from-role", "wrong-to-role"])
def test_wrong_party_or_role_is_value_not_recognized(hub, gemeente, changes, location):
    _, packaged = rewrite(gemeente, changes)

    with structlog.testing.capture_logs() as events:
        result = gemeente.post(packaged)

    assert error_codes(result) == ["ValueNotRecognized"]
    assert refused(events, "ValueNotRecognized")[0]["location"].endswith(location)
    assert keeps_serving(gemeente)


def test_message_to_the_organisation_itself_is_refused(hub, gemeente):
    data, attachments = split(gemeente.packaged("ggk_Di01", di01(), sign=False)[1])
    envelope = etree.fromstring(data)
    sender, receiver = envelope.find(".//eb:From", NS), envelope.find(".//eb:To", NS)
    for child_from, child_to in zip(list(sender), list(receiver)):
        child_from.text, child_to.text = child_to.text, child_from.text

    result = gemeente.post(package(etree.tostring(envelope), attachments))

    assert error_codes(result) == ["ValueNotRecognized"]


def test_action_not_in_cpa_is_value_not_recognized(hub, gemeente):
    _, packaged = rewrite(gemeente, {"//eb:Action": "ggk_Xx01"})

    with structlog.testing.capture_logs() as events:
        result = gemeente.post(packaged)

    assert error_codes(result) == ["ValueNotRecognized"]
    assert refused(events, "ValueNotRecognized")[0]["location"].endswith("/Action")


def test_missing_ack_requested_is_inconsistent(hub, gemeente):
    _, packaged = rewrite(gemeente, {"//eb:AckRequested": None})

    assert error_codes(gemeente.post(packaged)) == ["Inconsistent"]


def test_message_id_too_long_is_refused(hub, gemeente):
    _, packaged = rewrite(gemeente, {"//eb:MessageData/eb:MessageId": "x" * 300 + "@peer"})

    assert error_codes(gemeente.post(packaged)) == ["ValueNotRecognized"]


def test_other_tls_identity_is_security_failure(hub, gemeente, msh):
    key, certificate = hub.pki.paths(AANBIEDER)
    impostor = EbmsSender(10.0, certificate, key, hub.pki.ca_file)
    _, packaged = gemeente.packaged("ggk_Di01", di01())

    with structlog.testing.capture_logs() as events:
        result = impostor.post(hub.url, packaged.headers, packaged.body)

    assert error_codes(result) == ["SecurityFailure"]
    assert refused(events, "SecurityFailure")
    assert keeps_serving(gemeente)


def test_unsigned_message_under_signed_cpa_is_security_failure(hub, signed):
    assert error_codes(signed.send("ggk_Di01", di01(), sign=False).result) == ["SecurityFailure"]


def test_broken_signature_is_security_failure(hub, signed, gemeente):
    _, packaged = signed.packaged("ggk_Di01", di01())
    envelope, attachments = split(packaged)
    tampered = (Attachment(attachments[0].content_id, attachments[0].content_type,
                           attachments[0].data.replace(b"WMO301", b"WMO305", 1)),)

    with structlog.testing.capture_logs() as events:
        result = signed.post(package(envelope, tampered))

    assert error_codes(result) == ["SecurityFailure"]
    assert refused(events, "SecurityFailure")
    assert keeps_serving(gemeente)


def test_sha1_signature_is_security_failure(hub, signed):
    _, packaged = signed.packaged("ggk_Di01", di01(), sign=False)
    envelope, attachments = split(packaged)

    result = signed.post(package(sign_sha1(envelope, attachments, signed.key_pem, signed.certificate_pem), attachments))

    assert error_codes(result) == ["SecurityFailure"]


def test_signed_message_is_acknowledged_with_signed_receipt(hub, signed):
    sent = signed.send("ggk_Di01", di01())

    assert acknowledged_id(sent.result) == sent.message_id
    root = etree.fromstring(split_reply(sent.result))
    assert root.find("soap:Header/ds:Signature", NS) is not None
    assert len(root.findall("soap:Header/eb:Acknowledgment/ds:Reference", NS)) == 2


@pytest.mark.parametrize("bomb", ["xxe", "entities"])
def test_doctype_in_soap_envelope_is_refused_unread(hub, gemeente, tmp_path, bomb):
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    declaration = (f'<!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret}">]>' if bomb == "xxe"
                   else '<!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                        '<!ENTITY x "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    _, packaged = gemeente.packaged("ggk_Di01", di01())
    envelope, attachments = split(packaged)
    envelope = envelope.replace(b"?>", b"?>" + declaration.encode(), 1).replace(b"<eb:Action>", b"<eb:Action>&x;", 1)

    result = gemeente.post(package(envelope, attachments))

    assert error_codes(result) == ["OtherXml"]
    assert b"geheim" not in result.body
    assert keeps_serving(gemeente)


@pytest.fixture
def small_hub(tmp_path, sqlite_url):
    hub = start_hub(tmp_path / "hub", sqlite_url, make_pki(tmp_path / "pki"), max_size=100_000)
    add_parties(hub)
    yield hub
    hub.stop()


@pytest.fixture
def small_msh(small_hub):
    peer = PeerMsh(small_hub.pki, GEMEENTE, "sync").start()
    peer.connect(small_hub.url, parse_cpa(agree(small_hub, GEMEENTE, peer.url, Profile.OSB_RM, "mshSignalsOnly")))
    yield peer
    peer.stop()


def test_body_above_limit_is_delivery_failure(small_hub, small_msh):
    big = stuf_envelope("Di01", GEMEENTE, AANBIEDER, "WMO301", b"<x>" + b"a" * 300_000 + b"</x>", str(uuid.uuid4()))

    with structlog.testing.capture_logs() as events:
        result = small_msh.client.send("ggk_Di01", big).result

    assert reply_action(result) == "MessageError"
    assert error_codes(result) == ["DeliveryFailure"]
    assert [event for event in events if event["event"] == "ebms_message_too_large"]
    assert keeps_serving(small_msh.client)


def split_reply(result) -> bytes:
    return parse_mime(result.content_type, result.body).envelope


def sign_sha1(envelope: bytes, attachments, key_pem: bytes, certificate_pem: bytes) -> bytes:
    """Sign like the hub does, but with RSA-SHA1 and SHA-1 digests, which the hub must refuse."""
    document = etree.fromstring(envelope)
    signature = xmlsec.template.create(document, xmlsec.Transform.C14N, xmlsec.Transform.RSA_SHA1, ns="ds")
    document.find(f"{{{SOAP_NS}}}Header").append(signature)
    reference = xmlsec.template.add_reference(signature, xmlsec.Transform.SHA1, uri="")
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    for attachment in attachments:
        xmlsec.template.add_reference(signature, xmlsec.Transform.SHA1, uri=f"cid:{attachment.content_id}")
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    context = xmlsec.SignatureContext()
    key = xmlsec.Key.from_memory(key_pem, xmlsec.KeyFormat.PEM)
    key.load_cert_from_memory(certificate_pem, xmlsec.KeyFormat.CERT_PEM)
    context.key = key
    # The hub's cid: resolver serves the attachments to xmlsec while the block runs.
    with signing._serving(attachments):
        context.sign(signature)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


def test_service_is_checked(hub, gemeente):
    _, packaged = rewrite(gemeente, {"//eb:Service": GGK_SERVICE + ":other"})

    assert error_codes(gemeente.post(packaged)) == ["ValueNotRecognized"]


MUST_UNDERSTAND = ('<eb:MessageOrder xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd" '
                   'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" eb:version="2.0" soap:mustUnderstand="1">'
                   '<eb:SequenceNumber>1</eb:SequenceNumber></eb:MessageOrder>')


@pytest.mark.parametrize("changes, code, location", [
    ({"//eb:MessageHeader/@eb:version": "3.0"}, "NotSupported", "/@version"),
    ({"//eb:MessageData/eb:TimeToLive": "2020-01-01T00:00:00.000Z"}, "TimeToLiveExpired", "/TimeToLive"),
    ({"//eb:SyncReply": None}, "Inconsistent", "//Header/SyncReply"),
    ({"//eb:MessageHeader/eb:DuplicateElimination": None}, "Inconsistent", "/DuplicateElimination"),
    ({"//eb:AckRequested/@eb:signed": "true"}, "Inconsistent", "/@signed"),
], ids=["version", "time-to-live", "sync-reply", "duplicate-elimination", "signed-ack"])
def test_header_against_cpa_gets_its_code(hub, gemeente, changes, code, location):
    message_id, packaged = rewrite(gemeente, changes)

    with structlog.testing.capture_logs() as events:
        result = gemeente.post(packaged)

    assert error_codes(result) == [code]
    logged = refused(events, code)[0]
    assert logged["ebms_message_id"] == message_id
    assert logged["location"].endswith(location)
    assert keeps_serving(gemeente)


def test_unknown_must_understand_header_is_not_supported(hub, gemeente):
    _, packaged = gemeente.packaged("ggk_Di01", di01(), sign=False)
    envelope, attachments = split(packaged)
    root = etree.fromstring(envelope)
    root.find("soap:Header", NS).append(etree.fromstring(MUST_UNDERSTAND))

    result = gemeente.post(package(etree.tostring(root), attachments))

    assert error_codes(result) == ["NotSupported"]


def test_manifest_reference_outside_mime_is_not_supported(hub, gemeente):
    _, packaged = rewrite(gemeente, {"//eb:Manifest/eb:Reference/@xlink:href": "https://example.org/payload"})

    assert error_codes(gemeente.post(packaged)) == ["NotSupported"]
