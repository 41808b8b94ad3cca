"""Domain objects of the Wlz service: indications, provisions, signals and reports."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

SERVICE = "wlz"
SIGNAL_SENDER = "IB"  # the Inlichtingenbureau: the chain partner that sends Wlz signalen
REGISTER_SUPPLIER = "CIZ"  # the chain partner that supplies the Wlz register


class IndicationKind(str, enum.Enum):
    """The kind of a Wlz indication, by the sector of the care it grants (design: a small code list)."""

    VV = "VV"  # verpleging en verzorging
    VG = "VG"  # verstandelijk gehandicapt
    LG = "LG"  # lichamelijk gehandicapt
    ZG = "ZG"  # zintuiglijk gehandicapt
    GGZ = "GGZ"  # geestelijke gezondheidszorg, wonen
    LVG = "LVG"  # licht verstandelijk gehandicapt


@dataclass(frozen=True)
class Indication:
    """One Wlz indication in the register; ``besluitnummer`` is the CIZ's key of the decision."""

    besluitnummer: str
    bsn: str
    soort: IndicationKind
    ingangsdatum: date
    einddatum: date | None = None

    def covers(self, day: date) -> bool:
        return self.ingangsdatum <= day and (self.einddatum is None or day <= self.einddatum)


class ChangeAction(str, enum.Enum):
    """The effect of one change-file row on the register."""

    TOEVOEGEN = "toevoegen"  # add a new indication
    WIJZIGEN = "wijzigen"  # replace the values of an existing indication
    BEEINDIGEN = "beeindigen"  # set the end date of an existing indication


@dataclass(frozen=True)
class Change:
    """One row of a change file. For BEEINDIGEN only ``besluitnummer`` and ``einddatum`` are required."""

    row: int
    action: ChangeAction
    besluitnummer: str
    bsn: str | None
    soort: IndicationKind | None
    ingangsdatum: date | None
    einddatum: date | None


class FileKind(str, enum.Enum):
    FULL = "volledig"  # replaces the whole register
    CHANGES = "mutaties"  # adds, changes and ends indications


@dataclass
class ImportCounts:
    added: int = 0
    changed: int = 0
    ended: int = 0
    removed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"added": self.added, "changed": self.changed, "ended": self.ended,
                "removed": self.removed, "unchanged": self.unchanged}


@dataclass(frozen=True)
class ImportRecord:
    """One register file the hub imported, identified by the SHA-256 of its bytes."""

    sha256: str
    kind: FileKind
    file_format: str  # "csv" or "xml"
    filename: str | None
    rows: int
    imported_at: datetime
    actor: str
    counts: ImportCounts = field(default_factory=ImportCounts)


@dataclass(frozen=True)
class ImportReport:
    record: ImportRecord
    already_imported: bool  # True: the same file was imported before and nothing changed now
    signals: "SignalRunReport | None" = None

    def as_dict(self) -> dict:
        result = {
            "sha256": self.record.sha256, "kind": self.record.kind.value, "format": self.record.file_format,
            "file": self.record.filename, "rows": self.record.rows, "imported_at": self.record.imported_at,
            "already_imported": self.already_imported, **self.record.counts.as_dict(),
        }
        if self.signals is not None:
            result["signals"] = self.signals.as_dict()
        return result


class Wet(str, enum.Enum):
    """The act a provision is granted under."""

    WMO = "WMO"
    JW = "JW"


class ProvisionStatus(str, enum.Enum):
    AANGEVRAAGD = "AANGEVRAAGD"  # requested, not yet granted
    LOPEND = "LOPEND"  # granted and running (or starting later)


class ProvisionSource(str, enum.Enum):
    LIJST = "LIJST"  # the list of residents the gemeente uploaded
    TOEWIJZING = "TOEWIJZING"  # a WMO301 or JW301 the hub routed


@dataclass(frozen=True)
class Provision:
    """A running or requested Wmo or Jeugd provision of a gemeente for one resident.

    A missing ``ingangsdatum`` (a request without a planned start) counts as starting
    on the day of the comparison; a missing ``einddatum`` means open-ended.
    """

    gemeente: str
    bsn: str
    wet: Wet
    bron: ProvisionSource
    status: ProvisionStatus
    ingangsdatum: date | None = None
    einddatum: date | None = None
    referentie: str | None = None  # ToewijzingNummer, or the gemeente's own reference
    product_categorie: str | None = None
    product_code: str | None = None

    def as_dict(self) -> dict:
        return {"wet": self.wet.value, "bron": self.bron.value, "status": self.status.value,
                "ingangsdatum": self.ingangsdatum, "einddatum": self.einddatum, "referentie": self.referentie,
                "product_categorie": self.product_categorie, "product_code": self.product_code}


@dataclass(frozen=True)
class ProvisionEnd:
    """A stop of a toewijzing (from a WMO307 or JW307): the provision ends on ``einddatum``."""

    gemeente: str
    wet: Wet
    referentie: str
    einddatum: date


@dataclass(frozen=True)
class ProvisionListReport:
    gemeente: str
    rows: int
    replaced: int  # rows of the previous list that this list replaced

    def as_dict(self) -> dict:
        return {"gemeente": self.gemeente, "rows": self.rows, "replaced": self.replaced}


class Gebeurtenis(str, enum.Enum):
    """The change a signal reports."""

    START = "START"  # a Wlz indication starts (or started) during a provision
    EINDE = "EINDE"  # such an indication has (or got) an end date
    VERVALLEN = "VERVALLEN"  # a signalled indication is no longer in the register


@dataclass(frozen=True)
class SignalKey:
    """The unique key of a signal, so a gemeente gets each change of an indication period once.

    ``einddatum`` is part of the key of an EINDE signal only, so a later different end
    date is a new change.
    """

    bsn: str
    gemeente: str
    gebeurtenis: Gebeurtenis
    ingangsdatum: date
    einddatum: date | None


@dataclass(frozen=True)
class Signal:
    key: SignalKey
    soort: IndicationKind
    einddatum: date | None  # the indication's end date, also for START and VERVALLEN
    voorzieningen: tuple[Provision, ...]


@dataclass
class SignalRunReport:
    peildatum: date
    signals: int = 0
    messages: int = 0
    by_gemeente: dict[str, int] = field(default_factory=dict)
    rejected: list[dict] = field(default_factory=list)  # batches the hub refused, with code

    def as_dict(self) -> dict:
        return {"peildatum": self.peildatum, "signals": self.signals, "messages": self.messages,
                "by_gemeente": dict(sorted(self.by_gemeente.items())), "rejected": list(self.rejected)}


class IndicationPeriod(NamedTuple):
    """One indication covering a peildatum. It is a tuple because a batch result contains thousands."""

    soort: IndicationKind
    ingangsdatum: date
    einddatum: date | None

    def as_dict(self) -> dict:
        return {"soort": self.soort.value, "ingangsdatum": self.ingangsdatum, "einddatum": self.einddatum}


class ToetsResult(NamedTuple):
    """The result for one BSN: the indications that cover the peildatum (none: no Wlz indication)."""

    bsn: str
    perioden: tuple[IndicationPeriod, ...]

    @property
    def indicatie(self) -> bool:
        return bool(self.perioden)

    def as_dict(self) -> dict:
        return {"bsn": self.bsn, "indicatie": self.indicatie, "perioden": [p.as_dict() for p in self.perioden]}


@dataclass(frozen=True)
class ToetsAnswer:
    peildatum: date
    results: tuple[ToetsResult, ...]  # in the order of the question, duplicates included

    def as_dict(self) -> dict:
        return {"peildatum": self.peildatum, "results": [r.as_dict() for r in self.results]}


@dataclass(frozen=True)
class ToetsAudit:
    """The audit record of one registertoets: who, when, how many BSNs, which peildatum; never the BSNs."""

    at: datetime
    actor: str
    organisation: str
    channel: str
    bsn_count: int
    peildatum: date
    user_id: str | None = None
    id: int | None = None
