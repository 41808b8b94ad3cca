"""An in-memory ``CpaRepository``; storage adapters pass the same contract tests."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime

from core.cpa.ports import CpaRecord, CpaRepository, CpaState
from core.errors import Conflict, NotFound


class MemoryCpaRepository(CpaRepository):
    def __init__(self):
        self._records: dict[str, CpaRecord] = {}
        self._lock = threading.Lock()

    def add(self, record: CpaRecord) -> None:
        with self._lock:
            if record.cpaid in self._records:
                raise Conflict(f"CPA {record.cpaid} already exists", params={"cpaid": record.cpaid})
            self._records[record.cpaid] = record

    def get(self, cpaid: str) -> CpaRecord | None:
        return self._records.get(cpaid)

    def list(self, organisation: str | None = None, states: frozenset[CpaState] | None = None) -> list[CpaRecord]:
        found = [
            record for record in self._records.values()
            if (organisation is None or record.organisation == organisation)
            and (states is None or record.state in states)
        ]
        return sorted(found, key=lambda record: (record.created_at, record.cpaid))

    def transition(
        self, cpaid: str, allowed_from: frozenset[CpaState], to: CpaState, at: datetime, actor: str,
    ) -> CpaRecord:
        with self._lock:
            record = self._records.get(cpaid)
            if record is None:
                raise NotFound(f"CPA {cpaid} not found", params={"cpaid": cpaid})
            if record.state not in allowed_from:
                raise Conflict(f"CPA {cpaid} is {record.state.value}, not one of "
                               f"{sorted(state.value for state in allowed_from)}", params={"cpaid": cpaid})
            changes: dict = {"state": to}
            if to == CpaState.ACTIVE:
                changes.update(activated_at=at, activated_by=actor)
            if to == CpaState.ENDED:
                changes.update(ended_at=at, ended_by=actor)
            self._records[cpaid] = dataclasses.replace(record, **changes)
            return self._records[cpaid]
