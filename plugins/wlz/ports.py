"""The port of the Wlz service: its register, provisions, signals and audit records.

``adapters.storage.wlz_store.SqlWlzStore`` implements it on SQLite and PostgreSQL; the
composition root registers it as the plugin resource ``wlz.store``.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from plugins.wlz.model import (
    Change, ImportCounts, ImportRecord, Indication, IndicationPeriod, Provision, ProvisionEnd, Signal, ToetsAudit,
)


@dataclass
class ChangePlan:
    """The register rows a change file writes (final values by besluitnummer) and what it counts."""

    writes: dict[str, Indication] = field(default_factory=dict)
    counts: ImportCounts = field(default_factory=ImportCounts)


@dataclass(frozen=True)
class SignalBatch:
    """Signals for one gemeente, sent as one WLZSIGNAAL message.

    ``attempt`` grows after each rejected hand-in, so a retry gets a new idempotency
    reference; ``message_id`` is set once the hub accepted the message.
    """

    id: str
    gemeente: str
    identificatie: str
    dagtekening: date
    created_at: datetime
    signals: tuple[Signal, ...]
    attempt: int = 0
    message_id: str | None = None


Planner = Callable[[dict[str, Indication], list[Change]], ChangePlan]
Batcher = Callable[[list[Signal]], list[SignalBatch]]


class WlzStore(abc.ABC):
    # -- register ---------------------------------------------------------------------

    @abc.abstractmethod
    def find_import(self, sha256: str) -> ImportRecord | None:
        """Return the earlier import of a file with this SHA-256, if any."""

    @abc.abstractmethod
    def replace_register(self, rows: Iterable[Indication], record: ImportRecord) -> ImportCounts:
        """Make ``rows`` the whole register and record the import, in one transaction.

        An exception raised while iterating ``rows`` rolls everything back. A besluitnummer
        that occurs twice raises InvalidRows. Raise Conflict when the file's hash was
        recorded meanwhile by another import.
        """

    @abc.abstractmethod
    def apply_changes(self, changes: list[Change], record: ImportRecord, plan: Planner) -> ImportCounts:
        """Apply the changes ``plan`` derives from the current rows, and record the import, in one transaction."""

    @abc.abstractmethod
    def register_size(self) -> int: ...

    @abc.abstractmethod
    def indications(self, bsn: str) -> list[Indication]:
        """Return every indication of one BSN, oldest start first."""

    # -- registertoets ----------------------------------------------------------------

    @abc.abstractmethod
    def toets(self, bsns: list[str], peildatum: date, audit: ToetsAudit) -> dict[str, list[IndicationPeriod]]:
        """Return the periods covering ``peildatum`` per BSN that has any, and insert ``audit``,
        in one transaction: no answer leaves the store without its audit record."""

    @abc.abstractmethod
    def toets_audit(self, organisation: str | None, limit: int) -> list[ToetsAudit]:
        """Return the newest audit records, of one organisation or (None) of all."""

    # -- provisions -------------------------------------------------------------------

    @abc.abstractmethod
    def replace_provision_list(self, gemeente: str, provisions: Iterable[Provision]) -> tuple[int, int]:
        """Replace the gemeente's uploaded list in one transaction; return (rows stored, rows replaced)."""

    @abc.abstractmethod
    def apply_toewijzingen(
        self, recorded: list[tuple[list[Provision], str]], ended: list[tuple[list[ProvisionEnd], str]]
    ) -> int:
        """Apply a batch of routed messages in one transaction; return how many ends were found.

        ``recorded`` pairs the provisions of a toewijzing with its message id: each is
        inserted or updated, keyed by gemeente, wet and ToewijzingNummer. ``ended`` pairs the
        ends a stop message names with its message id: each sets the end date of a known
        toewijzing.
        """

    @abc.abstractmethod
    def provisions(self, gemeente: str, bsn: str | None = None) -> list[Provision]: ...

    # -- signals ----------------------------------------------------------------------

    @abc.abstractmethod
    def create_signal_batches(self, today: date, gemeenten: set[str], batcher: Batcher) -> list[SignalBatch]:
        """Find the signals not yet recorded for ``gemeenten`` on ``today``, group them with
        ``batcher`` and record signals and batches, in one transaction that excludes a
        concurrent run."""

    @abc.abstractmethod
    def pending_signal_batches(self) -> list[SignalBatch]:
        """Return the batches not yet accepted by the hub, oldest first."""

    @abc.abstractmethod
    def mark_batch_sent(self, batch_id: str, message_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def mark_batch_rejected(self, batch_id: str, code: str | None) -> None:
        """Record a rejected hand-in and raise the attempt number for the next try."""

    @abc.abstractmethod
    def signals(self, gemeente: str) -> list[Signal]:
        """Return every signal recorded for a gemeente, oldest first."""
