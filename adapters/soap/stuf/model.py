"""The parts of a StUF-GGk envelope, named as in the StUF-GGk specification (version 2.1)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

STUF_NS = "http://www.egem.nl/StUF/StUF0301"
XMIME_NS = "http://www.w3.org/2005/05/xmlmime"

DI01 = "Di01"
DU01 = "Du01"
FO01 = "Fo01"

HEEN_ROOT = "envelopHeenbericht-ggk_Di01"
RETOUR_ROOT = "envelopRetourbericht-ggk_Du01"
ROOTS = {HEEN_ROOT: DI01, RETOUR_ROOT: DU01}

UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ANY_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
XML_CONTENT_TYPES = ("application/xml", "text/xml")


class StufVersion(str, enum.Enum):
    """An envelope version: its namespace, the XSD that defines it and its referentienummer rule.

    ggk0210 (StUF-GGk 2.1 patch 4) requires version 4 UUIDs in lower case, as its XSD
    pattern does. The older ggk0310 package restricts the referentienummer to 40
    characters only and its own examples carry version 1 UUIDs, so there any UUID passes.
    """

    GGK0210 = "ggk0210"
    GGK0310 = "ggk0310"

    @property
    def namespace(self) -> str:
        return NAMESPACES[self]

    @property
    def entry(self) -> str:
        return ENTRIES[self]

    def valid_reference(self, value: str) -> bool:
        pattern = UUID_V4 if self == StufVersion.GGK0210 else ANY_UUID
        return bool(pattern.match(value))


NAMESPACES = {
    StufVersion.GGK0210: "http://www.stufstandaarden.nl/koppelvlak/ggk0210",
    StufVersion.GGK0310: "http://www.stufstandaarden.nl/sectormodel/ggk/0210",
}
ENTRIES = {
    StufVersion.GGK0210: "ggk0210_msg_ggkberichten.xsd",
    StufVersion.GGK0310: "ggk0310_msg.xsd",
}
FO01_ENTRY = "stuf0301.xsd"


def version_of(namespace: str | None) -> StufVersion | None:
    return next((version for version, known in NAMESPACES.items() if known == namespace), None)


@dataclass(frozen=True)
class Systeem:
    """A ``zender`` or ``ontvanger``: the organisation code and the application."""

    organisatie: str
    applicatie: str
    administratie: str | None = None
    gebruiker: str | None = None


@dataclass(frozen=True)
class Stuurgegevens:
    berichtcode: str
    zender: Systeem
    ontvanger: Systeem
    referentienummer: str
    tijdstip_bericht: str
    functie: str
    cross_refnummer: str | None = None  # a Du01's: the referentienummer of the Di01 it answers


@dataclass(frozen=True)
class Parameters:
    """Versions as 4-digit strings (``0004``); ggk0310 may add its own reference numbers."""

    applicatie_versie: str
    applicatie_subversie: str
    functie_versie: str
    functie_subversie: str
    referentienummer_bericht: str | None = None
    cross_refnummer_bericht: str | None = None


@dataclass(frozen=True)
class StufEnvelope:
    """A read envelope with its decoded file. ``is_xml`` is true for an ``xmlBestand``
    (ggk0210) or an XML content type (ggk0310); otherwise the file is a ``tekstBestand``."""

    version: StufVersion
    stuurgegevens: Stuurgegevens
    parameters: Parameters
    payload: bytes = field(repr=False)
    is_xml: bool = True
    bestandsnaam: str | None = None
    content_type: str | None = None

    @property
    def details(self) -> str:
        """Return the Fo01 ``details`` value: functie, a dash, and the application version and subversion."""
        return fo01_details(self.stuurgegevens.functie, self.parameters.applicatie_versie,
                            self.parameters.applicatie_subversie)


@dataclass(frozen=True)
class PartialEnvelope:
    """What could be read from an envelope that was refused, for the Fo01 that answers it."""

    berichtcode: str | None = None
    zender_organisatie: str | None = None
    zender_applicatie: str | None = None
    referentienummer: str | None = None
    functie: str | None = None
    applicatie_versie: str | None = None
    applicatie_subversie: str | None = None
    version: StufVersion | None = None

    @property
    def details(self) -> str | None:
        if not self.functie:
            return None
        return fo01_details(self.functie, self.applicatie_versie or "", self.applicatie_subversie or "")


def fo01_details(functie: str, versie: str, subversie: str) -> str:
    return f"{functie}-{versie}{subversie}"


class StufFault(Exception):
    """An envelope is refused with a GGk foutcode (StUF055, IB009, IB240 ...).

    ``partial`` holds what the hub read of it, so that the Fo01 can name the
    referentienummer and the functie; ``line`` points into the envelope when known.
    """

    def __init__(self, code: str, detail: str, partial: PartialEnvelope | None = None, *, line: int | None = None):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.partial = partial or PartialEnvelope()
        self.line = line
