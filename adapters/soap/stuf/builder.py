"""Writing StUF-GGk envelopes for the hub's outgoing messages, and Fo01 foutberichten.

The element order follows the XSDs of each version; tests validate every result against
them. Text goes in as given, so callers pass the StUF formats: a ``tijdstipBericht`` of
``yyyymmddhhmmss`` digits, versions of four digits.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from adapters.soap.stuf.model import (
    DU01, FO01, HEEN_ROOT, RETOUR_ROOT, STUF_NS, XMIME_NS, Parameters, StufVersion, Stuurgegevens, Systeem,
)

FO01_ROOT = "Fo01Bericht"
MAX_OMSCHRIJVING = 200  # the lengths StUF 0301 allows for Foutomschrijving and Foutdetails
MAX_DETAILS = 1000


def tijdstip(moment: datetime) -> str:
    """Return ``moment`` in UTC as a StUF Tijdstip with milliseconds: ``yyyymmddhhmmssSSS``."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y%m%d%H%M%S") + f"{utc.microsecond // 1000:03d}"


@dataclass(frozen=True)
class Bericht:
    """The file an envelope carries: XML (``xmlBestand``) or text with a file name (``tekstBestand``)."""

    payload: bytes
    is_xml: bool = True
    bestandsnaam: str | None = None


def build_envelope(version: StufVersion, stuurgegevens: Stuurgegevens, parameters: Parameters,
                   bericht: Bericht) -> bytes:
    """Return a ggk_Di01 or ggk_Du01 envelope (per ``stuurgegevens.berichtcode``) of ``version``."""
    namespace = version.namespace
    root_name = RETOUR_ROOT if stuurgegevens.berichtcode == DU01 else HEEN_ROOT
    nsmap = {"GGK": namespace, "StUF": STUF_NS}
    if version == StufVersion.GGK0310:
        nsmap["xmime"] = XMIME_NS
    root = etree.Element(f"{{{namespace}}}{root_name}", nsmap=nsmap)

    _stuurgegevens(etree.SubElement(root, f"{{{namespace}}}stuurgegevens"), stuurgegevens)
    element = etree.SubElement(root, f"{{{namespace}}}parameters")
    if version == StufVersion.GGK0310:
        _optional(element, namespace, "referentienummerBericht", parameters.referentienummer_bericht)
        if stuurgegevens.berichtcode == DU01:
            _optional(element, namespace, "crossRefnummerBericht", parameters.cross_refnummer_bericht)
    for name, value in (("applicatieVersie", parameters.applicatie_versie),
                        ("applicatieSubversie", parameters.applicatie_subversie),
                        ("functieVersie", parameters.functie_versie),
                        ("functieSubversie", parameters.functie_subversie)):
        etree.SubElement(element, f"{{{namespace}}}{name}").text = value
    _bericht(element, version, bericht)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class Fout:
    """The body of a Fo01: the foutcode, where it arose (``client`` or ``server``) and a description."""

    code: str
    omschrijving: str
    plek: str = "client"
    details: str | None = None
    details_xml: etree._Element | None = None


def build_fo01(zender: Systeem, ontvanger: Systeem, referentienummer: str, moment: datetime,
               cross_refnummer: str, fout: Fout) -> bytes:
    """Return a StUF 0301 ``Fo01Bericht``; ``cross_refnummer`` is the referentienummer it answers."""
    root = etree.Element(f"{{{STUF_NS}}}{FO01_ROOT}", nsmap={"StUF": STUF_NS})
    stuurgegevens = _stuf(root, "stuurgegevens")
    _stuf(stuurgegevens, "berichtcode").text = FO01
    _systeem(_stuf(stuurgegevens, "zender"), zender)
    _systeem(_stuf(stuurgegevens, "ontvanger"), ontvanger)
    _stuf(stuurgegevens, "referentienummer").text = referentienummer
    _stuf(stuurgegevens, "tijdstipBericht").text = tijdstip(moment)
    _stuf(stuurgegevens, "crossRefnummer").text = cross_refnummer

    body = _stuf(root, "body")
    _stuf(body, "code").text = fout.code
    _stuf(body, "plek").text = fout.plek
    _stuf(body, "omschrijving").text = _shorten(fout.omschrijving, MAX_OMSCHRIJVING)
    if fout.details:
        _stuf(body, "details").text = _shorten(fout.details, MAX_DETAILS)
    if fout.details_xml is not None:
        _stuf(body, "detailsXML").append(fout.details_xml)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _stuf(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{STUF_NS}}}{name}")


def _optional(parent: etree._Element, namespace: str, name: str, value: str | None) -> None:
    if value:
        etree.SubElement(parent, f"{{{namespace}}}{name}").text = value


def _systeem(element: etree._Element, systeem: Systeem) -> None:
    _stuf(element, "organisatie").text = systeem.organisatie
    _stuf(element, "applicatie").text = systeem.applicatie
    if systeem.administratie:
        _stuf(element, "administratie").text = systeem.administratie
    if systeem.gebruiker:
        _stuf(element, "gebruiker").text = systeem.gebruiker


def _stuurgegevens(element: etree._Element, stuurgegevens: Stuurgegevens) -> None:
    _stuf(element, "berichtcode").text = stuurgegevens.berichtcode
    _systeem(_stuf(element, "zender"), stuurgegevens.zender)
    _systeem(_stuf(element, "ontvanger"), stuurgegevens.ontvanger)
    _stuf(element, "referentienummer").text = stuurgegevens.referentienummer
    _stuf(element, "tijdstipBericht").text = stuurgegevens.tijdstip_bericht
    if stuurgegevens.berichtcode == DU01:
        _stuf(element, "crossRefnummer").text = stuurgegevens.cross_refnummer
    _stuf(element, "functie").text = stuurgegevens.functie


def _bericht(parameters: etree._Element, version: StufVersion, bericht: Bericht) -> None:
    namespace = version.namespace
    element = etree.SubElement(parameters, f"{{{namespace}}}bericht")
    encoded = base64.b64encode(bericht.payload).decode("ascii")
    if version == StufVersion.GGK0310:
        element.text = encoded
        element.set(f"{{{XMIME_NS}}}contentType", "application/xml" if bericht.is_xml else "text/plain")
        if bericht.bestandsnaam:
            element.set(f"{{{STUF_NS}}}bestandsnaam", bericht.bestandsnaam)
        return
    if bericht.is_xml:
        etree.SubElement(element, f"{{{namespace}}}xmlBestand").text = encoded
        return
    text = etree.SubElement(element, f"{{{namespace}}}tekstBestand", bestandsnaam=bericht.bestandsnaam or "bestand.txt")
    text.text = encoded


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
