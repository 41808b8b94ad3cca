"""Refused StUF-GGk envelopes over HTTPS: the ebMS message is acknowledged, and a Fo01 with
the GGk foutcode reaches the gemeente's MSH, sent by the outbound worker under the same CPA."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from adapters.soap.stuf.builder import Bericht, build_envelope
from adapters.soap.stuf.model import DI01, DU01, Parameters, StufVersion, Stuurgegevens, Systeem
from core.cpa.generator import Profile
from core.model import Channel, Enrolment, Organisation, OrgKind
from tests.digikoppeling import files
from tests.digikoppeling.peer import PeerMsh, acknowledged_id, error_codes, stuf_envelope
from tests.digikoppeling.support import (
    AANBIEDER, GEMEENTE, add_parties, agree, import_istandaarden, make_pki, parse_cpa, start_hub,
)
from tests.flow import messages
from tests.soap.stuf_reference import stuf_schemas


@pytest.fixture
def hub(tmp_path, database_url):
    hub = start_hub(tmp_path / "hub", database_url, make_pki(tmp_path / "pki"), max_size=400_000)
    import_istandaarden(hub)
    add_parties(hub)
    hub.store.add_organisation(Organisation("0599", OrgKind.GEMEENTE, "Rotterdam", [Enrolment("wmo", Channel.PORTAL)]))
    hub.start_worker()
    yield hub
    hub.stop()


@pytest.fixture
def msh(hub):
    peer = PeerMsh(hub.pki, GEMEENTE, "sync").start()
    peer.connect(hub.url, parse_cpa(agree(hub, GEMEENTE, peer.url, Profile.OSB_RM, "mshSignalsOnly")))
    yield peer
    peer.stop()


def fo01_of(msh: PeerMsh, count: int = 1) -> etree._Element:
    arrivals = msh.wait_for_action("Fo01", count)
    assert len(arrivals) >= count, "no Fo01 arrived at the gemeente's MSH"
    root = etree.fromstring(arrivals[count - 1].payload())
    schema = stuf_schemas().fo01()
    assert schema.validate(root), schema.error_log
    return root


def code_of(fo01: etree._Element) -> str:
    return fo01.findtext("{*}body/{*}code")


def send_envelope(msh: PeerMsh, envelope: bytes, action: str = "ggk_Di01"):
    sent = msh.client.send(action, envelope)
    assert error_codes(sent.result) == []
    assert acknowledged_id(sent.result) == sent.message_id
    return sent


def with_text(envelope: bytes, local_name: str, value: str) -> bytes:
    root = etree.fromstring(envelope)
    next(element for element in root.iter() if etree.QName(element).localname == local_name).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def di01(payload: bytes | None = None, referentienummer: str | None = None, **changes) -> bytes:
    envelope = stuf_envelope(DI01, GEMEENTE, AANBIEDER, "WMO301", payload or files.wmo301(),
                             referentienummer or str(uuid.uuid4()))
    for name, value in changes.items():
        envelope = with_text(envelope, name, value)
    return envelope


ENTITY_BOMB = (b'<!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY x "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')

CASES = {
    "xsd": (lambda: di01(applicatieVersie="4"), "StUF055"),
    "uuid-v1": (lambda: di01(referentienummer="9c0f7b90-5c69-11e5-a837-0800200c9a66"), "IB009"),
    "version": (lambda: stuf_envelope(DI01, GEMEENTE, AANBIEDER, "WMO301", files.wmo301(), str(uuid.uuid4()),
                                      version=StufVersion.GGK0310), "IB798"),
    "retour-functie": (lambda: di01(functie="WMO302"), "IB240"),
    "other-file-type": (lambda: di01(functie="WMO305"), "IB240"),
    "unknown-functie": (lambda: di01(functie="WMO999"), "IB102"),
    "unknown-zender": (lambda: with_text(di01(), "organisatie", "9999"), "IB213"),
    "other-zender": (lambda: with_text(di01(), "organisatie", "0599"), "IB101"),
    "unknown-ontvanger": (lambda: stuf_envelope(DI01, GEMEENTE, "12345678", "WMO301", files.wmo301(),
                                                str(uuid.uuid4())), "IB210"),
    "core-xsd": (lambda: di01(messages.invalid_copy(files.wmo301()).data), "StUF055"),
    "core-doctype": (lambda: di01(files.wmo301().replace(b"?>", b"?><!DOCTYPE x>", 1)), "GGK003"),
    "core-sender": (lambda: di01(messages.with_header(files.wmo301(), {"Afzender": "0599"})), "IB234"),
    "too-large": (lambda: di01(b"<x>" + b"a" * 320_000 + b"</x>"), "IB007"),
    "envelope-xxe": (lambda: di01().replace(b"?>", b'?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1),
                     "StUF055"),
    "envelope-entity-bomb": (lambda: di01().replace(b"?>", b"?>" + ENTITY_BOMB, 1), "StUF055"),
    "file-entity-bomb": (lambda: di01(files.wmo301().replace(b"?>", b"?>" + ENTITY_BOMB, 1)
                                      .replace(b"<iwmo:Voornamen>Tim", b"<iwmo:Voornamen>&x;", 1)), "GGK003"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_envelope_gets_fo01(hub, msh, case):
    build, code = CASES[case]
    envelope = build()

    sent = send_envelope(msh, envelope)

    fo01 = fo01_of(msh)
    assert code_of(fo01) == code
    assert fo01.findtext("{*}stuurgegevens/{*}zender/{*}organisatie") == "IB"
    assert fo01.findtext("{*}stuurgegevens/{*}ontvanger/{*}organisatie") == GEMEENTE
    record = hub.parts.ebms.find_inbound(msh.client.cpa.cpaid, sent.message_id)
    assert record.fo01_code == code


def test_fo01_refers_to_the_refused_envelope(hub, msh):
    referentienummer = str(uuid.uuid4())
    sent = send_envelope(msh, di01(referentienummer=referentienummer, functie="WMO302"))

    fo01 = fo01_of(msh)
    arrival = msh.wait_for_action("Fo01")[0]
    assert fo01.findtext("{*}stuurgegevens/{*}crossRefnummer") == referentienummer
    assert fo01.findtext("{*}body/{*}details") == "WMO302-00010002"
    assert arrival.message.envelope.header.message_data.ref_to_message_id == sent.message_id
    assert etree.QName(fo01.find("{*}body/{*}detailsXML")[0]).localname == "envelopHeenbericht-ggk_Di01"


def test_action_of_other_berichtcode_is_ib240(hub, msh):
    envelope = stuf_envelope(DU01, GEMEENTE, AANBIEDER, "WMO302", files.wmo301(), str(uuid.uuid4()), str(uuid.uuid4()))

    send_envelope(msh, envelope, action="ggk_Di01")

    assert code_of(fo01_of(msh)) == "IB240"


def test_tekst_bestand_is_ib102(hub, msh):
    envelope = build_envelope(StufVersion.GGK0210, Stuurgegevens(
        DI01, Systeem(GEMEENTE, "Testapplicatie"), Systeem("CBS", "GGk"), str(uuid.uuid4()), "20260101120000",
        "Dummy"), Parameters("0001", "0000", "0001", "0000"), Bericht(b"a;b\n", False, "Aanlevering.csv"))
    hub.store.add_organisation(Organisation("CBS", OrgKind.KETENPARTNER, "CBS", [Enrolment("wmo", Channel.PORTAL)]))

    send_envelope(msh, envelope)

    assert code_of(fo01_of(msh)) == "IB102"


def test_message_without_payload_is_stuf055(hub, msh):
    sent = msh.client.send("ggk_Di01", None)

    assert acknowledged_id(sent.result) == sent.message_id
    assert code_of(fo01_of(msh)) == "StUF055"


def test_reused_referentienummer_is_ib216(hub, msh):
    referentienummer = str(uuid.uuid4())
    send_envelope(msh, di01(referentienummer=referentienummer))

    send_envelope(msh, di01(referentienummer=referentienummer))

    assert code_of(fo01_of(msh)) == "IB216"
    assert len(msh.wait_for_action("Fo01")) == 1


def test_same_file_in_new_envelope_is_core_duplicate(hub, msh):
    heen = files.wmo301()
    send_envelope(msh, di01(heen))

    send_envelope(msh, di01(heen))

    fo01 = fo01_of(msh)
    assert code_of(fo01) == "IB216"
    assert "already accepted" in fo01.findtext("{*}body/{*}omschrijving")


def test_resent_refused_message_queues_one_fo01(hub, msh):
    message_id, packaged = msh.client.packaged("ggk_Di01", di01(functie="WMO302"))

    first = msh.client.post(packaged)
    again = msh.client.post(packaged)

    assert acknowledged_id(first) == acknowledged_id(again) == message_id
    fo01_of(msh)
    assert len(msh.wait_for_action("Fo01", 2, timeout=3)) == 1

