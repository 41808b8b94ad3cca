"""Reading a StUF-GGk envelope: the checks run in this order, and the first failure raises
StufFault with its GGk foutcode, so the most specific code wins.

    DOCTYPE, byte order mark, other encoding, not well-formed      StUF055
    root is no ggk_Di01 or ggk_Du01 envelope of a known version    StUF055
    version differs from the one configured for the organisation   IB798
    referentienummer (and a Du01's crossRefnummer) no valid UUID   IB009
    envelope does not match its XSD                                StUF055

IB009 comes before the XSD, although the ggk0210 XSD rejects such a referentienummer too.
No DTD is ever loaded: a DOCTYPE is refused before the parser runs, so the envelope can
be parsed with lxml's ``huge_tree`` for a base64 payload of 25 MiB.
"""

from __future__ import annotations

import base64
import binascii
import io

from lxml import etree

from adapters.soap.stuf.model import (
    DU01, ROOTS, STUF_NS, XML_CONTENT_TYPES, XMIME_NS, Parameters, PartialEnvelope, StufEnvelope, StufFault,
    StufVersion, Stuurgegevens, Systeem, version_of,
)
from adapters.soap.stuf.schemas import StufSchemas
from core import codes
from core.errors import Rejected
from core.xmlread import check_prolog

PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=True)


class StufReader:
    """Read envelopes against the XSDs in ``schemas``."""

    def __init__(self, schemas: StufSchemas):
        self._schemas = schemas

    def read(self, data: bytes, configured: StufVersion | None = None) -> StufEnvelope:
        """Return the envelope in ``data``; raise StufFault on the first fault (see the module docstring)."""
        root = _parse(data)
        version = version_of(etree.QName(root).namespace)
        kind = ROOTS.get(etree.QName(root).localname)
        if version is None or kind is None:
            raise StufFault(codes.STUF055, f"the root element {root.tag} is no ggk_Di01 or ggk_Du01 envelope "
                                           "of StUF-GGk ggk0210 or ggk0310")
        partial = _partial(root, version)

        if configured is not None and version != configured:
            raise StufFault(codes.IB798, f"the envelope is StUF-GGk {version.value}, but {configured.value} is "
                                         "configured for this organisation", partial)
        _check_references(root, version, kind, partial)

        schema = self._schemas.envelope(version)
        if not schema.validate(root):
            first = schema.error_log[0]
            raise StufFault(codes.STUF055, f"the envelope does not match the {version.value} XSD: {first.message}",
                            partial, line=first.line)
        return _envelope(root, version, kind)


def _parse(data: bytes) -> etree._Element:
    try:
        check_prolog(io.BytesIO(data))
    except Rejected as rejected:
        raise StufFault(codes.STUF055, f"the envelope is refused: {rejected.detail}", line=rejected.line) from None
    try:
        return etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))
    except etree.XMLSyntaxError as error:
        raise StufFault(codes.STUF055, f"the envelope is not well-formed XML: {error.msg}", line=error.lineno) from None


def _child(parent: etree._Element | None, name: str, namespace: str = STUF_NS) -> etree._Element | None:
    return parent.find(f"{{{namespace}}}{name}") if parent is not None else None


def _text(parent: etree._Element | None, name: str, namespace: str = STUF_NS) -> str | None:
    element = _child(parent, name, namespace)
    if element is None or element.text is None:
        return None
    return element.text.strip()


def _partial(root: etree._Element, version: StufVersion) -> PartialEnvelope:
    """Read what the Fo01 may name, from an envelope that has not been validated yet."""
    stuurgegevens = _child(root, "stuurgegevens", version.namespace)
    parameters = _child(root, "parameters", version.namespace)
    zender = _child(stuurgegevens, "zender")
    return PartialEnvelope(
        berichtcode=_text(stuurgegevens, "berichtcode"),
        zender_organisatie=_text(zender, "organisatie"),
        zender_applicatie=_text(zender, "applicatie"),
        referentienummer=_text(stuurgegevens, "referentienummer"),
        functie=_text(stuurgegevens, "functie"),
        applicatie_versie=_text(parameters, "applicatieVersie", version.namespace),
        applicatie_subversie=_text(parameters, "applicatieSubversie", version.namespace),
        version=version,
    )


def _check_references(root: etree._Element, version: StufVersion, kind: str, partial: PartialEnvelope) -> None:
    stuurgegevens = _child(root, "stuurgegevens", version.namespace)
    names = ("referentienummer", "crossRefnummer") if kind == DU01 else ("referentienummer",)
    rule = "a version 4 UUID in lower case" if version == StufVersion.GGK0210 else "a UUID"
    for name in names:
        value = _text(stuurgegevens, name)
        if value is not None and not version.valid_reference(value):
            raise StufFault(codes.IB009, f"{name} {value!r} is not {rule}", partial)


def _systeem(element: etree._Element) -> Systeem:
    return Systeem(
        organisatie=_text(element, "organisatie") or "",
        applicatie=_text(element, "applicatie") or "",
        administratie=_text(element, "administratie"),
        gebruiker=_text(element, "gebruiker"),
    )


def _envelope(root: etree._Element, version: StufVersion, kind: str) -> StufEnvelope:
    namespace = version.namespace
    stuurgegevens = _child(root, "stuurgegevens", namespace)
    parameters = _child(root, "parameters", namespace)
    bericht = _child(parameters, "bericht", namespace)
    payload, is_xml, bestandsnaam, content_type = _bericht(bericht, version)
    return StufEnvelope(
        version=version,
        stuurgegevens=Stuurgegevens(
            berichtcode=kind,
            zender=_systeem(_child(stuurgegevens, "zender")),
            ontvanger=_systeem(_child(stuurgegevens, "ontvanger")),
            referentienummer=_text(stuurgegevens, "referentienummer"),
            tijdstip_bericht=_text(stuurgegevens, "tijdstipBericht"),
            functie=_text(stuurgegevens, "functie"),
            cross_refnummer=_text(stuurgegevens, "crossRefnummer"),
        ),
        parameters=Parameters(
            applicatie_versie=_text(parameters, "applicatieVersie", namespace),
            applicatie_subversie=_text(parameters, "applicatieSubversie", namespace),
            functie_versie=_text(parameters, "functieVersie", namespace),
            functie_subversie=_text(parameters, "functieSubversie", namespace),
            referentienummer_bericht=_text(parameters, "referentienummerBericht", namespace),
            cross_refnummer_bericht=_text(parameters, "crossRefnummerBericht", namespace),
        ),
        payload=payload, is_xml=is_xml, bestandsnaam=bestandsnaam, content_type=content_type,
    )


def _bericht(bericht: etree._Element, version: StufVersion) -> tuple[bytes, bool, str | None, str | None]:
    """Return (payload, is_xml, bestandsnaam, content type) of the ``bericht`` element."""
    if version == StufVersion.GGK0210:
        xml = _child(bericht, "xmlBestand", version.namespace)
        if xml is not None:
            return _decode(xml), True, None, None
        text = _child(bericht, "tekstBestand", version.namespace)
        return _decode(text), False, text.get("bestandsnaam"), None
    content_type = bericht.get(f"{{{XMIME_NS}}}contentType")
    is_xml = (content_type or "").split(";")[0].strip().lower() in XML_CONTENT_TYPES
    return _decode(bericht), is_xml, bericht.get(f"{{{STUF_NS}}}bestandsnaam"), content_type


def _decode(element: etree._Element) -> bytes:
    try:
        return base64.b64decode("".join((element.text or "").split()), validate=True)
    except binascii.Error as error:
        raise StufFault(codes.STUF055, f"the file in the envelope is not valid base64: {error}",
                        line=element.sourceline) from None
