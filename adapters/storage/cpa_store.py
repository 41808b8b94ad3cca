"""``SqlCpaRepository``: the ``core.cpa.ports.CpaRepository`` on SQLite or PostgreSQL.

The CPA XML is stored exactly as received or generated, next to the columns the hub
searches on. ``transition`` is one conditional UPDATE, so two hub processes cannot both
move a CPA out of the same state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, Index, LargeBinary, String, Text, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.cpa.ports import CpaRecord, CpaRepository, CpaState
from core.errors import Conflict, NotFound

from adapters.storage.engine import BEGIN_MODE_OPTION
from adapters.storage.tables import CODE_LENGTH, SHA256_LENGTH, Base

CPAID_LENGTH = 255
OIN_LENGTH = 64


class CpaRow(Base):
    """One CPA and its life-cycle state; ``cpaid`` is compared case-sensitively."""

    __tablename__ = "cpas"
    __table_args__ = (Index(None, "organisation", "created_at"),)

    cpaid: Mapped[str] = mapped_column(String(CPAID_LENGTH), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(CODE_LENGTH))
    state: Mapped[str] = mapped_column(String(16))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(SHA256_LENGTH))
    hub_oin: Mapped[str] = mapped_column(String(OIN_LENGTH))
    party_oin: Mapped[str] = mapped_column(String(OIN_LENGTH))
    start: Mapped[datetime]
    end: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Text)
    profile: Mapped[str | None] = mapped_column(String(16))
    activated_at: Mapped[datetime | None]
    activated_by: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(Text)


class SqlCpaRepository(CpaRepository):
    """CPA records in a database migrated by ``adapters.storage.migrate``."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._sessions(execution_options={BEGIN_MODE_OPTION: "IMMEDIATE"}) as session, session.begin():
            yield session

    def add(self, record: CpaRecord) -> None:
        try:
            with self._writing() as session:
                session.execute(insert(CpaRow), [_values(record)])
        except IntegrityError:
            raise Conflict(f"CPA {record.cpaid} already exists", params={"cpaid": record.cpaid}) from None

    def get(self, cpaid: str) -> CpaRecord | None:
        # A plain SELECT, without an ORM session: the webservice reads its CPA for every message.
        with self._engine.connect() as connection:
            row = connection.execute(select(CpaRow.__table__).where(CpaRow.cpaid == cpaid)).first()
        return _record(row) if row is not None else None

    def list(self, organisation: str | None = None, states: frozenset[CpaState] | None = None) -> list[CpaRecord]:
        statement = select(CpaRow)
        if organisation is not None:
            statement = statement.where(CpaRow.organisation == organisation)
        if states is not None:
            statement = statement.where(CpaRow.state.in_([state.value for state in states]))
        statement = statement.order_by(CpaRow.created_at, CpaRow.cpaid)
        with self._reading() as session:
            return [_record(row) for row in session.scalars(statement)]

    def transition(
        self, cpaid: str, allowed_from: frozenset[CpaState], to: CpaState, at: datetime, actor: str,
    ) -> CpaRecord:
        changes: dict = {"state": to.value}
        if to == CpaState.ACTIVE:
            changes.update(activated_at=at, activated_by=actor)
        if to == CpaState.ENDED:
            changes.update(ended_at=at, ended_by=actor)

        with self._writing() as session:
            changed = session.execute(
                update(CpaRow)
                .where(CpaRow.cpaid == cpaid, CpaRow.state.in_([state.value for state in allowed_from]))
                .values(**changes),
                execution_options={"synchronize_session": False},
            ).rowcount
            row = session.get(CpaRow, cpaid)
            if row is None:
                raise NotFound(f"CPA {cpaid} not found", params={"cpaid": cpaid})
            if changed == 0:
                allowed = ", ".join(sorted(state.value for state in allowed_from))
                raise Conflict(f"CPA {cpaid} is {row.state}, not one of {allowed}", params={"cpaid": cpaid})
            session.refresh(row)
            return _record(row)


def _values(record: CpaRecord) -> dict:
    return {
        "cpaid": record.cpaid, "organisation": record.organisation, "state": record.state.value,
        "xml": record.xml, "sha256": record.sha256, "hub_oin": record.hub_oin, "party_oin": record.party_oin,
        "start": record.start, "end": record.end, "created_at": record.created_at, "created_by": record.created_by,
        "profile": record.profile, "activated_at": record.activated_at, "activated_by": record.activated_by,
        "ended_at": record.ended_at, "ended_by": record.ended_by,
    }


def _record(row: CpaRow) -> CpaRecord:
    return CpaRecord(
        cpaid=row.cpaid, organisation=row.organisation, state=CpaState(row.state), xml=bytes(row.xml),
        sha256=row.sha256, hub_oin=row.hub_oin, party_oin=row.party_oin, start=row.start, end=row.end,
        created_at=row.created_at, created_by=row.created_by, profile=row.profile,
        activated_at=row.activated_at, activated_by=row.activated_by, ended_at=row.ended_at, ended_by=row.ended_by,
    )
