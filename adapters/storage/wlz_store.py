"""``SqlWlzStore``: the Wlz service's port ``plugins.wlz.ports.WlzStore`` on SQLite or PostgreSQL.

Each method runs in one transaction. Writing transactions start with BEGIN IMMEDIATE on
SQLite (see ``engine.py``). On PostgreSQL the signal run also takes an advisory lock, so
two runs never record the same signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from datetime import date, datetime

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from adapters.storage import wlz_register_sql, wlz_signal_sql
from adapters.storage.engine import BEGIN_MODE_OPTION, is_sqlite
from adapters.storage.wlz_tables import (
    WlzImportRow, WlzIndicationRow, WlzProvisionRow, WlzSignalBatchRow, WlzSignalRow, WlzToetsAuditRow,
)
from core.errors import Conflict
from plugins.wlz.bsn import bsn_from_int
from plugins.wlz.model import (
    Change, FileKind, ImportCounts, ImportRecord, Indication, IndicationKind, IndicationPeriod, Provision,
    ProvisionEnd, ProvisionSource, Signal, ToetsAudit,
)
from plugins.wlz.ports import Batcher, Planner, SignalBatch, WlzStore

INDICATIONS = WlzIndicationRow.__table__
IMPORTS = WlzImportRow.__table__
AUDIT = WlzToetsAuditRow.__table__
PROVISIONS = WlzProvisionRow.__table__
BATCHES = WlzSignalBatchRow.__table__
SIGNALS = WlzSignalRow.__table__

SIGNAL_LOCK_ID = 0x67676B5F776C7A31  # PostgreSQL advisory lock of the signal run


class SqlWlzStore(WlzStore):
    def __init__(self, engine: Engine):
        self._engine = engine

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._engine.connect().execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"}) as connection:
            with connection.begin():
                yield connection

    # -- register ---------------------------------------------------------------------

    def find_import(self, sha256: str) -> ImportRecord | None:
        with self._reading() as connection:
            row = connection.execute(select(IMPORTS).where(IMPORTS.c.sha256 == sha256)).first()
        return _import_of(row) if row is not None else None

    def replace_register(self, rows: Iterable[Indication], record: ImportRecord) -> ImportCounts:
        with self._recording(record) as connection:
            counts, total = wlz_register_sql.replace_register(connection, rows)
            self._insert_import(connection, record, counts, total)
        return counts

    def apply_changes(self, changes: list[Change], record: ImportRecord, plan: Planner) -> ImportCounts:
        with self._recording(record) as connection:
            counts = wlz_register_sql.apply_changes(connection, changes, plan)
            self._insert_import(connection, record, counts, len(changes))
        return counts

    @contextmanager
    def _recording(self, record: ImportRecord) -> Iterator[Connection]:
        try:
            with self._writing() as connection:
                yield connection
        except IntegrityError:
            raise Conflict(f"a file with SHA-256 {record.sha256} was imported meanwhile",
                           params={"sha256": record.sha256}) from None

    def _insert_import(self, connection: Connection, record: ImportRecord, counts: ImportCounts, rows: int) -> None:
        connection.execute(insert(IMPORTS).values(
            sha256=record.sha256, kind=record.kind.value, file_format=record.file_format, filename=record.filename,
            rows=rows, imported_at=record.imported_at, actor=record.actor, **counts.as_dict(),
        ))

    def register_size(self) -> int:
        with self._reading() as connection:
            return connection.scalar(select(func.count()).select_from(INDICATIONS))

    def indications(self, bsn: str) -> list[Indication]:
        with self._reading() as connection:
            rows = connection.execute(select(INDICATIONS).where(INDICATIONS.c.bsn == int(bsn))
                                      .order_by(INDICATIONS.c.ingangsdatum, INDICATIONS.c.besluitnummer))
            return [wlz_register_sql.indication_of(row) for row in rows]

    # -- registertoets ----------------------------------------------------------------

    def toets(self, bsns: list[str], peildatum: date, audit: ToetsAudit) -> dict[str, list[IndicationPeriod]]:
        found: dict[str, list[IndicationPeriod]] = {}
        periods: dict[tuple, IndicationPeriod] = {}  # equal periods share one object
        with self._writing() as connection:
            for number, soort, start, end in _toets_rows(connection, bsns, peildatum):
                period = periods.get((soort, start, end))
                if period is None:
                    period = periods[(soort, start, end)] = IndicationPeriod(KIND_BY_CODE[soort], _day(start),
                                                                             _day(end))
                found.setdefault(bsn_from_int(number), []).append(period)
            connection.execute(AUDIT_INSERT, {
                "at": audit.at, "actor": audit.actor, "user_id": audit.user_id, "organisation": audit.organisation,
                "channel": audit.channel, "bsn_count": audit.bsn_count, "peildatum": audit.peildatum,
            })
        return found

    def toets_audit(self, organisation: str | None, limit: int) -> list[ToetsAudit]:
        statement = select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)
        if organisation is not None:
            statement = statement.where(AUDIT.c.organisation == organisation)
        with self._reading() as connection:
            return [ToetsAudit(row.at, row.actor, row.organisation, row.channel, row.bsn_count, row.peildatum,
                               row.user_id, row.id) for row in connection.execute(statement)]

    # -- provisions -------------------------------------------------------------------

    def replace_provision_list(self, gemeente: str, provisions: Iterable[Provision]) -> tuple[int, int]:
        own_list = and_(PROVISIONS.c.gemeente == gemeente, PROVISIONS.c.bron == ProvisionSource.LIJST.value)
        stored = 0
        with self._writing() as connection:
            replaced = connection.execute(delete(PROVISIONS).where(own_list)).rowcount
            batch: list[dict] = []
            for provision in provisions:
                batch.append(_provision_values(provision, None))
                if len(batch) >= wlz_register_sql.INSERT_CHUNK:
                    connection.execute(insert(PROVISIONS), batch)
                    stored += len(batch)
                    batch = []
            if batch:
                connection.execute(insert(PROVISIONS), batch)
                stored += len(batch)
        return stored, replaced

    def apply_toewijzingen(
        self, recorded: list[tuple[list[Provision], str]], ended: list[tuple[list[ProvisionEnd], str]]
    ) -> int:
        found = 0
        with self._writing() as connection:
            for provisions, message_id in recorded:
                for provision in provisions:
                    values = _provision_values(provision, message_id)
                    key = _toewijzing_key(provision.gemeente, provision.wet.value, provision.referentie)
                    if not connection.execute(update(PROVISIONS).where(key).values(values)).rowcount:
                        connection.execute(insert(PROVISIONS).values(values))
            for ends, message_id in ended:
                for end in ends:
                    key = _toewijzing_key(end.gemeente, end.wet.value, end.referentie)
                    found += connection.execute(
                        update(PROVISIONS).where(key).values(einddatum=end.einddatum, message_id=message_id)
                    ).rowcount
        return found

    def provisions(self, gemeente: str, bsn: str | None = None) -> list[Provision]:
        statement = select(PROVISIONS).where(PROVISIONS.c.gemeente == gemeente).order_by(PROVISIONS.c.id)
        if bsn is not None:
            statement = statement.where(PROVISIONS.c.bsn == int(bsn))
        with self._reading() as connection:
            return [wlz_signal_sql.provision_of(row) for row in connection.execute(statement)]

    # -- signals ----------------------------------------------------------------------

    def create_signal_batches(self, today: date, gemeenten: set[str], batcher: Batcher) -> list[SignalBatch]:
        with self._writing() as connection:
            if not is_sqlite(connection):
                connection.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": SIGNAL_LOCK_ID})
            batches = batcher(wlz_signal_sql.new_signals(connection, today, gemeenten))
            for batch in batches:
                connection.execute(insert(BATCHES).values(
                    id=batch.id, gemeente=batch.gemeente, identificatie=batch.identificatie,
                    dagtekening=batch.dagtekening, created_at=batch.created_at, attempt=batch.attempt,
                ))
                connection.execute(insert(SIGNALS), [wlz_signal_sql.signal_values(signal, batch.id, batch.created_at)
                                                     for signal in batch.signals])
        return batches

    def pending_signal_batches(self) -> list[SignalBatch]:
        with self._reading() as connection:
            rows = connection.execute(select(BATCHES).where(BATCHES.c.message_id.is_(None))
                                      .order_by(BATCHES.c.created_at, BATCHES.c.id)).all()
            return [self._batch_of(connection, row) for row in rows]

    def _batch_of(self, connection: Connection, row) -> SignalBatch:
        signals = connection.execute(select(SIGNALS).where(SIGNALS.c.batch_id == row.id).order_by(SIGNALS.c.id))
        return SignalBatch(row.id, row.gemeente, row.identificatie, row.dagtekening, row.created_at,
                           tuple(wlz_signal_sql.signal_of(signal) for signal in signals), row.attempt, row.message_id)

    def mark_batch_sent(self, batch_id: str, message_id: str, at: datetime) -> None:
        with self._writing() as connection:
            connection.execute(update(BATCHES).where(BATCHES.c.id == batch_id)
                               .values(message_id=message_id, sent_at=at, last_code=None))

    def mark_batch_rejected(self, batch_id: str, code: str | None) -> None:
        with self._writing() as connection:
            connection.execute(update(BATCHES).where(BATCHES.c.id == batch_id)
                               .values(attempt=BATCHES.c.attempt + 1, last_code=code))

    def signals(self, gemeente: str) -> list[Signal]:
        with self._reading() as connection:
            rows = connection.execute(select(SIGNALS).where(SIGNALS.c.gemeente == gemeente).order_by(SIGNALS.c.id))
            return [wlz_signal_sql.signal_of(row) for row in rows]


# The registertoets runs on the driver's own rows, without SQLAlchemy's row and type
# processing: that processing took more time than the query for a batch of 10,000 (measured
# with bench/wlz.py). A batch passes all its BSNs as one parameter, a JSON array on SQLite
# and an integer array on PostgreSQL, so no placeholder per BSN is rendered.
TOETS_SQL = {
    "sqlite": "SELECT bsn, soort, ingangsdatum, einddatum FROM wlz_indicaties "
              "WHERE bsn IN (SELECT value FROM json_each(?)) AND ingangsdatum <= ? "
              "AND (einddatum IS NULL OR einddatum >= ?)",
    "postgresql": "SELECT bsn, soort, ingangsdatum, einddatum FROM wlz_indicaties "
                  "WHERE bsn = ANY(%s) AND ingangsdatum <= %s AND (einddatum IS NULL OR einddatum >= %s)",
}
AUDIT_INSERT = insert(AUDIT)
KIND_BY_CODE = {kind.value: kind for kind in IndicationKind}


def _toets_rows(connection: Connection, bsns: list[str], peildatum: date) -> list[tuple]:
    """Return (bsn number, soort, ingangsdatum, einddatum) of the indications covering ``peildatum``.

    ``bsns`` are checked BSNs (nine digits), so their JSON array is written without a number
    object per BSN: a batch makes fewer objects for the garbage collector to trace.
    """
    if is_sqlite(connection):
        day = peildatum.isoformat()  # SQLite keeps a date as ISO text, which sorts as the date does
        parameters = ("[" + ",".join(bsn.lstrip("0") or "0" for bsn in bsns) + "]", day, day)
    else:
        parameters = ([int(bsn) for bsn in bsns], peildatum, peildatum)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(TOETS_SQL[connection.dialect.name], parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


@lru_cache(maxsize=65_536)
def _iso_day(text: str) -> date:
    return date.fromisoformat(text)


def _day(value: date | str | None) -> date | None:
    """Return a date column's value as a date: PostgreSQL's driver returns one, SQLite's the ISO text."""
    if value is None or isinstance(value, date):
        return value
    return _iso_day(value)


def _toewijzing_key(gemeente: str, wet: str, referentie: str | None):
    return and_(PROVISIONS.c.gemeente == gemeente, PROVISIONS.c.bron == ProvisionSource.TOEWIJZING.value,
                PROVISIONS.c.wet == wet, PROVISIONS.c.referentie == referentie)


def _provision_values(provision: Provision, message_id: str | None) -> dict:
    return {
        "gemeente": provision.gemeente, "bsn": int(provision.bsn), "wet": provision.wet.value,
        "bron": provision.bron.value, "status": provision.status.value, "ingangsdatum": provision.ingangsdatum,
        "einddatum": provision.einddatum, "referentie": provision.referentie,
        "product_categorie": provision.product_categorie, "product_code": provision.product_code,
        "message_id": message_id,
    }


def _import_of(row) -> ImportRecord:
    counts = ImportCounts(row.added, row.changed, row.ended, row.removed, row.unchanged)
    return ImportRecord(row.sha256, FileKind(row.kind), row.file_format, row.filename, row.rows, row.imported_at,
                        row.actor, counts)
