"""Reading ebMS envelopes: every reference sample parses; faults get their ebMS error codes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from adapters.soap.ebms.errors import EbmsError, ErrorCode, MimeProblem
from adapters.soap.ebms.mime import Attachment, package
from core.cpa.model import PartyId
from tests.soap.messages import SAMPLES, add_header_block, edit, sample

MESSAGE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e@localhost"


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_envelope_parses(reader, name):
    envelope = reader.parse_envelope(sample(name))

    header = envelope.header
    assert header.from_party.party_ids == (PartyId("00000000000000000000", "urn:osb:oin"),)
    assert header.to_party.party_ids == (PartyId("00000000000000000001", "urn:osb:oin"),)
    assert header.cpa_id == "cpaStubEBF.rm.http.unsigned.sync"
    assert header.conversation_id == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert header.message_data.message_id == MESSAGE_ID
    assert header.message_data.timestamp == datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert header.message_data.time_to_live == datetime(2025, 1, 1, 12, 30, tzinfo=timezone.utc)
    assert envelope.sync_reply is True
    assert envelope.signed is False


def test_user_message_fields(reader):
    envelope = reader.parse_envelope(sample("EbMSMessage.xml"))

    header = envelope.header
    assert header.from_party.role == "DIGIPOORT"
    assert header.to_party.role == "OVERHEID"
    assert header.service == "osb:afleveren:1.1$1.0"
    assert header.service_type == "urn:osb:services"
    assert header.action == "afleveren"
    assert header.duplicate_elimination is True
    assert header.is_signal is False
    assert envelope.ack_requested.signed is False
    assert envelope.ack_requested.actor == "urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"
    assert envelope.manifest == ()


def test_manifest_references(reader):
    envelope = reader.parse_envelope(sample("EbMSMessageWithAttachments.xml"))

    assert envelope.manifest == ("cid:payload-1@localhost",)


def test_status_request_and_ping(reader):
    status = reader.parse_envelope(sample("EbMSMessageStatus.xml"))
    ping = reader.parse_envelope(sample("EbMSPing.xml"))

    assert status.header.is_signal is True
    assert status.header.action == "StatusRequest"
    assert status.status_request == "11111111-2222-3333-4444-555555555555@localhost"
    assert status.header.from_party.role is None
    assert ping.header.action == "Ping"
    assert ping.status_request is None
    assert ping.ack_requested is None


def test_read_resolves_manifest_parts(reader):
    packaged = package(sample("EbMSMessageWithAttachments.xml"),
                       [Attachment("payload-1@localhost", "application/xml", b"<bericht/>")])

    message = reader.read(packaged.headers["Content-Type"], packaged.body)

    assert message.payload("cid:payload-1@localhost") == b"<bericht/>"
    assert message.envelope.header.action == "afleveren"


def test_unresolved_cid_is_mime_problem(reader):
    with pytest.raises(MimeProblem) as raised:
        reader.read("text/xml", sample("EbMSMessageWithAttachments.xml"))

    assert raised.value.code == ErrorCode.MIME_PROBLEM
    assert "cid:payload-1@localhost" in raised.value.location


def test_non_cid_reference_not_supported(reader):
    envelope = edit(sample("EbMSMessageWithAttachments.xml"),
                    {"//eb:Manifest/eb:Reference/@xlink:href": "https://example.org/payload"})

    with pytest.raises(EbmsError) as raised:
        reader.read("text/xml", envelope)

    assert raised.value.code == ErrorCode.NOT_SUPPORTED


def test_not_well_formed_is_other_xml(reader):
    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(b"<soap:Envelope")

    assert raised.value.code == ErrorCode.OTHER_XML


def test_doctype_is_other_xml(reader):
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>' + sample("EbMSPing.xml").split(b"-->", 1)[1]

    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(data)

    assert raised.value.code == ErrorCode.OTHER_XML
    assert "DOCTYPE" in raised.value.detail


def test_schema_violation_is_other_xml(reader):
    envelope = edit(sample("EbMSMessage.xml"), {"//eb:MessageData/eb:Timestamp": "yesterday"})

    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(envelope)

    assert raised.value.code == ErrorCode.OTHER_XML
    assert "Timestamp" in raised.value.location


def test_missing_message_header_is_other_xml(reader):
    envelope = edit(sample("EbMSPing.xml"), {"//eb:MessageHeader": None})

    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(envelope)

    assert raised.value.code == ErrorCode.OTHER_XML
    assert raised.value.location == "//Header/MessageHeader"


def test_other_ebms_version_not_supported(reader):
    envelope = edit(sample("EbMSPing.xml"), {"//eb:MessageHeader/@eb:version": "3.0"})

    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(envelope)

    assert raised.value.code == ErrorCode.NOT_SUPPORTED


def test_foreign_mandatory_header_not_supported(reader):
    envelope = add_header_block(sample("EbMSPing.xml"), '<x:Routing xmlns:x="urn:example" '
                                'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" soap:mustUnderstand="1"/>')

    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(envelope)

    assert raised.value.code == ErrorCode.NOT_SUPPORTED
    assert raised.value.location == "//Header/Routing"


def test_not_a_soap_envelope_is_other_xml(reader):
    with pytest.raises(EbmsError) as raised:
        reader.parse_envelope(b"<Envelope/>")

    assert raised.value.code == ErrorCode.OTHER_XML
