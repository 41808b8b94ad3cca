"""A retour is linked to the heenbericht it answers and goes back to that heen's sender.

The reference retours do not answer the heens beside them (other dates and parties), so
each pair is built here: the retour example's copied header is rewritten to the heen's.
"""

from __future__ import annotations

import pytest

from core import codes
from core.model import State
from tests.flow import messages, reference
from tests.flow.hub import organisation

PAIRS = reference.params(
    reference.retour_pairs(),
    lambda pair: f"{pair[0].label}+{pair[1].name}",
    none_found="no retour example has its heen example beside it",
)
RETOUR_OWN_IDENTITY = ("IdentificatieRetour", "RetourHeader/GemeenteReferentieNummer")
SERVICEBUREAU = "98000001"


def send_heen(hub, heen_example, data=None):
    data = heen_example.read() if data is None else data
    expected = hub.prepare(heen_example, data)
    outcome = hub.send(expected.sender, data, heen_example.path.name)
    assert outcome.accepted, outcome.detail
    return outcome, expected


def answer(heen_data: bytes, retour_example) -> tuple[bytes, messages.Parties]:
    data = messages.retour_for(heen_data, retour_example.read())
    return data, messages.parties(data)


def with_other_retour_identity(data: bytes) -> bytes:
    values = messages.header_values(data)
    path = next(p for p in RETOUR_OWN_IDENTITY if p in values)
    return messages.with_header(data, {path: "ANDERE00001"})


@pytest.mark.parametrize("pair", PAIRS)
def test_retour_links_to_heenbericht(hub, pair):
    heen_example, retour_example = pair
    heen, heen_parties = send_heen(hub, heen_example)
    data, retour_parties = answer(heen_example.read(), retour_example)

    outcome = hub.send(retour_parties.sender, data, retour_example.path.name)

    assert outcome.accepted, outcome.detail
    assert retour_parties.sender == heen_parties.recipient
    assert outcome.heen_id == heen.message_id
    assert outcome.recipient == heen_parties.sender
    assert not outcome.heen_unknown
    assert hub.message(heen.message_id).retour_id == outcome.message_id
    assert hub.message(outcome.message_id).heen_id == heen.message_id


@pytest.mark.parametrize("pair", PAIRS)
def test_retour_records_event_on_heen(hub, pair):
    heen_example, retour_example = pair
    heen, _ = send_heen(hub, heen_example)
    data, retour_parties = answer(heen_example.read(), retour_example)

    outcome = hub.send(retour_parties.sender, data)

    events = hub.events_in(heen.message_id, State.RETOUR_RECEIVED)
    assert len(events) == 1
    assert outcome.message_id in events[0].detail
    assert hub.message(heen.message_id).status == State.DELIVERED


@pytest.mark.parametrize("pair", PAIRS)
def test_retour_on_unseen_heen_is_heen_unknown(hub, pair):
    heen_example, retour_example = pair
    heen_parties = hub.prepare(heen_example)
    data, retour_parties = answer(heen_example.read(), retour_example)

    outcome = hub.send(retour_parties.sender, data)

    assert outcome.accepted, outcome.detail
    assert outcome.heen_unknown
    assert outcome.heen_id is None
    assert outcome.recipient == heen_parties.sender


@pytest.mark.parametrize("pair", PAIRS)
def test_second_retour_on_heen_is_ib216(hub, pair):
    heen_example, retour_example = pair
    heen, _ = send_heen(hub, heen_example)
    data, retour_parties = answer(heen_example.read(), retour_example)
    first = hub.send(retour_parties.sender, data)

    second = hub.send(retour_parties.sender, with_other_retour_identity(data))

    assert first.accepted, first.detail
    assert second.code == codes.IB216
    assert hub.message(heen.message_id).retour_id == first.message_id
    assert len(hub.events_in(heen.message_id, State.RETOUR_RECEIVED)) == 1


@pytest.mark.parametrize("pair", PAIRS)
def test_retour_from_other_party_is_ib234(hub, pair):
    heen_example, retour_example = pair
    heen, heen_parties = send_heen(hub, heen_example)
    data, retour_parties = answer(heen_example.read(), retour_example)
    stranger = "1680" if len(retour_parties.sender) == 4 else "12121212"
    hub.add(organisation(stranger, (hub.message(heen.message_id).service,)))

    outcome = hub.send(stranger, data)

    assert outcome.code == codes.IB234
    assert hub.message(heen.message_id).retour_id is None


def test_declaratie_from_servicebureau_is_answered_to_servicebureau(hub):
    heen_example = reference.example("iwmo", "2.3", "WMO303")
    retour_example = reference.example("iwmo", "2.3", "WMO304")
    heen_data = messages.insert_after(heen_example.read(), "Gemeente", "Servicebureau", SERVICEBUREAU)
    heen, heen_parties = send_heen(hub, heen_example, heen_data)
    retour_data = messages.insert_after(retour_example.read(), "Gemeente", "Servicebureau", SERVICEBUREAU)
    data = messages.retour_for(heen_data, retour_data)

    outcome = hub.send(heen_parties.recipient, data)

    assert heen_parties.sender == SERVICEBUREAU
    assert heen.recipient == heen_parties.recipient
    assert outcome.accepted, outcome.detail
    assert outcome.heen_id == heen.message_id
    assert outcome.recipient == SERVICEBUREAU
