"""Tables of the Wlz service, on the same declarative ``Base`` as the hub's tables.

Migration 0004 creates them. A BSN is stored as a number (nine digits fit in 32 bits)
and shown with its leading zeros again. An open end date of an indication or a
provision is NULL; in the signal key it is ``OPEN_END`` instead, so the unique index
also holds for signals without an end date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.storage.tables import CODE_LENGTH, SERIAL, SHA256_LENGTH, UUID_LENGTH, Base

OPEN_END = date(9999, 12, 31)
BESLUITNUMMER_LENGTH = 20
ENUM_LENGTH = 16


class WlzIndicationRow(Base):
    """One Wlz indication of the register; the covering index serves the registertoets."""

    __tablename__ = "wlz_indicaties"
    __table_args__ = (Index(None, "bsn", "ingangsdatum", "einddatum", "soort"),)

    besluitnummer: Mapped[str] = mapped_column(String(BESLUITNUMMER_LENGTH), primary_key=True)
    bsn: Mapped[int] = mapped_column(Integer)
    soort: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    ingangsdatum: Mapped[date]
    einddatum: Mapped[date | None]


class WlzImportRow(Base):
    """One imported register file; the unique hash makes a second import of the same file a no-op."""

    __tablename__ = "wlz_imports"
    __table_args__ = (Index(None, "sha256", unique=True),)

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(SHA256_LENGTH))
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    file_format: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    filename: Mapped[str | None] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(BigInteger)
    imported_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text)
    added: Mapped[int] = mapped_column(BigInteger)
    changed: Mapped[int] = mapped_column(BigInteger)
    ended: Mapped[int] = mapped_column(BigInteger)
    removed: Mapped[int] = mapped_column(BigInteger)
    unchanged: Mapped[int] = mapped_column(BigInteger)


class WlzToetsAuditRow(Base):
    """The audit record of one registertoets: actor, time, number of BSNs and peildatum, never the BSNs."""

    __tablename__ = "wlz_toets_audit"
    __table_args__ = (Index(None, "organisation", "id"),)

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    organisation: Mapped[str] = mapped_column(String(CODE_LENGTH))
    channel: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    bsn_count: Mapped[int] = mapped_column(Integer)
    peildatum: Mapped[date]


class WlzProvisionRow(Base):
    """A running or requested Wmo or Jeugd provision of a gemeente, from its list or a toewijzing."""

    __tablename__ = "wlz_voorzieningen"
    __table_args__ = (
        Index(None, "bsn"),
        Index(None, "gemeente", "bron", "wet", "referentie"),
    )

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(String(CODE_LENGTH))
    bsn: Mapped[int] = mapped_column(Integer)
    wet: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    bron: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    ingangsdatum: Mapped[date | None]
    einddatum: Mapped[date | None]
    referentie: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    product_categorie: Mapped[str | None] = mapped_column(String(ENUM_LENGTH))
    product_code: Mapped[str | None] = mapped_column(String(ENUM_LENGTH))
    message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))


class WlzSignalBatchRow(Base):
    """One WLZSIGNAAL message to a gemeente; ``message_id`` is set once the hub accepted it."""

    __tablename__ = "wlz_signaalberichten"
    __table_args__ = (Index(None, "message_id"),)

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(CODE_LENGTH))
    identificatie: Mapped[str] = mapped_column(String(CODE_LENGTH))
    dagtekening: Mapped[date]
    created_at: Mapped[datetime]
    attempt: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    sent_at: Mapped[datetime | None]
    last_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))


class WlzSignalRow(Base):
    """One signal; the unique key stops a second signal for the same change."""

    __tablename__ = "wlz_signalen"
    __table_args__ = (
        Index("ix_wlz_signalen_signal_key", "bsn", "gemeente", "gebeurtenis", "ingangsdatum", "sleutel_einddatum",
              unique=True),
        Index(None, "gebeurtenis", "gemeente"),
        Index(None, "batch_id"),
    )

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("wlz_signaalberichten.id"))
    bsn: Mapped[int] = mapped_column(Integer)
    gemeente: Mapped[str] = mapped_column(String(CODE_LENGTH))
    gebeurtenis: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    ingangsdatum: Mapped[date]
    sleutel_einddatum: Mapped[date]
    einddatum: Mapped[date | None]
    soort: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    voorzieningen: Mapped[str] = mapped_column(Text)  # JSON list of the overlapped provisions
    created_at: Mapped[datetime]
