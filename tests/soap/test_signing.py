"""XML-DSig on ebMS envelopes: round trips, interoperability with the xmlsec1 tool, and refusals.

Keys and certificates come from a throwaway test CA made with ``cryptography`` in a tmp
folder. The xmlsec1 command-line tool (Debian package ``xmlsec1``) signs and verifies
independently of the hub's code.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.etree
import pytest
import xmlsec

from adapters.soap import signing
from adapters.soap.ebms import builders
from adapters.soap.ebms.cpacheck import check_message
from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.mime import Attachment, package
from core.cpa.generator import GGK_SERVICE, CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.parser import CpaParser
from tests.cpa.certificates import TestCa
from tests.cpa.reference import schema_folder
from tests.soap.messages import edit, restamp, sample

CONTENT_ID = "payload-1@localhost"
PAYLOAD = b"<bericht>\r\n\xc3\xa9 binary \x00\xff</bericht>"
ATTACHMENTS = (Attachment(CONTENT_ID, "application/xml", PAYLOAD),)
SHA256_TEMPLATE = ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmlenc#sha256")
SHA1_TEMPLATE = ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1")
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)


def xmlsec1() -> str:
    path = shutil.which("xmlsec1")
    if path is None:
        pytest.skip("the xmlsec1 command-line tool is not installed (Debian package xmlsec1)")
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    ca = TestCa()
    (folder / "ca.pem").write_bytes(ca.certificate_pem)
    hub = ca.issue("ggk hub", "00000001234567890000")
    other = ca.issue("gemeente", "00000001111111111000")
    hub.write(folder, "hub")
    other.write(folder, "other")
    return folder, hub, other


def run_xmlsec1(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([xmlsec1(), *arguments], capture_output=True, text=True, timeout=60)


def template(signature_method: str, digest_method: str) -> bytes:
    """Return the attachments sample with an empty ebMS signature for ``xmlsec1 --sign`` to fill in."""
    signature = f"""<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
<ds:SignatureMethod Algorithm="{signature_method}"/>
<ds:Reference URI=""><ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/">{signing.EBMS_XPATH}</ds:XPath></ds:Transform>
<ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
</ds:Transforms><ds:DigestMethod Algorithm="{digest_method}"/><ds:DigestValue/></ds:Reference>
<ds:Reference URI="cid:{CONTENT_ID}"><ds:DigestMethod Algorithm="{digest_method}"/><ds:DigestValue/></ds:Reference>
</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"""
    return sample("EbMSMessageWithAttachments.xml").replace(b"</soap:Header>", signature.encode() + b"</soap:Header>")


def sign_with_xmlsec1(folder: Path, signature_method: str, digest_method: str) -> bytes:
    (folder / "template.xml").write_bytes(template(signature_method, digest_method))
    (folder / "payload.bin").write_bytes(PAYLOAD)
    result = run_xmlsec1("--sign", "--privkey-pem", f"{folder / 'hub.key.pem'},{folder / 'hub.cert.pem'}",
                         f"--url-map:cid:{CONTENT_ID}", str(folder / "payload.bin"),
                         "--output", str(folder / "signed-by-xmlsec1.xml"), str(folder / "template.xml"))
    assert result.returncode == 0, result.stderr
    return (folder / "signed-by-xmlsec1.xml").read_bytes()


def verify_with_xmlsec1(folder: Path, envelope: bytes, payload: bytes) -> subprocess.CompletedProcess:
    (folder / "to-verify.xml").write_bytes(envelope)
    (folder / "payload-to-verify.bin").write_bytes(payload)
    return run_xmlsec1("--verify", "--pubkey-cert-pem", str(folder / "hub.cert.pem"),
                       "--trusted-pem", str(folder / "ca.pem"),
                       f"--url-map:cid:{CONTENT_ID}", str(folder / "payload-to-verify.bin"),
                       str(folder / "to-verify.xml"))


def test_xmlsec_and_lxml_share_libxml2():
    assert xmlsec.get_libxml_version() == lxml.etree.LIBXML_VERSION


def test_hub_signature_round_trips(keys):
    _, hub, _ = keys

    signed = signing.sign_envelope(sample("EbMSMessageWithAttachments.xml"), ATTACHMENTS, hub.key_pem, hub.certificate_pem)
    verified = signing.verify_envelope(signed, ATTACHMENTS, hub.certificate_pem)

    assert verified.signature_method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert verified.reference_uris == ("", f"cid:{CONTENT_ID}")
    assert [reference.get("URI") for reference in verified.references] == ["", f"cid:{CONTENT_ID}"]


def test_hub_signature_verifies_with_xmlsec1(keys):
    folder, hub, _ = keys
    signed = signing.sign_envelope(sample("EbMSMessageWithAttachments.xml"), ATTACHMENTS, hub.key_pem, hub.certificate_pem)

    result = verify_with_xmlsec1(folder, signed, PAYLOAD)

    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout + result.stderr
    assert "SignedInfo References (ok/all): 2/2" in result.stdout + result.stderr


def test_xmlsec1_rejects_tampered_hub_signature(keys):
    folder, hub, _ = keys
    signed = signing.sign_envelope(sample("EbMSMessageWithAttachments.xml"), ATTACHMENTS, hub.key_pem, hub.certificate_pem)

    tampered_payload = verify_with_xmlsec1(folder, signed, PAYLOAD + b" ")
    tampered_envelope = verify_with_xmlsec1(folder, signed.replace(b">afleveren<", b">aanleveren<"), PAYLOAD)

    assert tampered_payload.returncode != 0
    assert tampered_envelope.returncode != 0


def test_xmlsec1_signature_verifies_in_hub(keys):
    folder, hub, _ = keys
    signed = sign_with_xmlsec1(folder, *SHA256_TEMPLATE)

    verified = signing.verify_envelope(signed, ATTACHMENTS, hub.certificate_pem)

    assert verified.reference_uris == ("", f"cid:{CONTENT_ID}")


def test_tampered_message_fails_in_hub(keys):
    folder, hub, _ = keys
    signed = sign_with_xmlsec1(folder, *SHA256_TEMPLATE)

    with pytest.raises(EbmsError) as envelope_changed:
        signing.verify_envelope(signed.replace(b">afleveren<", b">aanleveren<"), ATTACHMENTS, hub.certificate_pem)
    with pytest.raises(EbmsError) as payload_changed:
        signing.verify_envelope(signed, (Attachment(CONTENT_ID, "application/xml", PAYLOAD + b" "),), hub.certificate_pem)

    assert envelope_changed.value.code == ErrorCode.SECURITY_FAILURE
    assert payload_changed.value.code == ErrorCode.SECURITY_FAILURE


def test_sha1_signature_refused(keys):
    folder, hub, _ = keys
    signed = sign_with_xmlsec1(folder, *SHA1_TEMPLATE)
    assert verify_with_xmlsec1(folder, signed, PAYLOAD).returncode == 0

    with pytest.raises(EbmsError) as raised:
        signing.verify_envelope(signed, ATTACHMENTS, hub.certificate_pem)

    assert raised.value.code == ErrorCode.SECURITY_FAILURE
    assert "SHA-1" in raised.value.detail


def test_sha1_digest_refused(keys):
    folder, hub, _ = keys
    signed = sign_with_xmlsec1(folder, SHA256_TEMPLATE[0], SHA1_TEMPLATE[1])

    with pytest.raises(EbmsError) as raised:
        signing.verify_envelope(signed, ATTACHMENTS, hub.certificate_pem)

    assert raised.value.code == ErrorCode.SECURITY_FAILURE
    assert "digest" in raised.value.detail


def test_next_msh_blocks_are_outside_signature(keys):
    _, hub, _ = keys
    signed = signing.sign_envelope(sample("EbMSMessageWithAttachments.xml"), ATTACHMENTS, hub.key_pem, hub.certificate_pem)
    sync_reply_changed = signed.replace(b'<eb:SyncReply eb:version="2.0"', b'<eb:SyncReply eb:id="hop-2" eb:version="2.0"')
    ack_changed = signed.replace(b'eb:signed="false"', b'eb:signed="true"')
    assert sync_reply_changed != signed
    assert ack_changed != signed

    assert signing.verify_envelope(sync_reply_changed, ATTACHMENTS, hub.certificate_pem)
    with pytest.raises(EbmsError):
        signing.verify_envelope(ack_changed, ATTACHMENTS, hub.certificate_pem)


def test_other_certificate_fails(keys):
    _, hub, other = keys
    signed = signing.sign_envelope(sample("EbMSMessageWithAttachments.xml"), ATTACHMENTS, hub.key_pem, hub.certificate_pem)

    with pytest.raises(EbmsError) as raised:
        signing.verify_envelope(signed, ATTACHMENTS, other.certificate_pem)

    assert raised.value.code == ErrorCode.SECURITY_FAILURE


def test_unsigned_attachment_refused(keys):
    _, hub, _ = keys
    signed = signing.sign_envelope(sample("EbMSMessage.xml"), (), hub.key_pem, hub.certificate_pem)
    assert signing.verify_envelope(signed, (), hub.certificate_pem)

    with pytest.raises(EbmsError) as raised:
        signing.verify_envelope(signed, ATTACHMENTS, hub.certificate_pem)

    assert raised.value.code == ErrorCode.SECURITY_FAILURE
    assert CONTENT_ID in raised.value.detail


def test_reference_outside_message_refused(keys):
    _, hub, _ = keys
    signed = signing.sign_envelope(sample("EbMSMessageWithAttachments.xml"), ATTACHMENTS, hub.key_pem, hub.certificate_pem)
    pointing_out = signed.replace(f'URI="cid:{CONTENT_ID}"'.encode(), b'URI="file:///etc/hostname"')

    with pytest.raises(EbmsError) as raised:
        signing.verify_envelope(pointing_out, (), hub.certificate_pem)

    assert raised.value.code == ErrorCode.SECURITY_FAILURE


def test_missing_signature_refused(keys):
    _, hub, _ = keys

    with pytest.raises(EbmsError) as raised:
        signing.verify_envelope(sample("EbMSMessage.xml"), (), hub.certificate_pem)

    assert raised.value.code == ErrorCode.SECURITY_FAILURE


def test_signed_profile_end_to_end(reader, keys):
    _, hub, organisation = keys
    cpa = CpaParser(schema_folder()).parse(generate_cpa(CpaRequest(
        "cpa-signed", PartySpec("00000001234567890000", "GGk", "https://hub.example.nl/ebms", hub.certificate_pem.decode()),
        PartySpec("00000001111111111000", "Gemeente", "https://g.example.nl/ebms", organisation.certificate_pem.decode()),
        Profile.OSB_RM_S, NOW - timedelta(days=1), NOW + timedelta(days=30),
    )))
    payload = Attachment("di01@gemeente.example.nl", "application/xml", b"<ggk_Di01/>")
    message = builders.outgoing_for_cpa(cpa, "00000001111111111000", GGK_SERVICE, "ggk_Di01", (payload,),
                                        builders.Stamp("m1@gemeente.example.nl", NOW), time_to_live=timedelta(hours=1))
    signed = signing.sign_envelope(builders.user_message(message), message.payloads, organisation.key_pem,
                                   organisation.certificate_pem)
    packaged = package(signed, message.payloads)

    received = reader.read(packaged.headers["Content-Type"], packaged.body)
    match = check_message(received.envelope, cpa, NOW)
    verified = signing.verify_envelope(received.mime.envelope, received.mime.attachments, match.signing_certificate)

    assert match.signature_required is True
    assert received.envelope.signed is True
    assert received.envelope.ack_requested.signed is True
    assert verified.reference_uris == ("", "cid:di01@gemeente.example.nl")
    acknowledgment = builders.acknowledgment(received.envelope.header, builders.Stamp("a1@hub", NOW),
                                             references=verified.references)
    signed_ack = signing.sign_envelope(acknowledgment, (), hub.key_pem, hub.certificate_pem)
    assert reader.parse_envelope(signed_ack).acknowledgment.ref_to_message_id == "m1@gemeente.example.nl"


def test_restamped_sample_signed_passes_reader(reader, keys):
    _, hub, _ = keys
    envelope = restamp(sample("EbMSMessageWithAttachments.xml"), NOW)

    signed = signing.sign_envelope(envelope, ATTACHMENTS, hub.key_pem, hub.certificate_pem)

    assert reader.parse_envelope(signed).signed is True
    assert edit(signed, {"//ds:Signature": None}) != signed
