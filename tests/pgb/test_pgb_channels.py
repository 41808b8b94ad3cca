"""Pgb through each channel's principal, and a large file read by the streaming path.

The portal and the webservice hand files to the same ``IngestService``. These tests drive
it with the principals those channels build, a portal user with grants and an
organisation's software.
"""

from __future__ import annotations

import pytest

from core import codes
from core.ingest import IngestSettings
from core.model import Channel
from core.principal import Action, Grant, Principal
from tests.pgb.conftest import build_hub
from tests.pgb.messages import GEMEENTE, SVB, Toekenning, bab, retour_on, sourceline, tkb


def portal_user(grants: set[Grant]) -> Principal:
    return Principal(channel=Channel.PORTAL, organisation=GEMEENTE, user="42", grants=frozenset(grants))


def test_portal_user_with_pgb_grant_sends_tkb(hub):
    outcome = hub.send_as(portal_user({Grant("pgb", Action.SEND)}), tkb())

    assert outcome.accepted, outcome
    assert hub.store.get_message(outcome.message_id).channel == Channel.PORTAL


def test_portal_user_without_pgb_grant_is_ib234(hub):
    outcome = hub.send_as(portal_user({Grant("wmo", Action.SEND), Grant("pgb", Action.RECEIVE)}), tkb())

    assert outcome.code == codes.IB234


def test_portal_user_without_receive_grant_sees_no_bab(hub):
    hub.send(SVB, bab(), channel=Channel.WEBSERVICE)

    only_send = hub.mailbox.inbox(portal_user({Grant("pgb", Action.SEND)}), GEMEENTE)
    receiving = hub.mailbox.inbox(portal_user({Grant("pgb", Action.RECEIVE)}), GEMEENTE)

    assert only_send == []
    assert [m.message_type for m in receiving] == ["PGB103"]


def test_svb_software_on_webservice_answers_tkb(hub):
    heen_data = tkb()
    heen = hub.send(GEMEENTE, heen_data)

    retour = hub.send(SVB, retour_on(heen_data), channel=Channel.WEBSERVICE)

    assert retour.heen_id == heen.message_id
    assert hub.store.get_message(retour.message_id).channel == Channel.WEBSERVICE


@pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.WEBSERVICE, Channel.FILEDROP, Channel.CLI])
def test_every_channel_gets_same_code(hub, channel):
    outcome = hub.send(GEMEENTE, tkb(Toekenning(einddatum="2026-01-01")), channel=channel)

    assert outcome.code == "GGK601"


def test_disabled_plugin_makes_tkb_unknown(store_env, tmp_path):
    store, payloads = store_env
    hub = build_hub(store, payloads, tmp_path, disabled={"pgb"})

    outcome = hub.send(GEMEENTE, tkb())

    assert outcome.code == codes.GGK004


def many_toekenningen(count: int, last: Toekenning) -> list[Toekenning]:
    records = [Toekenning(beschikkingsnummer=f"B{number}") for number in range(count - 1)]
    return records + [last]


@pytest.fixture
def streaming_hub(store_env, tmp_path):
    """A hub that validates every file above 4 KiB with the streaming reader."""
    store, payloads = store_env
    return build_hub(store, payloads, tmp_path, settings=IngestSettings(stream_threshold=4096))


def test_large_tkb_is_accepted_by_streaming_path(streaming_hub):
    data = tkb(*many_toekenningen(200, Toekenning(beschikkingsnummer="LAATSTE")))
    assert len(data) > 4096

    outcome = streaming_hub.send(GEMEENTE, data)

    assert outcome.accepted, outcome


def test_large_tkb_fault_in_last_record_has_its_line(streaming_hub):
    last = Toekenning(beschikkingsnummer="LAATSTE", ingangsdatum="2027-06-01", einddatum="2027-01-01")
    data = tkb(*many_toekenningen(200, last))

    outcome = streaming_hub.send(GEMEENTE, data)

    assert outcome.code == "GGK601"
    assert outcome.line == sourceline(data, "Einddatum", 200)
    assert "Toekenning 200" in outcome.detail


def test_large_tkb_xsd_fault_is_stuf055(streaming_hub):
    data = tkb(*many_toekenningen(200, Toekenning(beschikkingsnummer="LAATSTE", bsn="12345")))

    outcome = streaming_hub.send(GEMEENTE, data)

    assert outcome.code == codes.STUF055
    assert outcome.line == sourceline(data, "Bsn", 200)
