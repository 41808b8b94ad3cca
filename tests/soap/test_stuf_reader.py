"""Reading StUF-GGk envelopes: the real examples of both versions, and each refusal code."""

from __future__ import annotations

import base64

import pytest
from lxml import etree

from adapters.soap.stuf.model import DI01, DU01, STUF_NS, StufFault, StufVersion
from adapters.soap.stuf.reader import StufReader
from core import codes
from tests.soap.stuf_reference import example, stuf_schemas

GGK0210 = StufVersion.GGK0210.namespace


@pytest.fixture(scope="module")
def reader() -> StufReader:
    return StufReader(stuf_schemas())


def with_text(data: bytes, local_name: str, value: str) -> bytes:
    root = etree.fromstring(data)
    found = [element for element in root.iter() if etree.QName(element).localname == local_name]
    assert found, f"no {local_name} in the envelope"
    found[0].text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def refusal(reader, data: bytes, configured=None) -> StufFault:
    with pytest.raises(StufFault) as raised:
        reader.read(data, configured)
    return raised.value


def test_ggk0210_xml_example_reads(reader):
    envelope = reader.read(example("di01-xml"))

    assert envelope.version == StufVersion.GGK0210
    assert envelope.stuurgegevens.berichtcode == DI01
    assert envelope.stuurgegevens.zender.organisatie == "0548"
    assert envelope.stuurgegevens.zender.applicatie == "Wmo Applicatie"
    assert envelope.stuurgegevens.ontvanger.organisatie == "01023456"
    assert envelope.stuurgegevens.ontvanger.applicatie == "GGk"
    assert envelope.stuurgegevens.referentienummer == "9c0f7b90-5c69-41e5-a837-0800200c9a66"
    assert envelope.stuurgegevens.tijdstip_bericht == "20160421132514"
    assert envelope.stuurgegevens.functie == "WMO301"
    assert envelope.is_xml
    assert envelope.payload == "Hier staat een iWmo/iJw-heenbericht.".encode()
    assert envelope.details == "WMO301-00040003"


def test_ggk0210_tekst_example_reads(reader):
    envelope = reader.read(example("di01-tekst"))

    assert not envelope.is_xml
    assert envelope.bestandsnaam == "AanleveringQ1.csv"
    assert envelope.stuurgegevens.functie == "Dummy"
    assert envelope.payload == "Hier staat een dummy-tekstbericht.".encode()


def test_ggk0210_du01_example_reads(reader):
    envelope = reader.read(example("du01"))

    assert envelope.stuurgegevens.berichtcode == DU01
    assert envelope.stuurgegevens.cross_refnummer == "9c0f7b90-5c69-41e5-a837-0800200c9a66"
    assert envelope.stuurgegevens.functie == "WMO302"
    assert envelope.parameters.functie_versie == "0002"


@pytest.mark.parametrize("name", ["0310-di01", "0310-du01", "0310-voorbeeld-di01"])
def test_ggk0310_examples_read(reader, name):
    envelope = reader.read(example(name))

    assert envelope.version == StufVersion.GGK0310
    assert envelope.is_xml
    assert envelope.bestandsnaam in ("WMO301.txt", "WMO302.txt")
    assert envelope.parameters.referentienummer_bericht in ("123456789012", "234567890123")
    assert envelope.payload.startswith(b"Hier staat het")


def test_ggk0310_du01_keeps_cross_references(reader):
    envelope = reader.read(example("0310-du01"))

    assert envelope.stuurgegevens.cross_refnummer == "9c0f7b90-5c69-11e5-a837-0800200c9a66"
    assert envelope.parameters.cross_refnummer_bericht == "123456789012"


def test_version_other_than_configured_is_ib798(reader):
    fault = refusal(reader, example("0310-di01"), StufVersion.GGK0210)

    assert fault.code == codes.IB798
    assert fault.partial.referentienummer == "9c0f7b90-5c69-11e5-a837-0800200c9a66"


def test_configured_version_passes(reader):
    assert reader.read(example("0310-di01"), StufVersion.GGK0310).version == StufVersion.GGK0310


@pytest.mark.parametrize("value", ["9c0f7b90-5c69-11e5-a837-0800200c9a66", "not-a-uuid",
                                   "9C0F7B90-5C69-41E5-A837-0800200C9A66"])
def test_referentienummer_not_uuid4_is_ib009(reader, value):
    fault = refusal(reader, with_text(example("di01-xml"), "referentienummer", value))

    assert fault.code == codes.IB009
    assert fault.partial.functie == "WMO301"


def test_cross_refnummer_not_uuid4_is_ib009(reader):
    fault = refusal(reader, with_text(example("du01"), "crossRefnummer", "1234"))

    assert fault.code == codes.IB009
    assert "crossRefnummer" in fault.detail


def test_ggk0310_rejects_text_that_is_no_uuid(reader):
    fault = refusal(reader, with_text(example("0310-di01"), "referentienummer", "ref-1"))

    assert fault.code == codes.IB009


def test_xsd_failure_is_stuf055_with_line(reader):
    fault = refusal(reader, with_text(example("di01-xml"), "applicatieVersie", "4"))

    assert fault.code == codes.STUF055
    assert fault.line is not None
    assert fault.partial.referentienummer == "9c0f7b90-5c69-41e5-a837-0800200c9a66"


def test_other_root_is_stuf055(reader):
    assert refusal(reader, example("fo01")).code == codes.STUF055


def test_not_well_formed_is_stuf055(reader):
    fault = refusal(reader, example("di01-xml")[:300])

    assert fault.code == codes.STUF055
    assert "well-formed" in fault.detail


def test_doctype_with_external_entity_is_refused_unread(reader, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    data = example("di01-xml").replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'.encode(),
    ).replace(b"<StUF:applicatie>Wmo Applicatie", b"<StUF:applicatie>&s;")

    fault = refusal(reader, data)

    assert fault.code == codes.STUF055
    assert "DOCTYPE" in fault.detail
    assert "geheim" not in fault.detail


def test_entity_bomb_is_refused(reader):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10 if i else "&lol;" * 10}">'.encode()
                       for i in range(1, 10))
            + b"]><x>&lol9;</x>")

    assert refusal(reader, bomb).code == codes.STUF055


def test_undeclared_entity_is_stuf055(reader):
    data = example("di01-xml").replace(b"<StUF:applicatie>Wmo Applicatie", b"<StUF:applicatie>&xxe;")

    assert refusal(reader, data).code == codes.STUF055


def test_invalid_base64_is_stuf055(reader):
    root = etree.fromstring(example("di01-xml"))
    root.find(f".//{{{GGK0210}}}xmlBestand").text = "%%%"
    data = etree.tostring(root)

    assert refusal(reader, data).code == codes.STUF055


def test_large_payload_reads(reader):
    payload = b"<Bericht>" + b"x" * (12 * 1024 * 1024) + b"</Bericht>"
    root = etree.fromstring(example("di01-xml"))
    root.find(f".//{{{GGK0210}}}xmlBestand").text = base64.b64encode(payload).decode()
    data = etree.tostring(root)

    assert reader.read(data).payload == payload


def test_fo01_example_validates(reader):
    schema = stuf_schemas().fo01()
    root = etree.fromstring(example("fo01"))

    assert schema.validate(root), schema.error_log
    assert root.tag == f"{{{STUF_NS}}}Fo01Bericht"
