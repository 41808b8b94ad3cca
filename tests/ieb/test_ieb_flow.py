"""iEb: heenberichten go to the CAK, the CAK's retours go back to the gemeente."""

import io
import os
from pathlib import Path

import pytest
from lxml import etree

from core import codes
from core.ingest import IngestService, Submission
from core.model import Channel, Enrolment, OrgKind, Organisation
from core.plugins import PluginHost
from core.principal import Principal
from core.schemas import SchemaCatalog
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore

ROOT = Path(__file__).resolve().parents[2]
IEB = Path(os.environ.get("GGK_REFERENCE_DATA", ROOT.parent / "shared" / "data")) / "istandaarden" / "ieb" / "1.0"

pytestmark = pytest.mark.skipif(not IEB.is_dir(), reason=f"iEb reference data not found at {IEB}")


@pytest.fixture
def hub(tmp_path):
    clock = FixedClock()
    payloads = MemoryPayloads(tmp_path)
    store = MemoryStore(payloads)
    plugins = PluginHost().load()
    catalog = SchemaCatalog(store, clock, tmp_path / "cache")
    catalog.import_release(Principal.operator(), IEB / "xsd")
    store.add_organisation(Organisation("1916", OrgKind.GEMEENTE, "Gemeente", [Enrolment("ieb", Channel.PORTAL)]))
    store.add_organisation(Organisation("CAK", OrgKind.KETENPARTNER, "CAK", [Enrolment("ieb", Channel.WEBSERVICE)]))
    return IngestService(store, payloads, plugins, catalog, clock), store


def send(ingest, code: str, data: bytes, name: str):
    return ingest.submit(Principal.organisation_software(code, Channel.PORTAL), Submission(io.BytesIO(data), name))


def retour_for(heen: bytes, retour_file: str) -> bytes:
    """Copy the heen's BerichtIdentificatie into the retour's copied header."""
    heen_header = etree.fromstring(heen)[0]
    retour = etree.fromstring((IEB / "berichten" / retour_file).read_bytes())
    for name in ("Identificatie", "Dagtekening"):
        value = heen_header.find(f".//{{*}}{name}").text
        retour[0].find(f"{{*}}BerichtIdentificatie/{{*}}{name}").text = value
    return etree.tostring(retour, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("heen_file, retour_file", [("WMO401.xml", "WMO402.xml"), ("WMO403.xml", "WMO404.xml")])
def test_heen_goes_to_cak_and_retour_back(hub, heen_file, retour_file):
    ingest, store = hub
    heen_bytes = (IEB / "berichten" / heen_file).read_bytes()

    heen = send(ingest, "1916", heen_bytes, heen_file)
    retour = send(ingest, "CAK", retour_for(heen_bytes, retour_file), retour_file)

    assert heen.accepted, heen
    assert heen.recipient == "CAK"
    assert retour.accepted, retour
    assert retour.recipient == "1916"
    assert retour.heen_id == heen.message_id
    assert store.get_message(heen.message_id).retour_id == retour.message_id


def test_examples_as_they_are_are_accepted(hub):
    ingest, _ = hub

    outcomes = [send(ingest, "CAK" if name in ("WMO402.xml", "WMO404.xml") else "1916",
                     (IEB / "berichten" / name).read_bytes(), name)
                for name in ("WMO401.xml", "WMO403.xml", "WMO402.xml", "WMO404.xml")]

    assert [o.status for o in outcomes] == ["accepted"] * 4
    assert [o.recipient for o in outcomes] == ["CAK", "CAK", "1916", "1916"]


def test_retour_from_gemeente_is_refused(hub):
    ingest, _ = hub

    outcome = send(ingest, "1916", (IEB / "berichten" / "WMO402.xml").read_bytes(), "WMO402.xml")

    assert outcome.code == codes.IB234


def test_cak_cannot_send_heenbericht(hub):
    ingest, _ = hub

    outcome = send(ingest, "CAK", (IEB / "berichten" / "WMO401.xml").read_bytes(), "WMO401.xml")

    assert outcome.code == codes.IB234
