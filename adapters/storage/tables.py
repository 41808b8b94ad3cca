"""Table definitions of the hub's database (SQLAlchemy declarative mapping).

The Alembic migrations in ``migrations/versions`` create these tables. A test compares
the two on SQLite and PostgreSQL, so a change here needs a new migration.

Identifiers of messages, deliveries and schema sets are UUID strings. Enumerations are
stored as their string values, and ``messages.retour_codes`` as a JSON list in text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.storage.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
SERIAL = BigInteger().with_variant(Integer(), "sqlite")

UUID_LENGTH = 36
SHA256_LENGTH = 64
CODE_LENGTH = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), date: Date()}


class OrganisationRow(Base):
    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    oin: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    active: Mapped[bool] = mapped_column(Boolean)


class EnrolmentRow(Base):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("organisation_code", "service", "channel"),)

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    organisation_code: Mapped[str] = mapped_column(
        String(CODE_LENGTH), ForeignKey("organisations.code", ondelete="CASCADE")
    )
    service: Mapped[str] = mapped_column(String(CODE_LENGTH))
    channel: Mapped[str] = mapped_column(String(32))


class FreezeRow(Base):
    __tablename__ = "freezes"

    message_type: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    since: Mapped[datetime]
    until: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)


class SchemaSetRow(Base):
    __tablename__ = "schema_sets"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    imported_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(Text)
    namespaces: Mapped[str] = mapped_column(Text)  # JSON list
    sha256: Mapped[str] = mapped_column(String(SHA256_LENGTH))


class SchemaFileRow(Base):
    __tablename__ = "schema_files"

    schema_set_id: Mapped[str] = mapped_column(
        String(UUID_LENGTH), ForeignKey("schema_sets.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class SchemaActivationRow(Base):
    """One activation of a schema set for a namespace; the row id orders them."""

    __tablename__ = "schema_activations"

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    namespace: Mapped[str] = mapped_column(Text)
    schema_set_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("schema_sets.id", ondelete="CASCADE"))
    active_from: Mapped[datetime]


class MessageRow(Base):
    """Every field of ``core.model.Message``, accepted and rejected alike."""

    __tablename__ = "messages"
    __table_args__ = (
        Index(None, "dedup_key", unique=True),
        Index(None, "source_ref", unique=True),
        Index(None, "link_key"),
        Index(None, "recipient", "received_at", "id"),
        Index(None, "sender", "received_at", "id"),
        # Covering indexes for MailboxService.summary's counts (migration 0005).
        Index(None, "recipient", "status", "service"),
        Index(None, "recipient", "received_at", "service", "status"),
        Index(None, "sender", "received_at", "service", "status"),
        Index(None, "message_type"),
        Index(None, "identificatie"),
    )

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    received_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(32))
    sender: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    filename: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    payload_hash: Mapped[str | None] = mapped_column(String(SHA256_LENGTH))
    status: Mapped[str] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    message_type: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    release: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    direction: Mapped[str | None] = mapped_column(String(16))
    bericht_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    recipient: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    identity_party: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    identificatie: Mapped[str | None] = mapped_column(Text)
    dagtekening: Mapped[date | None]
    retour_identificatie: Mapped[str | None] = mapped_column(Text)
    retour_dagtekening: Mapped[date | None]
    retour_codes: Mapped[str] = mapped_column(Text)  # JSON list
    xsd_versie: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    schema_set_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    dedup_key: Mapped[str | None] = mapped_column(Text)
    link_key: Mapped[str | None] = mapped_column(Text)
    heen_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    retour_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    heen_unknown: Mapped[bool] = mapped_column(Boolean)
    reject_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    reject_detail: Mapped[str | None] = mapped_column(Text)
    reject_line: Mapped[int | None] = mapped_column(Integer)
    reject_column: Mapped[int | None] = mapped_column(Integer)
    source_ref: Mapped[str | None] = mapped_column(Text)
    downloaded_at: Mapped[datetime | None]


class MessageEventRow(Base):
    """One step of a message's history; the row id gives the order."""

    __tablename__ = "message_events"
    __table_args__ = (Index(None, "message_id", "id"),)

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("messages.id"))
    at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    detail: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)


class DeliveryRow(Base):
    """A push delivery, leased to one worker until ``lease_until`` and finished at ``done_at``."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index(None, "channel", "done_at", "due_at"),
        Index(None, "recipient"),
        Index(None, "message_id"),
    )

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("messages.id"))
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH))
    channel: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None]
    done_at: Mapped[datetime | None]


class PayloadRow(Base):
    """Payload bytes kept inline in the database, keyed by their SHA-256 (lower-case hex)."""

    __tablename__ = "payloads"

    sha256: Mapped[str] = mapped_column(String(SHA256_LENGTH), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
