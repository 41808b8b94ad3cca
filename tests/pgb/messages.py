"""Factories for iPgb 1.0 files: TKB, BAB and their retours, built as the format documents them.

The namespaces and BerichtCodes are written out here rather than taken from the plugin,
so a test fails when the plugin drifts from the documented format (docs/pgb.md).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

BASIS = "urn:ggk:ipgb:1_0:basisschema"
TKB_NS = "urn:ggk:ipgb:1_0:tkb"
TKB_RETOUR_NS = "urn:ggk:ipgb:1_0:tkbretour"
BAB_NS = "urn:ggk:ipgb:1_0:bab"
BAB_RETOUR_NS = "urn:ggk:ipgb:1_0:babretour"

GEMEENTE = "0363"
OTHER_GEMEENTE = "0599"
SVB = "SVB"
VALID_BSN = "123456782"
OTHER_VALID_BSN = "111222333"
INVALID_BSN = "123456789"  # nine digits, fails the elfproef

# heen namespace -> (retour namespace, its prefix, retour BerichtCode, record element of the retour)
RETOUR_OF = {
    TKB_NS: (TKB_RETOUR_NS, "tkbr", "962", "Toekenning"),
    BAB_NS: (BAB_RETOUR_NS, "babr", "964", "Afsluiting"),
}


@dataclass
class Bedrag:
    cents: int
    debet_credit: str = "D"


@dataclass
class Toekenning:
    beschikkingsnummer: str = "B2026-0001"
    bsn: str = VALID_BSN
    geboortedatum: str = "1980-05-17"
    ingangsdatum: str = "2027-01-01"
    einddatum: str = "2027-12-31"
    budget: Bedrag = field(default_factory=lambda: Bedrag(1_250_000))
    contactpersoon: str = "Consulent Wmo"
    telefoonnummer: str | None = "0201234567"
    datum_afgifte: str = "2026-11-20"


@dataclass
class Afsluiting:
    beschikkingsnummer: str = "B2026-0001"
    bsn: str = VALID_BSN
    geboortedatum: str = "1980-05-17"
    ingangsdatum: str = "2027-01-01"
    einddatum: str = "2027-12-31"
    toegekend: Bedrag = field(default_factory=lambda: Bedrag(1_250_000))
    besteed: Bedrag = field(default_factory=lambda: Bedrag(1_000_000))
    restant: Bedrag = field(default_factory=lambda: Bedrag(250_000))
    datum_afsluiting: str = "2028-02-15"
    reden: str = "01"


def tkb(*toekenningen: Toekenning, afzender: str = GEMEENTE, ontvanger: str = SVB,
        identificatie: str = "TKB000000001", dagtekening: str = "2026-12-01") -> bytes:
    """Return a toekenningsbeschikking with the given records (one default record when none)."""
    root = _root(TKB_NS, "tkb")
    _header(root, TKB_NS, "961", afzender, ontvanger, identificatie, dagtekening)
    for item in toekenningen or (Toekenning(),):
        record = _sub(root, TKB_NS, "Toekenning")
        _client(record, TKB_NS, item.bsn, item.geboortedatum)
        beschikking = _sub(record, TKB_NS, "Beschikking")
        _sub(beschikking, TKB_NS, "Beschikkingsnummer", item.beschikkingsnummer)
        _sub(beschikking, TKB_NS, "Ingangsdatum", item.ingangsdatum)
        _sub(beschikking, TKB_NS, "Einddatum", item.einddatum)
        _bedrag(beschikking, TKB_NS, "Budget", item.budget)
        contact = _sub(beschikking, TKB_NS, "Contactpersoon")
        _sub(contact, BASIS, "Naam", item.contactpersoon)
        if item.telefoonnummer is not None:
            _sub(contact, BASIS, "Telefoonnummer", item.telefoonnummer)
        _sub(beschikking, TKB_NS, "DatumAfgifte", item.datum_afgifte)
    return _serialise(root)


def bab(*afsluitingen: Afsluiting, afzender: str = SVB, ontvanger: str = GEMEENTE,
        identificatie: str = "BAB000000001", dagtekening: str = "2028-02-16") -> bytes:
    """Return a budgetafsluiting with the given records (one default record when none)."""
    root = _root(BAB_NS, "bab")
    _header(root, BAB_NS, "963", afzender, ontvanger, identificatie, dagtekening)
    for item in afsluitingen or (Afsluiting(),):
        record = _sub(root, BAB_NS, "Afsluiting")
        _client(record, BAB_NS, item.bsn, item.geboortedatum)
        _sub(record, BAB_NS, "Beschikkingsnummer", item.beschikkingsnummer)
        _sub(record, BAB_NS, "Ingangsdatum", item.ingangsdatum)
        _sub(record, BAB_NS, "Einddatum", item.einddatum)
        _bedrag(record, BAB_NS, "ToegekendBudget", item.toegekend)
        _bedrag(record, BAB_NS, "BesteedBedrag", item.besteed)
        _bedrag(record, BAB_NS, "Restant", item.restant)
        _sub(record, BAB_NS, "DatumAfsluiting", item.datum_afsluiting)
        _sub(record, BAB_NS, "RedenAfsluiting", item.reden)
    return _serialise(root)


def retour_on(heen: bytes, *, identificatie: str = "RET000000001", dagtekening: str = "2026-12-03",
              retourcodes: tuple[str, ...] = (), records: dict[str, tuple[str, ...]] | None = None) -> bytes:
    """Return the retour on a TKB or BAB: its header copied with the retour's BerichtCode, then the
    retour's own identity, header ``retourcodes`` and per-beschikking codes from ``records``."""
    heen_root = etree.fromstring(heen, etree.XMLParser(remove_blank_text=True))
    namespace, prefix, bericht_code, record_name = RETOUR_OF[etree.QName(heen_root).namespace]
    root = _root(namespace, prefix)
    header = _sub(root, namespace, "Header")
    for element in heen_root[0]:
        header.append(_moved(element, namespace))
    header[0].text = bericht_code

    _sub(header, namespace, "IdentificatieRetour", identificatie)
    _sub(header, namespace, "DagtekeningRetour", dagtekening)
    _xsd_versie(header, namespace, "XsdVersieRetour")
    if retourcodes:
        _retourcodes(header, namespace, retourcodes)
    for beschikkingsnummer, codes in (records or {}).items():
        record = _sub(root, namespace, record_name)
        _sub(record, namespace, "Beschikkingsnummer", beschikkingsnummer)
        _retourcodes(record, namespace, codes)
    return _serialise(root)


def sourceline(data: bytes, local_name: str, occurrence: int = 1) -> int:
    """Return the line of the n-th element with this local name, counting from 1."""
    found = etree.fromstring(data).findall(f".//{{*}}{local_name}")
    return found[occurrence - 1].sourceline


def replace_text(data: bytes, local_name: str, value: str, occurrence: int = 1) -> bytes:
    """Return ``data`` with the text of the n-th element of this local name replaced."""
    root = etree.fromstring(data)
    root.findall(f".//{{*}}{local_name}")[occurrence - 1].text = value
    return _serialise(root)


# -- building blocks --------------------------------------------------------------------------


def _root(namespace: str, prefix: str) -> etree._Element:
    return etree.Element(f"{{{namespace}}}Bericht", nsmap={prefix: namespace, "ipgb": BASIS})


def _sub(parent: etree._Element, namespace: str, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    if text is not None:
        element.text = text
    return element


def _header(root, namespace, bericht_code, afzender, ontvanger, identificatie, dagtekening) -> None:
    header = _sub(root, namespace, "Header")
    _sub(header, namespace, "BerichtCode", bericht_code)
    _sub(header, namespace, "BerichtVersie", "1")
    _sub(header, namespace, "BerichtSubversie", "0")
    _sub(header, namespace, "Afzender", afzender)
    _sub(header, namespace, "Ontvanger", ontvanger)
    identity = _sub(header, namespace, "BerichtIdentificatie")
    _sub(identity, BASIS, "Identificatie", identificatie)
    _sub(identity, BASIS, "Dagtekening", dagtekening)
    _xsd_versie(header, namespace, "XsdVersie")


def _xsd_versie(header, namespace, name) -> None:
    versions = _sub(header, namespace, name)
    _sub(versions, BASIS, "BasisschemaXsdVersie", "1.0.0")
    _sub(versions, BASIS, "BerichtXsdVersie", "1.0.0")


def _client(record, namespace, bsn, geboortedatum) -> None:
    client = _sub(record, namespace, "Client")
    _sub(client, namespace, "Bsn", bsn)
    _sub(client, namespace, "Geboortedatum", geboortedatum)


def _bedrag(parent, namespace, name, amount: Bedrag) -> None:
    element = _sub(parent, namespace, name)
    _sub(element, BASIS, "Bedrag", str(amount.cents))
    _sub(element, BASIS, "DebetCredit", amount.debet_credit)


def _retourcodes(parent, namespace, codes) -> None:
    element = _sub(parent, namespace, "RetourCodes")
    for code in codes:
        _sub(element, BASIS, "RetourCode", code)


def _moved(element: etree._Element, namespace: str) -> etree._Element:
    """Copy a heen header element into the retour's namespace. Its basisschema children keep theirs."""
    moved = copy.deepcopy(element)
    moved.tag = f"{{{namespace}}}{etree.QName(element).localname}"
    return moved


def _serialise(root: etree._Element) -> bytes:
    etree.cleanup_namespaces(root, top_nsmap=root.nsmap)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
