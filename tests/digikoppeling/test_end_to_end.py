"""A WMO301 from a gemeente's software to an aanbieder's MSH and the WMO302 back, over
ebMS2 on loopback, through the hub's endpoint and outbound worker."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import pytest
from lxml import etree

from adapters.soap.ebms.mime import parse_mime
from adapters.soap.ebms.model import NS
from adapters.soap.stuf.builder import Fout, build_fo01
from adapters.soap.stuf.model import DI01, DU01, StufVersion, Systeem
from adapters.soap.stuf.reader import StufReader
from core.cpa.generator import Profile
from core.model import State
from core.ports import MessageQuery
from tests.digikoppeling import files
from tests.digikoppeling.peer import PeerMsh, acknowledged_id, error_codes, stuf_envelope
from tests.digikoppeling.support import (
    AANBIEDER, GEMEENTE, add_parties, agree, import_istandaarden, make_pki, parse_cpa, start_hub,
)
from tests.soap.stuf_reference import stuf_schemas


@pytest.fixture
def hub(tmp_path, database_url):
    pki = make_pki(tmp_path / "pki")
    hub = start_hub(tmp_path / "hub", database_url, pki)
    import_istandaarden(hub)
    add_parties(hub)
    hub.start_worker()
    yield hub
    hub.stop()


@pytest.fixture
def peers(hub):
    started = []

    def peer(organisation, mode, profile, sync):
        msh = PeerMsh(hub.pki, organisation, mode).start()
        started.append(msh)
        xml = agree(hub, organisation, msh.url, profile, "mshSignalsOnly" if sync else "none")
        msh.connect(hub.url, parse_cpa(xml))
        return msh

    yield peer
    for msh in started:
        msh.stop()


@pytest.mark.parametrize("profile", [Profile.OSB_RM, Profile.OSB_RM_S])
@pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])
def test_wmo301_and_wmo302_round_trip(hub, peers, profile, sync):
    gemeente = peers(GEMEENTE, "sync" if sync else "async", profile, sync)
    aanbieder = peers(AANBIEDER, "sync" if sync else "async", profile, sync)
    heen = files.wmo301()

    sent = gemeente.client.send_stuf(DI01, "WMO301", heen, AANBIEDER)

    assert error_codes(sent.result) == []
    if sync:
        assert acknowledged_id(sent.result) == sent.message_id
    else:
        assert sent.result.status == 204
        acks = gemeente.wait_for_action("Acknowledgment")
        assert acks[0].message.envelope.acknowledgment.ref_to_message_id == sent.message_id

    arrived = aanbieder.wait_for_action("ggk_Di01")[0]
    envelope = StufReader(stuf_schemas()).read(arrived.payload())
    assert envelope.stuurgegevens.berichtcode == DI01
    assert envelope.stuurgegevens.referentienummer == sent.referentienummer
    assert envelope.payload == heen

    retour = aanbieder.client.send_stuf(DU01, "WMO302", files.wmo302_for(heen), GEMEENTE,
                                        cross_refnummer=envelope.stuurgegevens.referentienummer)
    assert error_codes(retour.result) == []
    back = gemeente.wait_for_action("ggk_Du01")
    assert len(back) == 1
    du01 = StufReader(stuf_schemas()).read(back[0].payload())
    assert du01.stuurgegevens.cross_refnummer == sent.referentienummer
    assert du01.stuurgegevens.referentienummer == retour.referentienummer
    assert du01.payload == files.wmo302_for(heen)

    heen_id, retour_id = delivered_ids(hub, heen_envelope=envelope, retour=du01)
    assert wait_for_state(hub, heen_id, State.PUSHED)
    assert wait_for_state(hub, retour_id, State.PUSHED)
    heen_message = hub.store.get_message(heen_id)
    assert heen_message.retour_id == retour_id
    links = [e for e in hub.store.events(heen_id) if e.state == State.RETOUR_RECEIVED and "crossRefnummer" in (e.detail or "")]
    assert len(links) == 1
    assert "the same heenbericht core linked by identity" in links[0].detail


def delivered_ids(hub, heen_envelope, retour):
    heen = hub.parts.ebms.find_reference(GEMEENTE, heen_envelope.stuurgegevens.referentienummer)
    back = hub.parts.ebms.find_reference(AANBIEDER, retour.stuurgegevens.referentienummer)
    return heen.message_id, back.message_id


def wait_for_state(hub, message_id, state, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(event.state == state for event in hub.store.events(message_id)):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])
def test_resent_di01_is_acknowledged_again_and_delivered_once(hub, peers, sync):
    gemeente = peers(GEMEENTE, "sync" if sync else "async", Profile.OSB_RM, sync)
    aanbieder = peers(AANBIEDER, "async", Profile.OSB_RM, False)
    envelope = stuf_envelope(DI01, GEMEENTE, AANBIEDER, "WMO301", files.wmo301(), str(uuid.uuid4()))
    message_id, packaged = gemeente.client.packaged("ggk_Di01", envelope)

    first = gemeente.client.post(packaged)
    if not sync:
        gemeente.wait_for_action("Acknowledgment")
    again = gemeente.client.post(packaged)

    if sync:
        assert acknowledged_id(first) == acknowledged_id(again) == message_id
    else:
        acks = gemeente.wait_for_action("Acknowledgment", 2)
        assert [ack.message_id for ack in acks] == [acks[0].message_id] * 2
        assert acks[0].message.envelope.acknowledgment.ref_to_message_id == message_id
    assert len(aanbieder.wait_for_action("ggk_Di01")) == 1
    assert len(aanbieder.wait_for_action("ggk_Di01", 2, timeout=3)) == 1
    sent_by_gemeente = hub.store.list_messages(MessageQuery(organisation=GEMEENTE, role="sender"))
    assert len(sent_by_gemeente) == 1


def test_fo01_from_aanbieder_raises_alert(hub, peers):
    gemeente = peers(GEMEENTE, "async", Profile.OSB_RM, False)
    aanbieder = peers(AANBIEDER, "async", Profile.OSB_RM, False)
    sent = gemeente.client.send_stuf(DI01, "WMO301", files.wmo301(), AANBIEDER)
    delivered = aanbieder.wait_for_action("ggk_Di01")[0]
    referentienummer = StufReader(stuf_schemas()).read(delivered.payload()).stuurgegevens.referentienummer
    fo01 = build_fo01(Systeem(AANBIEDER, "Testapplicatie"), Systeem("IB", "GGKWebservice"), str(uuid.uuid4()),
                      datetime.now(timezone.utc), referentienummer, Fout("StUF055", "payload niet conform XSD"))

    answer = aanbieder.client.send("Fo01", fo01)

    assert answer.result.status == 204
    assert aanbieder.wait_for_action("Acknowledgment", 2)
    alerts = wait_for_alerts(hub, AANBIEDER)
    assert alerts[0].kind == "fo01_received"
    assert alerts[0].message_id == hub.parts.ebms.find_reference(GEMEENTE, sent.referentienummer).message_id
    assert "StUF055" in alerts[0].detail


def test_asynchronous_ping_is_answered_through_outbox(hub, peers):
    gemeente = peers(GEMEENTE, "async", Profile.OSB_RM, False)

    result = gemeente.client.ping()

    assert result.status == 204
    pong = gemeente.wait_for_action("Pong")
    assert len(pong) == 1


def wait_for_alerts(hub, organisation, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = hub.parts.ebms.alerts(organisation)
        if found:
            return found
        time.sleep(0.1)
    return []


def test_ggk0310_organisations_send_and_receive_ggk0310(hub, peers):
    for code in (GEMEENTE, AANBIEDER):
        hub.parts.ebms.set_stuf_version(code, "ggk0310", datetime.now(timezone.utc), "test")
    gemeente = peers(GEMEENTE, "sync", Profile.OSB_RM, True)
    aanbieder = peers(AANBIEDER, "sync", Profile.OSB_RM, True)
    heen = files.wmo301()

    sent = gemeente.client.send_stuf(DI01, "WMO301", heen, AANBIEDER, version=StufVersion.GGK0310)
    refused = gemeente.client.send_stuf(DI01, "WMO301", files.wmo301(), AANBIEDER)

    assert acknowledged_id(sent.result) == sent.message_id
    delivered = StufReader(stuf_schemas()).read(aanbieder.wait_for_action("ggk_Di01")[0].payload())
    assert delivered.version == StufVersion.GGK0310
    assert delivered.payload == heen
    fo01 = gemeente.wait_for_action("Fo01")[0]
    assert b"<StUF:code>IB798</StUF:code>" in fo01.payload()
    assert acknowledged_id(refused.result) == refused.message_id


def test_status_request_answers_per_cpa(hub, peers):
    gemeente = peers(GEMEENTE, "sync", Profile.OSB_RM, True)
    aanbieder = peers(AANBIEDER, "sync", Profile.OSB_RM, True)
    sent = gemeente.client.send_stuf(DI01, "WMO301", files.wmo301(), AANBIEDER)

    own = gemeente.client.ping(status_of=sent.message_id)
    other = aanbieder.client.ping(status_of=sent.message_id)
    unknown = gemeente.client.ping(status_of="nobody@nowhere")

    assert status_of(own) == "Processed"
    assert status_of(other) == "UnAuthorized"
    assert status_of(unknown) == "NotRecognized"


def status_of(result) -> str:
    root = etree.fromstring(parse_mime(result.content_type, result.body).envelope)
    return root.find(".//eb:StatusResponse", NS).get(f"{{{NS['eb']}}}messageStatus")
