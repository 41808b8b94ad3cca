"""Pgb through the core API: TKB to the SVB and its retour back, BAB to a gemeente and its retour.

Every test runs on the in-memory store, SQLite and PostgreSQL (``store_env``).
"""

from __future__ import annotations

from core import codes
from core.model import Channel, Direction, State
from core.ports import MessageQuery
from core.principal import Principal
from tests.pgb.messages import (
    GEMEENTE, OTHER_GEMEENTE, SVB, Afsluiting, Toekenning, bab, retour_on, tkb,
)


def svb() -> Principal:
    return Principal.organisation_software(SVB, Channel.WEBSERVICE)


def test_tkb_is_delivered_to_svb_mailbox(hub):
    data = tkb()

    outcome = hub.send(GEMEENTE, data, "tkb.xml")

    assert outcome.accepted, outcome
    assert outcome.message_type == "PGB101"
    assert outcome.recipient == SVB
    inbox = hub.mailbox.inbox(svb(), SVB)
    assert [m.id for m in inbox] == [outcome.message_id]
    message, stream = hub.mailbox.fetch(svb(), outcome.message_id)
    assert stream.read() == data
    assert message.service == "pgb"
    assert message.release == "ipgb/1_0"
    assert message.bericht_code == "961"
    assert message.direction == Direction.HEEN
    assert message.identity_party == GEMEENTE
    assert message.xsd_versie == "1.0.0"
    assert message.schema_set_id.startswith("bundled:")


def test_tkb_for_svb_on_webservice_waits_for_push(hub):
    outcome = hub.send(GEMEENTE, tkb())

    deliveries = hub.store.pending_deliveries(SVB)

    assert [d.message_id for d in deliveries] == [outcome.message_id]
    assert deliveries[0].channel == Channel.WEBSERVICE


def test_svb_retour_links_back_to_tkb(hub):
    heen_data = tkb(Toekenning(beschikkingsnummer="B1"), Toekenning(beschikkingsnummer="B2"))
    heen = hub.send(GEMEENTE, heen_data)

    retour = hub.send(SVB, retour_on(heen_data, records={"B2": ("P001",)}), channel=Channel.WEBSERVICE)

    assert retour.accepted, retour
    assert retour.message_type == "PGB102"
    assert retour.recipient == GEMEENTE
    assert retour.heen_id == heen.message_id
    assert retour.heen_unknown is False
    assert hub.store.get_message(heen.message_id).retour_id == retour.message_id
    states = [e.state for e in hub.store.events(heen.message_id)]
    assert State.RETOUR_RECEIVED in states
    gemeente_inbox = hub.mailbox.inbox(Principal.organisation_software(GEMEENTE, Channel.PORTAL), GEMEENTE)
    assert [m.id for m in gemeente_inbox] == [retour.message_id]


def test_retour_codes_in_header_are_recorded(hub):
    heen_data = tkb()
    hub.send(GEMEENTE, heen_data)

    retour = hub.send(SVB, retour_on(heen_data, retourcodes=("0200",)))

    assert hub.store.get_message(retour.message_id).retour_codes == ["0200"]


def test_bab_goes_to_named_gemeente_and_retour_back(hub):
    heen_data = bab(ontvanger=OTHER_GEMEENTE)

    heen = hub.send(SVB, heen_data, "bab.xml", channel=Channel.WEBSERVICE)
    retour = hub.send(OTHER_GEMEENTE, retour_on(heen_data, records={"B2026-0001": ("P004",)}), "babretour.xml")

    assert heen.accepted, heen
    assert heen.message_type == "PGB103"
    assert heen.recipient == OTHER_GEMEENTE
    assert retour.accepted, retour
    assert retour.message_type == "PGB104"
    assert retour.recipient == SVB
    assert retour.heen_id == heen.message_id
    assert hub.store.get_message(heen.message_id).retour_id == retour.message_id


def test_retour_on_unknown_tkb_goes_to_afzender(hub):
    never_sent = tkb(identificatie="ONBEKEND")

    retour = hub.send(SVB, retour_on(never_sent))

    assert retour.accepted, retour
    assert retour.recipient == GEMEENTE
    assert retour.heen_unknown is True


def test_second_retour_on_tkb_is_ib216(hub):
    heen_data = tkb()
    hub.send(GEMEENTE, heen_data)
    hub.send(SVB, retour_on(heen_data, identificatie="R1"))

    second = hub.send(SVB, retour_on(heen_data, identificatie="R2"))

    assert second.code == codes.IB216


def test_tkb_sent_twice_is_ib216(hub):
    hub.send(GEMEENTE, tkb())

    again = hub.send(GEMEENTE, tkb())

    assert again.code == codes.IB216


def test_corrected_tkb_after_rejection_is_accepted(hub):
    hub.send(GEMEENTE, tkb(Toekenning(einddatum="2026-01-01")))

    corrected = hub.send(GEMEENTE, tkb())

    assert corrected.accepted, corrected


def test_sender_sees_tkb_in_sent_listing(hub):
    outcome = hub.send(GEMEENTE, tkb())

    sent = hub.store.list_messages(MessageQuery(organisation=GEMEENTE, role="sender"))

    assert [m.id for m in sent] == [outcome.message_id]
