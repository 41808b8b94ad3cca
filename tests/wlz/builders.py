"""Test data of the Wlz service: valid BSNs, register files and provisions lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def bsns(count: int, start: int = 10_000_000) -> list[str]:
    """Return ``count`` distinct BSNs that pass the elfproef, from the eight-digit prefix ``start`` on."""
    return list(bsn_stream(start, count))


def bsn_stream(start: int, count: int) -> Iterator[str]:
    prefix = start
    made = 0
    while made < count:
        digits = f"{prefix:08d}"
        check = sum(weight * int(digit) for weight, digit in zip(WEIGHTS, digits)) % 11
        prefix += 1
        if check == 10:
            continue
        made += 1
        yield digits + str(check)


def invalid_bsn(valid: str) -> str:
    """Return ``valid`` with its last digit changed, so it fails the elfproef."""
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


def register_csv(path: Path, rows: list[tuple], *, changes: bool = False) -> Path:
    """Write a register CSV: rows of (besluitnummer, bsn, soort, ingangsdatum, einddatum), with a
    leading mutatie for a change file."""
    header = "besluitnummer;bsn;soort;ingangsdatum;einddatum"
    if changes:
        header = "mutatie;" + header
    lines = [header] + [";".join("" if value is None else str(value) for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def register_xml(path: Path, rows: list[tuple], *, changes: bool = False, created: date = date(2026, 12, 1)) -> Path:
    namespace = "urn:ggk:wlz:indicaties:1.0"
    root, element = ("WlzMutaties", "Mutatie") if changes else ("WlzRegister", "Indicatie")
    names = (["Actie"] if changes else []) + ["Besluitnummer", "Bsn", "Soort", "Ingangsdatum", "Einddatum"]
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<r:{root} xmlns:r="{namespace}">',
             f"  <r:Aanmaakdatum>{created.isoformat()}</r:Aanmaakdatum>"]
    for row in rows:
        fields = "".join(f"<r:{name}>{value}</r:{name}>" for name, value in zip(names, row) if value is not None)
        parts.append(f"  <r:{element}>{fields}</r:{element}>")
    parts.append(f"</r:{root}>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def provisions_csv(path: Path, rows: list[dict]) -> Path:
    columns = ["bsn", "wet", "status", "ingangsdatum", "einddatum", "referentie", "productcategorie", "productcode"]
    lines = [";".join(columns)] + [";".join(str(row.get(column) or "") for column in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def provisions_xml(gemeente: str, rows: list[dict], identificatie: str = "L1",
                   dagtekening: date = date(2026, 12, 1)) -> bytes:
    namespace = "urn:ggk:wlz:voorzieningen:1.0"
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<vz:Voorzieningen xmlns:vz="{namespace}">',
             f"<vz:Header><vz:BerichtCode>952</vz:BerichtCode><vz:Afzender>{gemeente}</vz:Afzender>"
             f"<vz:BerichtIdentificatie><vz:Identificatie>{identificatie}</vz:Identificatie>"
             f"<vz:Dagtekening>{dagtekening.isoformat()}</vz:Dagtekening></vz:BerichtIdentificatie></vz:Header>"]
    for row in rows:
        fields = [f"<vz:Bsn>{row['bsn']}</vz:Bsn>", f"<vz:Wet>{row['wet']}</vz:Wet>",
                  f"<vz:Status>{row['status']}</vz:Status>"]
        for name in ("ingangsdatum", "einddatum", "referentie"):
            if row.get(name):
                fields.append(f"<vz:{name.capitalize()}>{row[name]}</vz:{name.capitalize()}>")
        parts.append("<vz:Voorziening>" + "".join(fields) + "</vz:Voorziening>")
    parts.append("</vz:Voorzieningen>")
    return "\n".join(parts).encode()
