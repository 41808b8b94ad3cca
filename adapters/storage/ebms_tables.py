"""Tables of the Digikoppeling adapter: received ebMS messages, StUF references, the outbox,
per-organisation StUF versions and alerts. Migration 0003 creates them.

ebMS MessageIds and CPAIds are free text in the standards; their columns hold
``MAX_ID_LENGTH`` characters, and the endpoint refuses longer values before it stores
anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adapters.soap.ports import MAX_ID_LENGTH
from adapters.storage.tables import CODE_LENGTH, SERIAL, SHA256_LENGTH, UUID_LENGTH, Base

EBMS_ID_LENGTH = MAX_ID_LENGTH
REFERENCE_LENGTH = 64


class EbmsInboundRow(Base):
    __tablename__ = "ebms_inbound"

    cpa_id: Mapped[str] = mapped_column(String(EBMS_ID_LENGTH), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(EBMS_ID_LENGTH), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(CODE_LENGTH))
    service: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(EBMS_ID_LENGTH))
    content_sha256: Mapped[str] = mapped_column(String(SHA256_LENGTH))
    received_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    core_message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    fo01_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    processed_at: Mapped[datetime | None]


class StufReferenceRow(Base):
    __tablename__ = "stuf_references"
    __table_args__ = (
        UniqueConstraint("organisation", "referentienummer"),
        Index(None, "message_id", unique=True),
        Index(None, "referentienummer"),
    )

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    organisation: Mapped[str] = mapped_column(String(CODE_LENGTH))
    referentienummer: Mapped[str] = mapped_column(String(REFERENCE_LENGTH))
    direction: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    ebms_message_id: Mapped[str | None] = mapped_column(String(EBMS_ID_LENGTH))
    cross_refnummer: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH))
    heen_message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))


class EbmsOutboxRow(Base):
    """A message the hub sends; Fo01s and signals are leased to one worker until ``lease_until``."""

    __tablename__ = "ebms_outbox"
    __table_args__ = (
        Index(None, "ebms_message_id", unique=True),
        Index(None, "kind", "state", "due_at"),
        Index(None, "message_id"),
    )

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str] = mapped_column(String(CODE_LENGTH))
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    cpa_id: Mapped[str | None] = mapped_column(String(EBMS_ID_LENGTH))
    message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    ebms_message_id: Mapped[str | None] = mapped_column(String(EBMS_ID_LENGTH))
    ref_to_message_id: Mapped[str | None] = mapped_column(String(EBMS_ID_LENGTH))
    conversation_id: Mapped[str | None] = mapped_column(Text)
    stamped_at: Mapped[datetime | None]
    content_type: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    sends: Mapped[int] = mapped_column(Integer)
    first_sent_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None]


class DigikoppelingOrganisationRow(Base):
    """Per-organisation Digikoppeling settings; a missing row means the hub's defaults."""

    __tablename__ = "digikoppeling_organisations"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    stuf_version: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(Text)


class DigikoppelingAlertRow(Base):
    __tablename__ = "digikoppeling_alerts"
    __table_args__ = (Index(None, "organisation", "at"), Index(None, "at"))

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    at: Mapped[datetime]
    organisation: Mapped[str] = mapped_column(String(CODE_LENGTH))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    ebms_message_id: Mapped[str | None] = mapped_column(String(EBMS_ID_LENGTH))


DIGIKOPPELING_TABLES = frozenset({
    EbmsInboundRow.__tablename__, StufReferenceRow.__tablename__, EbmsOutboxRow.__tablename__,
    DigikoppelingOrganisationRow.__tablename__, DigikoppelingAlertRow.__tablename__,
})
