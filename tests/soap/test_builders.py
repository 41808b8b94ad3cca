"""Built signals and outgoing messages validate, address the right party and pass the CPA check."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from adapters.soap.ebms import builders
from adapters.soap.ebms.builders import Stamp
from adapters.soap.ebms.cpacheck import check_message
from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.mime import Attachment, package
from core.cpa.generator import GGK_SERVICE, CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.parser import CpaParser
from tests.cpa.certificates import TestCa
from tests.cpa.reference import schema_folder
from tests.soap.messages import sample

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)
STAMP = Stamp("reply-1@hub.example", NOW)
RECEIVED_ID = "0f8fad5b-d9cb-469f-a165-70867728950e@localhost"
HUB_OIN = "00000001234567890000"
ORG_OIN = "00000001111111111000"


@pytest.fixture(scope="module")
def received(reader):
    return reader.parse_envelope(sample("EbMSMessage.xml")).header


def assert_reply(envelope, action):
    header = envelope.header
    assert header.action == action
    assert header.service == "urn:oasis:names:tc:ebxml-msg:service"
    assert header.from_party.party_ids[0].value == "00000000000000000001"
    assert header.to_party.party_ids[0].value == "00000000000000000000"
    assert header.cpa_id == "cpaStubEBF.rm.http.unsigned.sync"
    assert header.conversation_id == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert header.message_data.message_id == "reply-1@hub.example"
    assert header.message_data.ref_to_message_id == RECEIVED_ID
    assert header.duplicate_elimination is False


def test_acknowledgment(reader, received):
    envelope = reader.parse_envelope(builders.acknowledgment(received, STAMP))

    assert_reply(envelope, "Acknowledgment")
    assert envelope.acknowledgment.ref_to_message_id == RECEIVED_ID
    assert envelope.acknowledgment.timestamp == NOW


def test_message_error_lists_codes(reader, received):
    errors = [EbmsError(ErrorCode.TIME_TO_LIVE_EXPIRED, "TimeToLive passed", location="//Header/MessageHeader"),
              EbmsError(ErrorCode.INCONSISTENT, "SyncReply missing")]

    envelope = reader.parse_envelope(builders.message_error(received, errors, STAMP))

    assert_reply(envelope, "MessageError")
    assert [error.code for error in envelope.errors] == ["TimeToLiveExpired", "Inconsistent"]
    assert envelope.errors[0].location == "//Header/MessageHeader"
    assert envelope.errors[1].location is None
    assert envelope.errors[0].severity == "Error"
    assert envelope.errors[1].description == "SyncReply missing"


def test_message_error_needs_errors(received):
    with pytest.raises(ValueError):
        builders.message_error(received, [], STAMP)


def test_status_response(reader, received):
    envelope = reader.parse_envelope(builders.status_response(received, "asked@x", "Received", STAMP, NOW))

    assert_reply(envelope, "StatusResponse")
    assert envelope.status_response.message_status == "Received"
    assert envelope.status_response.ref_to_message_id == "asked@x"
    with pytest.raises(ValueError):
        builders.status_response(received, "asked@x", "Lost", STAMP)


def test_pong(reader, received):
    envelope = reader.parse_envelope(builders.pong(received, STAMP))

    assert_reply(envelope, "Pong")


def test_new_message_id_is_unique():
    first, second = builders.new_message_id("hub.example"), builders.new_message_id("hub.example")

    assert first != second
    assert first.endswith("@hub.example")


@pytest.fixture(scope="module")
def generated_cpas():
    ca = TestCa()
    hub, organisation = ca.issue("hub", HUB_OIN), ca.issue("gemeente", ORG_OIN)
    parser = CpaParser(schema_folder())
    return {
        profile: parser.parse(generate_cpa(CpaRequest(
            f"cpa-{profile.value}", PartySpec(HUB_OIN, "GGk", "https://hub.example.nl/ebms", hub.certificate_pem.decode()),
            PartySpec(ORG_OIN, "Gemeente", "https://gemeente.example.nl/ebms", organisation.certificate_pem.decode()),
            profile, NOW - timedelta(days=1), NOW + timedelta(days=365),
        )))
        for profile in Profile
    }


@pytest.mark.parametrize("profile", [Profile.OSB_BE, Profile.OSB_RM], ids=lambda profile: profile.value)
@pytest.mark.parametrize("action", ["ggk_Di01", "ggk_Du01", "Fo01"])
def test_outgoing_message_passes_cpa_check(reader, generated_cpas, profile, action):
    cpa = generated_cpas[profile]
    payload = Attachment("payload-1@hub.example", "application/xml", b"<ggk_Di01/>")

    message = builders.outgoing_for_cpa(cpa, HUB_OIN, GGK_SERVICE, action, (payload,), STAMP,
                                        time_to_live=timedelta(hours=1))
    packaged = package(builders.user_message(message), message.payloads)
    received = reader.read(packaged.headers["Content-Type"], packaged.body)
    match = check_message(received.envelope, cpa, NOW)

    assert packaged.headers["SOAPAction"] == '"ebXML"'
    assert received.envelope.header.from_party.role == "GGk"
    assert received.envelope.header.to_party.role == "Deelnemer"
    assert (received.envelope.ack_requested is not None) == profile.reliable
    assert received.envelope.header.duplicate_elimination == profile.reliable
    assert received.envelope.sync_reply is False
    assert received.payload("cid:payload-1@hub.example") == b"<ggk_Di01/>"
    assert match.receiver.oins() == (ORG_OIN,)


def test_outgoing_signed_profile_requests_signed_ack(generated_cpas):
    message = builders.outgoing_for_cpa(generated_cpas[Profile.OSB_RM_S], ORG_OIN, GGK_SERVICE, "ggk_Di01", (), STAMP)

    assert message.ack_requested is True
    assert message.ack_signed is True
    assert message.from_party.role == "Deelnemer"


def test_outgoing_unknown_action_rejected(generated_cpas):
    with pytest.raises(EbmsError) as raised:
        builders.outgoing_for_cpa(generated_cpas[Profile.OSB_BE], HUB_OIN, GGK_SERVICE, "ggk_Lv01", (), STAMP)

    assert raised.value.code == ErrorCode.VALUE_NOT_RECOGNIZED
