"""The Pgb plugin as the hub loads it: its declarations, its XSDs, its rules and its documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from core.model import Direction, OrgKind
from core.plugins import PluginHost
from core.schemas import SchemaCatalog
from plugins.pgb import codes as pgb_codes
from plugins.pgb.rules import passes_elfproef, signed_cents
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore
from tests.pgb.messages import (
    BAB_NS, BAB_RETOUR_NS, OTHER_VALID_BSN, TKB_NS, TKB_RETOUR_NS, VALID_BSN, bab, retour_on, tkb,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = (REPO_ROOT / "docs" / "pgb.md", REPO_ROOT / "docs" / "pgb.nl.md")


@pytest.fixture(scope="module")
def plugins() -> PluginHost:
    return PluginHost().load()


def pgb_types(plugins: PluginHost):
    return {t.code: t for t in plugins.message_types() if t.service == "pgb"}


def test_entry_point_registers_pgb(plugins):
    assert "pgb" in plugins.plugin_names()
    assert plugins.services()["pgb"].name


def test_message_types_and_routing_declarations(plugins):
    types = pgb_types(plugins)

    assert sorted(types) == ["PGB101", "PGB102", "PGB103", "PGB104"]
    assert types["PGB101"].fixed_recipient == "SVB"
    assert types["PGB101"].sender_kind == OrgKind.GEMEENTE
    assert types["PGB102"].fixed_sender == "SVB"
    assert types["PGB102"].answers == "PGB101"
    assert types["PGB103"].fixed_sender == "SVB"
    assert types["PGB103"].direction == Direction.HEEN
    assert types["PGB104"].answers == "PGB103"
    assert types["PGB104"].sender_kind == OrgKind.GEMEENTE


def test_namespaces_and_bericht_codes(plugins):
    types = pgb_types(plugins)

    assert {code: t.namespace for code, t in types.items()} == {
        "PGB101": TKB_NS, "PGB102": TKB_RETOUR_NS, "PGB103": BAB_NS, "PGB104": BAB_RETOUR_NS,
    }
    assert {code: t.bericht_codes for code, t in types.items()} == {
        "PGB101": ("961",), "PGB102": ("962",), "PGB103": ("963",), "PGB104": ("964",),
    }


def test_bericht_codes_clash_with_no_other_service(plugins):
    pgb = {c for t in plugins.message_types() if t.service == "pgb" for c in t.bericht_codes}
    others = {c for t in plugins.message_types() if t.service != "pgb" for c in t.bericht_codes}

    assert others, "no other service loaded to compare with"
    assert pgb.isdisjoint(others)


@pytest.mark.parametrize("namespace", [TKB_NS, TKB_RETOUR_NS, BAB_NS, BAB_RETOUR_NS])
def test_bundled_xsd_compiles_for_namespace(plugins, namespace, tmp_path):
    store = MemoryStore(MemoryPayloads(tmp_path))
    catalog = SchemaCatalog(store, FixedClock(), tmp_path / "cache", bundled=plugins.bundled_xsd)

    active = catalog.schema_for(namespace)

    assert active is not None
    assert active.schema_set_id.startswith("bundled:")
    assert len(active.schema_set_id) <= 36


@pytest.mark.parametrize("data", [tkb(), bab(), retour_on(tkb(), retourcodes=("0001",)),
                                  retour_on(bab(), records={"B2026-0001": ("P003", "P004")})])
def test_factory_files_are_schema_valid(plugins, data):
    namespace = etree.QName(etree.fromstring(data)).namespace
    xsd = plugins.bundled_xsd(namespace)
    schema = etree.XMLSchema(etree.parse(str(xsd)))

    valid = schema.validate(etree.fromstring(data))

    assert valid, schema.error_log


@pytest.mark.parametrize("bsn", [VALID_BSN, OTHER_VALID_BSN, "999999990"])
def test_elfproef_accepts_valid_bsn(bsn):
    assert passes_elfproef(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "000000000", "12345678", "1234567820", "12345678a", "١٢٣٤٥٦٧٨٢"])
def test_elfproef_rejects_invalid_bsn(bsn):
    assert not passes_elfproef(bsn)


@pytest.mark.parametrize("bedrag, debet_credit, expected", [("100", "D", 100), ("100", "C", -100), ("0", "C", 0)])
def test_signed_cents_follows_debet_credit(bedrag, debet_credit, expected):
    amount = etree.fromstring(
        f'<a xmlns:b="urn:x"><b:Bedrag>{bedrag}</b:Bedrag><b:DebetCredit>{debet_credit}</b:DebetCredit></a>')

    assert signed_cents(amount) == expected


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_name_every_code_namespace_and_type(doc):
    text = doc.read_text(encoding="utf-8")
    expected = sorted(pgb_codes.ALL_CODES) + [TKB_NS, TKB_RETOUR_NS, BAB_NS, BAB_RETOUR_NS] \
        + ["PGB101", "PGB102", "PGB103", "PGB104", "961", "962", "963", "964"]

    missing = [item for item in expected if not re.search(rf"(?<![\w:]){re.escape(item)}(?![\w:])", text)]

    assert missing == []


def test_retour_codes_of_xsd_are_documented(plugins):
    basisschema = plugins.bundled_xsd(TKB_NS).parent / "basisschema.xsd"
    values = etree.parse(str(basisschema)).xpath(
        "//xs:simpleType[@name='LDT_RetourCode']//xs:enumeration/@value",
        namespaces={"xs": "http://www.w3.org/2001/XMLSchema"})
    text = DOCS[0].read_text(encoding="utf-8")

    assert values
    assert [v for v in values if f"`{v}`" not in text] == []


def xml_examples(doc: Path) -> list[bytes]:
    blocks = re.findall(r"```xml\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [block.encode() for block in blocks]


def test_docs_examples_are_schema_valid(plugins):
    examples = xml_examples(DOCS[0])

    assert len(examples) == 3
    for example in examples:
        root = etree.fromstring(example)
        schema = etree.XMLSchema(etree.parse(str(plugins.bundled_xsd(etree.QName(root).namespace))))
        assert schema.validate(root), schema.error_log


def test_docs_example_tkb_is_accepted(hub):
    [tkb_example] = [e for e in xml_examples(DOCS[0]) if b"urn:ggk:ipgb:1_0:tkb\"" in e]

    outcome = hub.send("0363", tkb_example, "voorbeeld.xml")

    assert outcome.accepted, outcome
