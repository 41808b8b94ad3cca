"""A received header against its CPA: one test per check, each asserting the ebMS error code."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from adapters.soap.ebms.cpacheck import check_message
from adapters.soap.ebms.errors import EbmsError, ErrorCode
from tests.cpa.reference import parse_reference_cpa
from tests.soap.messages import ACK_REQUESTED, SAMPLES, add_header_block, edit, restamp, sample, with_characteristics

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)


def fresh(name: str = "EbMSMessage.xml", **changes) -> bytes:
    return edit(restamp(sample(name), NOW), changes) if changes else restamp(sample(name), NOW)


def error_of(reader, envelope: bytes, cpa, now: datetime = NOW) -> EbmsError:
    with pytest.raises(EbmsError) as raised:
        check_message(reader.parse_envelope(envelope), cpa, now)
    return raised.value


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_as_is_has_expired(reader, sync_cpa, name):
    error = error_of(reader, sample(name), sync_cpa)

    assert error.code == ErrorCode.TIME_TO_LIVE_EXPIRED
    assert error.location.endswith("/MessageData/TimeToLive")


@pytest.mark.parametrize("name", SAMPLES)
def test_restamped_sample_passes(reader, sync_cpa, name):
    envelope = reader.parse_envelope(fresh(name))

    match = check_message(envelope, sync_cpa, NOW)

    assert match.sender.name == "Logius"
    assert match.receiver.name == "Overheid"
    assert match.signature_required is False


def test_user_message_uses_action_channels(reader, sync_cpa):
    match = check_message(reader.parse_envelope(fresh()), sync_cpa, NOW)

    assert match.sending_binding.id == "DIGIPOORT_S_Afleveren"
    assert match.receiving_binding.id == "OVERHEID_R_Afleveren"
    assert match.receiving_channel.id == "OVERHEID_defaultDeliveryChannel_ProfileReliableMessaging"
    assert match.sender_exchange.sender_binding.reliable_messaging.retries == 5


def test_ping_uses_default_msh_channel(reader, sync_cpa):
    match = check_message(reader.parse_envelope(fresh("EbMSPing.xml")), sync_cpa, NOW)

    assert match.sending_binding is None
    assert match.receiving_channel.id == "OVERHEID_defaultDeliveryChannel_ProfileBestEffortSigned"


def test_unknown_cpaid(reader, sync_cpa):
    assert error_of(reader, fresh(), None).code == ErrorCode.VALUE_NOT_RECOGNIZED
    other = parse_reference_cpa("cpaStubEBF.rm.http.unsigned.xml")
    error = error_of(reader, fresh(), other)
    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/CPAId")


def test_cpa_not_agreed(reader, sync_cpa):
    error = error_of(reader, fresh(), dataclasses.replace(sync_cpa, status="proposed"))

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location.endswith("/CPAId")


def test_cpa_outside_validity(reader, sync_cpa):
    later = datetime(2031, 3, 1, tzinfo=timezone.utc)

    error = error_of(reader, restamp(sample("EbMSMessage.xml"), later), sync_cpa, now=later)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location.endswith("/CPAId")


def test_time_to_live_passed(reader, sync_cpa):
    envelope = restamp(sample("EbMSMessage.xml"), NOW - timedelta(hours=2), time_to_live=timedelta(hours=1))

    assert error_of(reader, envelope, sync_cpa).code == ErrorCode.TIME_TO_LIVE_EXPIRED


def test_from_party_unknown(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:From/eb:PartyId": "00000000000000000099"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/From/PartyId")


def test_from_party_type_differs(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:From/eb:PartyId/@eb:type": "urn:cv:oin"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/From/PartyId")


def test_to_party_unknown(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:To/eb:PartyId": "00000000000000000099"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/To/PartyId")


def test_to_party_same_as_from(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:To/eb:PartyId": "00000000000000000000"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/To/PartyId")


def test_from_role_unknown(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:From/eb:Role": "OVERHEID"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/From/Role")


def test_to_role_unknown(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:To/eb:Role": "GEMEENTE"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/To/Role")


def test_service_unknown(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:MessageHeader/eb:Service": "osb:onbekend:1.0"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/Service")


def test_service_type_differs(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:MessageHeader/eb:Service/@eb:type": "urn:other:services"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/Service")


def test_action_not_sendable_by_sender(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:MessageHeader/eb:Action": "bevestigAfleveren"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/Action")


def test_signal_action_unknown(reader, sync_cpa):
    error = error_of(reader, fresh("EbMSPing.xml", **{"//eb:MessageHeader/eb:Action": "Echo"}), sync_cpa)

    assert error.code == ErrorCode.VALUE_NOT_RECOGNIZED
    assert error.location.endswith("/Action")


def test_ack_requested_missing(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//soap:Header/eb:AckRequested": None}), sync_cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location == "//Header/AckRequested"


def test_ack_requested_not_agreed(reader, sync_cpa):
    cpa = with_characteristics(sync_cpa, ack_requested="never")

    error = error_of(reader, fresh(), cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location == "//Header/AckRequested"


def test_ack_requested_per_message_allows_both(reader, sync_cpa):
    cpa = with_characteristics(sync_cpa, ack_requested="perMessage")

    assert check_message(reader.parse_envelope(fresh()), cpa, NOW)
    assert check_message(reader.parse_envelope(fresh(**{"//soap:Header/eb:AckRequested": None})), cpa, NOW)


def test_ack_signature_missing(reader, sync_cpa):
    cpa = with_characteristics(sync_cpa, ack_signature_requested="always")

    error = error_of(reader, fresh(), cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location == "//Header/AckRequested/@signed"


def test_ack_actor_differs(reader, sync_cpa):
    envelope = fresh(**{"//soap:Header/eb:AckRequested/@soap:actor": "urn:oasis:names:tc:ebxml-msg:actor:nextMSH"})

    error = error_of(reader, envelope, sync_cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location == "//Header/AckRequested/@actor"


def test_duplicate_elimination_missing(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//eb:MessageHeader/eb:DuplicateElimination": None}), sync_cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location.endswith("/DuplicateElimination")


def test_duplicate_elimination_not_agreed(reader, sync_cpa):
    cpa = with_characteristics(sync_cpa, duplicate_elimination="never")

    error = error_of(reader, fresh(), cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location.endswith("/DuplicateElimination")


def test_sync_reply_not_agreed(reader):
    asynchronous = parse_reference_cpa("cpaStubEBF.rm.http.unsigned.xml")
    envelope = fresh(**{"//eb:CPAId": "cpaStubEBF.rm.http.unsigned"})

    error = error_of(reader, envelope, asynchronous)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location == "//Header/SyncReply"


def test_sync_reply_missing(reader, sync_cpa):
    error = error_of(reader, fresh(**{"//soap:Header/eb:SyncReply": None}), sync_cpa)

    assert error.code == ErrorCode.INCONSISTENT
    assert error.location == "//Header/SyncReply"


def test_signature_missing_where_required(reader):
    signed_cpa = parse_reference_cpa("cpaStubEBF.rm.https.signed.xml")
    envelope = fresh(**{"//eb:CPAId": "cpaStubEBF.rm.https.signed", "//soap:Header/eb:SyncReply": None})

    error = error_of(reader, envelope, signed_cpa)

    assert error.code == ErrorCode.SECURITY_FAILURE
    assert error.location == "//Header/Signature"


def test_ack_requested_added_to_ping_is_ignored(reader, sync_cpa):
    envelope = add_header_block(fresh("EbMSPing.xml"), ACK_REQUESTED)

    assert check_message(reader.parse_envelope(envelope), sync_cpa, NOW).receiver.name == "Overheid"
