"""A plugin may define its own format: an exact namespace and an XSD shipped with the plugin."""

import io
import textwrap
from dataclasses import replace

import pytest

from core import codes
from core.hookspecs import hookimpl
from core.ingest import IngestService, Submission
from core.messagetypes import ServiceSpec, heen
from core.model import Channel, Enrolment, OrgKind, Organisation
from core.plugins import PluginError, PluginHost
from core.principal import Principal
from core.schemas import SchemaCatalog
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore

NAMESPACE = "urn:ggk:test:vergunning:1"

XSD = textwrap.dedent(f"""\
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:v="{NAMESPACE}"
               targetNamespace="{NAMESPACE}" elementFormDefault="qualified">
      <xs:element name="Vergunning">
        <xs:complexType><xs:sequence>
          <xs:element name="Header"><xs:complexType><xs:sequence>
            <xs:element name="BerichtCode" type="xs:string"/>
            <xs:element name="Afzender" type="xs:string"/>
            <xs:element name="Ontvanger" type="xs:string"/>
            <xs:element name="BerichtIdentificatie"><xs:complexType><xs:sequence>
              <xs:element name="Identificatie" type="xs:string"/>
              <xs:element name="Dagtekening" type="xs:date"/>
            </xs:sequence></xs:complexType></xs:element>
          </xs:sequence></xs:complexType></xs:element>
          <xs:element name="Aantal" type="xs:positiveInteger"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:schema>""")


def document(aantal: str = "3", identificatie: str = "V1") -> bytes:
    return textwrap.dedent(f"""\
        <v:Vergunning xmlns:v="{NAMESPACE}">
          <v:Header><v:BerichtCode>901</v:BerichtCode><v:Afzender>0363</v:Afzender><v:Ontvanger>12345678</v:Ontvanger>
            <v:BerichtIdentificatie><v:Identificatie>{identificatie}</v:Identificatie>
              <v:Dagtekening>2026-12-01</v:Dagtekening></v:BerichtIdentificatie></v:Header>
          <v:Aantal>{aantal}</v:Aantal>
        </v:Vergunning>""").encode()


class OwnFormatPlugin:
    def __init__(self, xsd_path):
        self.xsd_path = xsd_path

    @hookimpl
    def ggk_services(self):
        message_type = replace(heen("VG901", "vg", ("vg",), ("901",), OrgKind.GEMEENTE),
                               namespace=NAMESPACE, release="1_0", bundled_xsd=self.xsd_path)
        return ServiceSpec("vg", "Vergunningen", (message_type,))


@pytest.fixture
def hub(tmp_path):
    xsd = tmp_path / "plugin" / "vergunning.xsd"
    xsd.parent.mkdir()
    xsd.write_text(XSD)
    clock, payloads = FixedClock(), MemoryPayloads(tmp_path)
    store = MemoryStore(payloads)
    plugins = PluginHost(extra=[("vg", OwnFormatPlugin(xsd))]).load()
    catalog = SchemaCatalog(store, clock, tmp_path / "cache", bundled=plugins.bundled_xsd)
    for code, kind in (("0363", OrgKind.GEMEENTE), ("12345678", OrgKind.AANBIEDER)):
        store.add_organisation(Organisation(code, kind, code, [Enrolment("vg", Channel.PORTAL)]))
    return IngestService(store, payloads, plugins, catalog, clock)


def send(ingest, data: bytes):
    return ingest.submit(Principal.organisation_software("0363", Channel.PORTAL), Submission(io.BytesIO(data), "v.xml"))


def test_own_format_is_recognised_and_validated_by_bundled_xsd(hub):
    accepted = send(hub, document())
    invalid = send(hub, document(aantal="-1", identificatie="V2"))

    assert accepted.accepted, accepted
    assert accepted.message_type == "VG901"
    assert accepted.recipient == "12345678"
    assert invalid.code == codes.STUF055
    assert invalid.line == 5


def test_same_exact_namespace_twice_stops_start_up(tmp_path):
    xsd = tmp_path / "v.xsd"
    xsd.write_text(XSD)

    class Second(OwnFormatPlugin):
        @hookimpl
        def ggk_services(self):
            spec = super().ggk_services()
            renamed = replace(spec.message_types[0], code="VG902", service="vg2")
            return ServiceSpec("vg2", "Tweede", (renamed,))

    with pytest.raises(PluginError, match="declared twice"):
        PluginHost(extra=[("vg", OwnFormatPlugin(xsd)), ("vg2", Second(xsd))]).load()
