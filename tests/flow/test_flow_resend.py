"""Duplicates, corrected resends and idempotent hand-ins (``source_ref``)."""

from __future__ import annotations

import pytest

from core import codes
from core.model import State
from tests.flow import messages, reference
from tests.flow.hub import organisation

GEMEENTE = "0384"
AANBIEDER = "42420001"


@pytest.fixture
def toewijzing(hub):
    """The iWmo 3.2 WMO301 example, with its release imported and both parties enrolled."""
    example = reference.example("iwmo", "3.2", "WMO301")
    hub.import_release(example.xsd_folder)
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    return example.read()


def test_same_identity_again_is_ib216(hub, toewijzing):
    first = hub.send(GEMEENTE, toewijzing)

    second = hub.send(GEMEENTE, toewijzing)

    assert first.accepted, first.detail
    assert second.code == codes.IB216
    assert hub.accepted_ids() == {first.message_id}


def test_same_identity_other_content_is_ib216(hub, toewijzing):
    hub.send(GEMEENTE, toewijzing)
    changed = toewijzing.replace(b"Client commentaar", b"Ander commentaar")

    outcome = hub.send(GEMEENTE, changed)

    assert changed != toewijzing
    assert outcome.code == codes.IB216


def test_other_dagtekening_is_new_message(hub, toewijzing):
    first = hub.send(GEMEENTE, toewijzing)
    later = messages.with_header(toewijzing, {"BerichtIdentificatie/Dagtekening": "2023-08-14"})

    second = hub.send(GEMEENTE, later)

    assert second.accepted, second.detail
    assert hub.accepted_ids() == {first.message_id, second.message_id}


def test_other_identificatie_is_new_message(hub, toewijzing):
    hub.send(GEMEENTE, toewijzing)
    other = messages.with_header(toewijzing, {"BerichtIdentificatie/Identificatie": "123456789013"})

    outcome = hub.send(GEMEENTE, other)

    assert outcome.accepted, outcome.detail


def test_corrected_resend_after_invalid_file_is_accepted(hub, toewijzing):
    rejected = hub.send(GEMEENTE, messages.invalid_copy(toewijzing).data)

    corrected = hub.send(GEMEENTE, toewijzing)

    assert rejected.code == codes.STUF055
    assert corrected.accepted, corrected.detail


def test_resend_after_unknown_recipient_is_accepted(hub, toewijzing):
    hub.store.organisations.pop(AANBIEDER)
    rejected = hub.send(GEMEENTE, toewijzing)
    hub.add(organisation(AANBIEDER, ("wmo",)))

    resent = hub.send(GEMEENTE, toewijzing)

    assert rejected.code == codes.IB210
    assert resent.accepted, resent.detail
    assert hub.message(rejected.message_id).status == State.REJECTED


def test_same_source_ref_returns_same_message(hub, toewijzing):
    first = hub.send(GEMEENTE, toewijzing, source_ref="filedrop:0384/WMO301.xml")

    again = hub.send(GEMEENTE, toewijzing, source_ref="filedrop:0384/WMO301.xml")

    assert first.accepted, first.detail
    assert again.accepted
    assert again.message_id == first.message_id
    assert len(hub.store.messages) == 1


def test_same_source_ref_repeats_rejection(hub, toewijzing):
    invalid = messages.invalid_copy(toewijzing).data
    first = hub.send(GEMEENTE, invalid, source_ref="portal:upload-7")

    again = hub.send(GEMEENTE, invalid, source_ref="portal:upload-7")

    assert first.code == codes.STUF055
    assert again.message_id == first.message_id
    assert again.code == codes.STUF055
    assert len(hub.store.messages) == 1


def test_other_source_ref_same_file_is_ib216(hub, toewijzing):
    hub.send(GEMEENTE, toewijzing, source_ref="portal:upload-1")

    outcome = hub.send(GEMEENTE, toewijzing, source_ref="portal:upload-2")

    assert outcome.code == codes.IB216
    assert len(hub.store.messages) == 2


def test_source_ref_is_per_sender(hub, toewijzing):
    first = hub.send(GEMEENTE, toewijzing, source_ref="upload-1")

    other = hub.send(AANBIEDER, b"<geen-bericht/>", source_ref="upload-1")

    assert first.accepted, first.detail
    assert other.message_id != first.message_id
    assert other.code == codes.GGK004
