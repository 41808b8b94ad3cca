"""Writing envelopes and Fo01s: every result matches its XSD and reads back unchanged."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from lxml import etree

from adapters.soap.stuf.builder import Bericht, Fout, build_envelope, build_fo01, tijdstip
from adapters.soap.stuf.model import DI01, DU01, Parameters, StufVersion, Stuurgegevens, Systeem
from adapters.soap.stuf.reader import StufReader
from tests.soap.stuf_reference import example, stuf_schemas

MOMENT = datetime(2026, 5, 4, 10, 11, 12, 345000, tzinfo=timezone.utc)
PARAMETERS = Parameters("0001", "0000", "0003", "0002", referentienummer_bericht="123456789012",
                        cross_refnummer_bericht="234567890123")


@pytest.fixture(scope="module")
def reader() -> StufReader:
    return StufReader(stuf_schemas())


def stuurgegevens(berichtcode: str) -> Stuurgegevens:
    return Stuurgegevens(
        berichtcode=berichtcode,
        zender=Systeem("0384", "GGKWebservice"),
        ontvanger=Systeem("42420001", "GGk"),
        referentienummer=str(uuid.uuid4()),
        tijdstip_bericht=tijdstip(MOMENT),
        functie="WMO301" if berichtcode == DI01 else "WMO302",
        cross_refnummer=str(uuid.uuid4()) if berichtcode == DU01 else None,
    )


def test_tijdstip_has_milliseconds():
    assert tijdstip(MOMENT) == "20260504101112345"


@pytest.mark.parametrize("version", list(StufVersion))
@pytest.mark.parametrize("berichtcode", [DI01, DU01])
def test_xml_envelope_round_trips(reader, version, berichtcode):
    sent = stuurgegevens(berichtcode)
    payload = "<Bericht>é</Bericht>".encode()

    data = build_envelope(version, sent, PARAMETERS, Bericht(payload, bestandsnaam="WMO301.xml"))
    envelope = reader.read(data, version)

    assert envelope.stuurgegevens == sent
    assert envelope.payload == payload
    assert envelope.is_xml
    assert envelope.parameters.functie_versie == "0003"


@pytest.mark.parametrize("version", list(StufVersion))
def test_text_envelope_round_trips(reader, version):
    data = build_envelope(version, stuurgegevens(DI01), PARAMETERS, Bericht(b"a;b\n", False, "AanleveringQ1.csv"))

    envelope = reader.read(data)

    assert not envelope.is_xml
    assert envelope.bestandsnaam == "AanleveringQ1.csv"
    assert envelope.payload == b"a;b\n"


def test_fo01_matches_stuf0301():
    original = etree.fromstring(example("di01-xml"))

    data = build_fo01(Systeem("IB", "GGKWebservice"), Systeem("0548", "Wmo Applicatie"), str(uuid.uuid4()), MOMENT,
                      "9c0f7b90-5c69-41e5-a837-0800200c9a66",
                      Fout("IB210", "Ontvangende organisatie onbekend: " + "x" * 300, details="WMO301-00040003",
                           details_xml=original))

    schema = stuf_schemas().fo01()
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log
    assert root.findtext("{*}body/{*}code") == "IB210"
    assert len(root.findtext("{*}body/{*}omschrijving")) == 200
    assert root.findtext("{*}stuurgegevens/{*}crossRefnummer") == "9c0f7b90-5c69-41e5-a837-0800200c9a66"
    assert root.find("{*}body/{*}detailsXML")[0].tag == original.tag
