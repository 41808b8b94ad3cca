"""The register's bulk writes: replacing the whole register and applying a change file.

A full file is loaded into a temporary staging table and compared with the register in
SQL, so only the rows that differ are written and memory stays flat for millions of rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Column, Connection, Date, Integer, MetaData, String, Table, bindparam, delete, exists, func, insert, or_,
    select, text, update,
)

from adapters.storage.wlz_tables import WlzIndicationRow
from plugins.wlz.bsn import bsn_from_int
from plugins.wlz.errors import InvalidRows, RowError
from plugins.wlz.fields import shown
from plugins.wlz.model import Change, ImportCounts, Indication, IndicationKind
from plugins.wlz.ports import Planner

INSERT_CHUNK = 10_000
LOOKUP_CHUNK = 5_000
REGISTER = WlzIndicationRow.__table__
VALUE_COLUMNS = ("bsn", "soort", "ingangsdatum", "einddatum")

_staging_metadata = MetaData()
STAGING = Table(
    "wlz_import_staging", _staging_metadata,
    Column("besluitnummer", String(20)),
    Column("bsn", Integer),
    Column("soort", String(16)),
    Column("ingangsdatum", Date),
    Column("einddatum", Date),
    Column("rownr", Integer),
    prefixes=["TEMPORARY"],
)
# Created after the rows are loaded, which is faster than keeping it up to date while loading.
STAGING_INDEX = text("CREATE INDEX ix_wlz_import_staging_besluitnummer ON wlz_import_staging (besluitnummer)")


def replace_register(connection: Connection, rows: Iterable[Indication]) -> tuple[ImportCounts, int]:
    """Replace the register with ``rows``; return the counts and the number of rows read."""
    STAGING.drop(connection, checkfirst=True)
    STAGING.create(connection)
    total = _stage(connection, rows)
    connection.execute(STAGING_INDEX)
    _reject_repeated(connection)
    counts = _compare(connection, total)
    _apply_staged(connection)
    STAGING.drop(connection)
    if connection.dialect.name == "postgresql":
        # Without fresh statistics after a bulk load PostgreSQL plans the registertoets as a
        # scan of the whole table (measured with bench/wlz.py); autovacuum would analyze it later.
        connection.execute(text("ANALYZE wlz_indicaties"))
    return counts, total


def _stage(connection: Connection, rows: Iterable[Indication]) -> int:
    batch: list[dict] = []
    total = 0
    for row_number, indication in enumerate(rows, start=1):
        batch.append({"besluitnummer": indication.besluitnummer, "bsn": int(indication.bsn),
                      "soort": indication.soort.value, "ingangsdatum": indication.ingangsdatum,
                      "einddatum": indication.einddatum, "rownr": row_number})
        if len(batch) >= INSERT_CHUNK:
            connection.execute(insert(STAGING), batch)
            total += len(batch)
            batch = []
    if batch:
        connection.execute(insert(STAGING), batch)
        total += len(batch)
    return total


def _reject_repeated(connection: Connection) -> None:
    statement = (select(STAGING.c.besluitnummer, func.min(STAGING.c.rownr), func.max(STAGING.c.rownr))
                 .group_by(STAGING.c.besluitnummer).having(func.count() > 1).limit(100))
    repeated = connection.execute(statement).all()
    if repeated:
        raise InvalidRows([RowError(last, "besluitnummer", f"{shown(number)} repeats valid row {first}")
                           for number, first, last in repeated])


def _same_key():
    return REGISTER.c.besluitnummer == STAGING.c.besluitnummer


def _differs():
    return or_(*(REGISTER.c[name].is_distinct_from(STAGING.c[name]) for name in VALUE_COLUMNS))


def _compare(connection: Connection, total: int) -> ImportCounts:
    added = connection.scalar(select(func.count()).select_from(STAGING).where(~exists().where(_same_key())))
    removed = connection.scalar(select(func.count()).select_from(REGISTER).where(~exists().where(_same_key())))
    joined = select(func.count()).select_from(STAGING.join(REGISTER, _same_key()))
    differing = connection.scalar(joined.where(_differs()))
    ended = connection.scalar(joined.where(REGISTER.c.einddatum.is_(None), STAGING.c.einddatum.is_not(None)))
    return ImportCounts(added=added, changed=differing - ended, ended=ended, removed=removed,
                        unchanged=total - added - differing)


def _apply_staged(connection: Connection) -> None:
    connection.execute(delete(REGISTER).where(~exists().where(_same_key())))
    connection.execute(
        update(REGISTER).where(_same_key(), _differs())
        .values({name: STAGING.c[name] for name in VALUE_COLUMNS})
    )
    new_rows = select(STAGING.c.besluitnummer, *(STAGING.c[name] for name in VALUE_COLUMNS)).where(
        ~exists().where(_same_key()))
    connection.execute(insert(REGISTER).from_select(["besluitnummer", *VALUE_COLUMNS], new_rows))


def apply_changes(connection: Connection, changes: list[Change], plan: Planner) -> ImportCounts:
    """Read the rows the changes touch, let ``plan`` decide, and write its result."""
    numbers = sorted({change.besluitnummer for change in changes})
    current = current_rows(connection, numbers)
    planned = plan(current, changes)
    updates = [_values(item) for number, item in planned.writes.items() if number in current]
    inserts = [_values(item) for number, item in planned.writes.items() if number not in current]
    if updates:
        statement = (update(REGISTER).where(REGISTER.c.besluitnummer == bindparam("key"))
                     .values({name: bindparam(f"new_{name}") for name in VALUE_COLUMNS}))
        connection.execute(statement, [{"key": row["besluitnummer"], **{f"new_{name}": row[name] for name in VALUE_COLUMNS}}
                                       for row in updates])
    if inserts:
        connection.execute(insert(REGISTER), inserts)
    return planned.counts


def current_rows(connection: Connection, numbers: list[str]) -> dict[str, Indication]:
    found: dict[str, Indication] = {}
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        chunk = numbers[start:start + LOOKUP_CHUNK]
        for row in connection.execute(select(REGISTER).where(REGISTER.c.besluitnummer.in_(chunk))):
            found[row.besluitnummer] = indication_of(row)
    return found


def indication_of(row) -> Indication:
    return Indication(row.besluitnummer, bsn_from_int(row.bsn), IndicationKind(row.soort), row.ingangsdatum,
                      row.einddatum)


def _values(indication: Indication) -> dict:
    return {"besluitnummer": indication.besluitnummer, "bsn": int(indication.bsn), "soort": indication.soort.value,
            "ingangsdatum": indication.ingangsdatum, "einddatum": indication.einddatum}
