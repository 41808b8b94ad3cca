"""Finding Wlz signals not yet sent: the daily comparison of the register with the provisions.

A provision is considered while it runs or is requested on the day of the comparison
(no end date, or one on or after that day). An indication overlaps it when their periods
meet; a provision without an ingangsdatum counts as starting on that day.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from adapters.storage.wlz_tables import OPEN_END, WlzIndicationRow, WlzProvisionRow, WlzSignalRow
from plugins.wlz.bsn import bsn_from_int
from plugins.wlz.model import (
    Gebeurtenis, IndicationKind, Provision, ProvisionSource, ProvisionStatus, Signal, SignalKey, Wet,
)

INDICATIONS = WlzIndicationRow.__table__
PROVISIONS = WlzProvisionRow.__table__
SIGNALS = WlzSignalRow.__table__


def new_signals(connection: Connection, today: date, gemeenten: set[str]) -> list[Signal]:
    """Return the START, EINDE and VERVALLEN signals that ``gemeenten`` have not had yet."""
    if not gemeenten:
        return []
    return _overlap_signals(connection, today, sorted(gemeenten)) + _withdrawn_signals(connection, sorted(gemeenten))


def _signal_exists(gebeurtenis: Gebeurtenis, key_end):
    return exists().where(
        SIGNALS.c.bsn == PROVISIONS.c.bsn, SIGNALS.c.gemeente == PROVISIONS.c.gemeente,
        SIGNALS.c.gebeurtenis == gebeurtenis.value, SIGNALS.c.ingangsdatum == INDICATIONS.c.ingangsdatum,
        SIGNALS.c.sleutel_einddatum == key_end,
    )


def _overlap_signals(connection: Connection, today: date, gemeenten: list[str]) -> list[Signal]:
    has_start = _signal_exists(Gebeurtenis.START, OPEN_END)
    has_end = _signal_exists(Gebeurtenis.EINDE, INDICATIONS.c.einddatum)
    statement = (
        select(PROVISIONS, INDICATIONS.c.soort.label("indicatie_soort"),
               INDICATIONS.c.ingangsdatum.label("indicatie_start"), INDICATIONS.c.einddatum.label("indicatie_einde"),
               has_start.label("has_start"), has_end.label("has_end"))
        .select_from(PROVISIONS.join(INDICATIONS, INDICATIONS.c.bsn == PROVISIONS.c.bsn))
        .where(
            PROVISIONS.c.gemeente.in_(gemeenten),
            or_(PROVISIONS.c.einddatum.is_(None), PROVISIONS.c.einddatum >= today),
            or_(INDICATIONS.c.einddatum.is_(None),
                INDICATIONS.c.einddatum >= func.coalesce(PROVISIONS.c.ingangsdatum, today)),
            or_(PROVISIONS.c.einddatum.is_(None), INDICATIONS.c.ingangsdatum <= PROVISIONS.c.einddatum),
            ~and_(has_start, or_(INDICATIONS.c.einddatum.is_(None), has_end)),
        )
        .order_by(PROVISIONS.c.gemeente, PROVISIONS.c.bsn, INDICATIONS.c.ingangsdatum, PROVISIONS.c.id)
    )
    grouped: dict[tuple, dict] = {}
    provisions: dict[tuple, list[Provision]] = defaultdict(list)
    for row in connection.execute(statement):
        key = (row.gemeente, row.bsn, row.indicatie_start)
        grouped.setdefault(key, {"soort": row.indicatie_soort, "einde": row.indicatie_einde,
                                 "has_start": bool(row.has_start), "has_end": bool(row.has_end)})
        provision = provision_of(row)
        if provision not in provisions[key]:
            provisions[key].append(provision)
    signals = []
    for (gemeente, bsn, start), found in grouped.items():
        overlapped = tuple(provisions[(gemeente, bsn, start)])
        soort = IndicationKind(found["soort"])
        if not found["has_start"]:
            key = SignalKey(bsn_from_int(bsn), gemeente, Gebeurtenis.START, start, None)
            signals.append(Signal(key, soort, found["einde"], overlapped))
        if found["einde"] is not None and not found["has_end"]:
            key = SignalKey(bsn_from_int(bsn), gemeente, Gebeurtenis.EINDE, start, found["einde"])
            signals.append(Signal(key, soort, found["einde"], overlapped))
    return signals


def _withdrawn_signals(connection: Connection, gemeenten: list[str]) -> list[Signal]:
    """Return a VERVALLEN signal for each START whose indication period left the register."""
    withdrawn = aliased(SIGNALS)
    statement = select(SIGNALS).where(
        SIGNALS.c.gebeurtenis == Gebeurtenis.START.value,
        SIGNALS.c.gemeente.in_(gemeenten),
        ~exists().where(INDICATIONS.c.bsn == SIGNALS.c.bsn, INDICATIONS.c.ingangsdatum == SIGNALS.c.ingangsdatum),
        ~exists().where(withdrawn.c.bsn == SIGNALS.c.bsn, withdrawn.c.gemeente == SIGNALS.c.gemeente,
                        withdrawn.c.gebeurtenis == Gebeurtenis.VERVALLEN.value,
                        withdrawn.c.ingangsdatum == SIGNALS.c.ingangsdatum),
    ).order_by(SIGNALS.c.gemeente, SIGNALS.c.bsn, SIGNALS.c.ingangsdatum)
    signals = []
    for row in connection.execute(statement):
        key = SignalKey(bsn_from_int(row.bsn), row.gemeente, Gebeurtenis.VERVALLEN, row.ingangsdatum, None)
        signals.append(Signal(key, IndicationKind(row.soort), row.einddatum,
                              provisions_from_json(row.voorzieningen, key.bsn)))
    return signals


def provision_of(row) -> Provision:
    return Provision(
        gemeente=row.gemeente, bsn=bsn_from_int(row.bsn), wet=Wet(row.wet), bron=ProvisionSource(row.bron),
        status=ProvisionStatus(row.status), ingangsdatum=row.ingangsdatum, einddatum=row.einddatum,
        referentie=row.referentie, product_categorie=row.product_categorie, product_code=row.product_code,
    )


def signal_values(signal: Signal, batch_id: str, created_at) -> dict:
    key = signal.key
    return {
        "batch_id": batch_id, "bsn": int(key.bsn), "gemeente": key.gemeente, "gebeurtenis": key.gebeurtenis.value,
        "ingangsdatum": key.ingangsdatum, "sleutel_einddatum": key.einddatum or OPEN_END,
        "einddatum": signal.einddatum, "soort": signal.soort.value,
        "voorzieningen": provisions_to_json(signal.voorzieningen), "created_at": created_at,
    }


def signal_of(row) -> Signal:
    key_end = None if row.sleutel_einddatum == OPEN_END else row.sleutel_einddatum
    key = SignalKey(bsn_from_int(row.bsn), row.gemeente, Gebeurtenis(row.gebeurtenis), row.ingangsdatum, key_end)
    return Signal(key, IndicationKind(row.soort), row.einddatum, provisions_from_json(row.voorzieningen, key.bsn))


def provisions_to_json(provisions: tuple[Provision, ...]) -> str:
    return json.dumps([{**p.as_dict(), "gemeente": p.gemeente, "ingangsdatum": _iso(p.ingangsdatum),
                        "einddatum": _iso(p.einddatum)} for p in provisions])


def provisions_from_json(text: str, bsn: str) -> tuple[Provision, ...]:
    """Read the provisions stored with a signal; the BSN is the signal's, not stored again."""
    return tuple(
        Provision(gemeente=item["gemeente"], bsn=bsn, wet=Wet(item["wet"]), bron=ProvisionSource(item["bron"]),
                  status=ProvisionStatus(item["status"]), ingangsdatum=_date(item["ingangsdatum"]),
                  einddatum=_date(item["einddatum"]), referentie=item["referentie"],
                  product_categorie=item["product_categorie"], product_code=item["product_code"])
        for item in json.loads(text)
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
