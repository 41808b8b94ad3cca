"""Who may send, who can receive, and frozen message types.

All cases use the iWmo 3.2 Toewijzing (WMO301) of gemeente 0384 to aanbieder 42420001.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import codes
from core.model import Freeze, State
from tests.flow import reference
from tests.flow.hub import organisation

GEMEENTE = "0384"
AANBIEDER = "42420001"
OTHER_GEMEENTE = "0363"


@pytest.fixture
def toewijzing(hub):
    """The WMO301 example, with its release imported; its parties are not yet known to the hub."""
    example = reference.example("iwmo", "3.2", "WMO301")
    hub.import_release(example.xsd_folder)
    return example.read()


def test_toewijzing_from_aanbieder_is_ib234(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))

    outcome = hub.send(AANBIEDER, toewijzing)

    assert outcome.code == codes.IB234


def test_afzender_other_than_sender_is_ib234(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)), organisation(OTHER_GEMEENTE, ("wmo",)))

    outcome = hub.send(OTHER_GEMEENTE, toewijzing)

    assert outcome.code == codes.IB234


def test_sender_not_enrolled_for_service_is_ib234(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("jw",)), organisation(AANBIEDER, ("wmo",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB234


def test_unknown_sender_is_ib213(hub, toewijzing):
    hub.add(organisation(AANBIEDER, ("wmo",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB213


def test_operator_without_organisation_is_ib213(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))

    outcome = hub.send(None, toewijzing)

    assert outcome.code == codes.IB213


def test_inactive_sender_is_ib002(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",), active=False), organisation(AANBIEDER, ("wmo",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB002


def test_sender_without_any_enrolment_is_ib002(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ()), organisation(AANBIEDER, ("wmo",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB002


def test_unknown_recipient_is_ib210(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB210


def test_recipient_not_enrolled_is_ib102(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("jw",)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB102


def test_inactive_recipient_is_ib102(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",), active=False))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB102


def test_frozen_type_is_ib103(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    now = hub.clock.now()
    hub.store.set_freeze(Freeze("WMO301", since=now, until=now + timedelta(hours=1), reason="release change"))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.code == codes.IB103
    assert hub.message(outcome.message_id).status == State.REJECTED


def test_freeze_of_other_type_lets_file_pass(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    hub.store.set_freeze(Freeze("JW301", since=hub.clock.now()))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.accepted, outcome.detail


def test_file_accepted_after_freeze_ends(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    now = hub.clock.now()
    hub.store.set_freeze(Freeze("WMO301", since=now, until=now + timedelta(hours=1)))
    frozen = hub.send(GEMEENTE, toewijzing)

    hub.clock.advance(hours=1)
    outcome = hub.send(GEMEENTE, toewijzing)

    assert frozen.code == codes.IB103
    assert outcome.accepted, outcome.detail


def test_freeze_starting_later_lets_file_pass(hub, toewijzing):
    hub.add(organisation(GEMEENTE, ("wmo",)), organisation(AANBIEDER, ("wmo",)))
    hub.store.set_freeze(Freeze("WMO301", since=hub.clock.now() + timedelta(days=1)))

    outcome = hub.send(GEMEENTE, toewijzing)

    assert outcome.accepted, outcome.detail
