"""Importing the Wlz register the CIZ supplies: a full file or a change file, in one transaction.

The SHA-256 of every imported file is recorded, so importing the same file again changes
nothing and returns the first import's report.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import structlog

from core.errors import GgkError
from core.ports import Clock, Store
from core.principal import Principal
from plugins.wlz.access import require_operator_or_partner
from plugins.wlz.errors import RowCollector, RowError
from plugins.wlz.fields import shown
from plugins.wlz.model import (
    REGISTER_SUPPLIER, Change, ChangeAction, FileKind, ImportCounts, ImportRecord, ImportReport, Indication,
)
from plugins.wlz.ports import ChangePlan, WlzStore
from plugins.wlz.register_files import open_register_file

log = structlog.get_logger(__name__)


class RegisterImportService:
    """Import register files; after a change the signal run follows (``signals``, optional)."""

    def __init__(self, store: WlzStore, hub: Store, clock: Clock, signals=None):
        self._store = store
        self._hub = hub
        self._clock = clock
        self._signals = signals

    def import_file(self, principal: Principal, path: Path) -> ImportReport:
        """Import ``path`` as ``principal`` (the hub operator or the CIZ) and run the signals.

        Raise InvalidFile (WLZ005) for an unknown format and InvalidRows (WLZ004) listing
        the broken rows; then nothing was imported.
        """
        require_operator_or_partner(principal, self._hub, (REGISTER_SUPPLIER,))
        sha256 = _sha256(path)
        earlier = self._store.find_import(sha256)
        if earlier is not None:
            log.info("wlz_register_already_imported", sha256=sha256, actor=principal.describe())
            return ImportReport(earlier, already_imported=True)

        opened = open_register_file(path)
        record = ImportRecord(sha256, opened.kind, opened.file_format, path.name, 0, self._clock.now(),
                              principal.describe())
        if opened.kind == FileKind.FULL:
            self._store.replace_register(opened.rows, record)
        else:
            self._store.apply_changes(list(opened.rows), record, plan_changes)
        imported = self._store.find_import(sha256) or record
        log.info("wlz_register_imported", sha256=sha256, kind=imported.kind.value, rows=imported.rows,
                 actor=principal.describe(), **imported.counts.as_dict())
        return ImportReport(imported, already_imported=False, signals=self._run_signals(principal))

    def _run_signals(self, principal: Principal):
        if self._signals is None:
            return None
        try:
            return self._signals.run(principal)
        except GgkError as error:  # the import is kept, and the daily run sends the signals later
            log.warning("wlz_signals_after_import_failed", code=error.code, detail=error.detail)
            return None


def plan_changes(current: dict[str, Indication], changes: list[Change]) -> ChangePlan:
    """Apply ``changes`` in file order to ``current`` and return the rows to write with their counts.

    Raise InvalidRows for a change that does not fit the register: adding a besluitnummer
    that exists with other values, or changing or ending one that does not exist.
    """
    state = dict(current)
    plan = ChangePlan()
    errors = RowCollector()
    for change in changes:
        existing = state.get(change.besluitnummer)
        try:
            result = _apply(change, existing, plan.counts)
        except _Misfit as misfit:
            errors.add(RowError(change.row, misfit.field, misfit.problem))
            continue
        if result is not None and result != existing:
            state[change.besluitnummer] = result
            plan.writes[change.besluitnummer] = result
    errors.raise_if_any()
    return plan


class _Misfit(Exception):
    def __init__(self, field: str, problem: str):
        super().__init__(problem)
        self.field = field
        self.problem = problem


def _apply(change: Change, existing: Indication | None, counts: ImportCounts) -> Indication | None:
    if change.action == ChangeAction.TOEVOEGEN:
        new = Indication(change.besluitnummer, change.bsn, change.soort, change.ingangsdatum, change.einddatum)
        if existing is not None and existing != new:
            raise _Misfit("besluitnummer", "is already in the register with other values; use wijzigen")
        _count(counts, existing, new)
        return new
    if existing is None:
        raise _Misfit("besluitnummer", f"{shown(change.besluitnummer)} is not in the register")
    if change.action == ChangeAction.WIJZIGEN:
        new = Indication(change.besluitnummer, change.bsn, change.soort, change.ingangsdatum, change.einddatum)
    else:
        _check_same(change, existing)
        new = replace(existing, einddatum=change.einddatum)
    _count(counts, existing, new)
    return new


def _check_same(change: Change, existing: Indication) -> None:
    """A beeindigen row may repeat bsn, soort and ingangsdatum; when it does, they must match."""
    if change.bsn is not None and change.bsn != existing.bsn:
        raise _Misfit("bsn", "differs from the BSN of this besluitnummer in the register")
    if change.soort is not None and change.soort != existing.soort:
        raise _Misfit("soort", f"differs from the register's soort {existing.soort.value}")
    if change.ingangsdatum is not None and change.ingangsdatum != existing.ingangsdatum:
        raise _Misfit("ingangsdatum", f"differs from the register's ingangsdatum {existing.ingangsdatum.isoformat()}")
    if change.einddatum < existing.ingangsdatum:
        raise _Misfit("einddatum", f"lies before the ingangsdatum {existing.ingangsdatum.isoformat()}")


def _count(counts: ImportCounts, old: Indication | None, new: Indication) -> None:
    if old is None:
        counts.added += 1
    elif old == new:
        counts.unchanged += 1
    elif old.einddatum is None and new.einddatum is not None:
        counts.ended += 1
    else:
        counts.changed += 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()

