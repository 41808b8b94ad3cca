"""The port through which CPA use cases store CPAs; adapters implement ``CpaRepository``.

Every implementation passes the contract tests in tests/cpa/test_repository_contract.py,
which run against the in-memory fake in tests/cpa/memory.py.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from datetime import datetime


class CpaState(str, enum.Enum):
    """The hub's life cycle of a CPA, apart from the Status value inside the CPA itself.

    requested -> active -> ended      (generated on a productbeheerder's request)
    imported  -> active -> ended      (uploaded by an operator)
    requested | imported -> ended     (withdrawn before activation)
    """

    REQUESTED = "requested"
    IMPORTED = "imported"
    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True)
class CpaRecord:
    """A stored CPA: its XML exactly as received or generated, plus what the hub indexes on.

    ``organisation`` is the code of the organisation on the other side of the hub and
    ``party_oin`` its PartyId in the CPA. ``profile`` is set for generated CPAs only.
    ``created_by``, ``activated_by`` and ``ended_by`` hold ``Principal.describe()`` labels.
    """

    cpaid: str
    organisation: str
    state: CpaState
    xml: bytes
    sha256: str
    hub_oin: str
    party_oin: str
    start: datetime
    end: datetime
    created_at: datetime
    created_by: str
    profile: str | None = None
    activated_at: datetime | None = None
    activated_by: str | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None


class CpaRepository(abc.ABC):
    """Storage of CPA records, keyed by CPAId."""

    @abc.abstractmethod
    def add(self, record: CpaRecord) -> None:
        """Insert ``record``; raise core.errors.Conflict when its CPAId is already stored."""

    @abc.abstractmethod
    def get(self, cpaid: str) -> CpaRecord | None:
        """Return the record with this CPAId (compared exactly, case-sensitive), or None."""

    @abc.abstractmethod
    def list(self, organisation: str | None = None, states: frozenset[CpaState] | None = None) -> list[CpaRecord]:
        """Return the records of ``organisation`` (all when None) in ``states`` (all when None).

        Ordered by ``created_at`` and then CPAId, oldest first.
        """

    @abc.abstractmethod
    def transition(
        self, cpaid: str, allowed_from: frozenset[CpaState], to: CpaState, at: datetime, actor: str,
    ) -> CpaRecord:
        """Move a record to state ``to`` in one atomic compare-and-set, and return the new record.

        Moving to ACTIVE sets ``activated_at``/``activated_by``; moving to ENDED sets
        ``ended_at``/``ended_by``; other fields stay unchanged. Raise core.errors.NotFound
        when the CPAId is unknown, and core.errors.Conflict (leaving the record as it was)
        when its current state is not in ``allowed_from``.
        """
