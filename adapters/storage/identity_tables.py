"""Tables of the identity component, on the same declarative ``Base`` as the hub's tables.

Migration 0002 creates them. Secrets are stored only as hashes (passwords: argon2id;
session and invitation tokens, recovery codes: SHA-256) or sealed (TOTP secrets).
Audit records carry no foreign keys, so they outlive the users and organisations
they name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adapters.storage.tables import CODE_LENGTH, SERIAL, SHA256_LENGTH, UUID_LENGTH, Base

USERNAME_LENGTH = 64
ENUM_LENGTH = 32


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (Index(None, "username", unique=True), Index(None, "organisation_code"))

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    username: Mapped[str | None] = mapped_column(String(USERNAME_LENGTH))
    organisation_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH), ForeignKey("organisations.code"))
    email: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    created_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(Text)


class UserRoleRow(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(ENUM_LENGTH), primary_key=True)


class UserGrantRow(Base):
    __tablename__ = "user_grants"

    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    service: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    action: Mapped[str] = mapped_column(String(ENUM_LENGTH), primary_key=True)


class UserPasswordRow(Base):
    __tablename__ = "user_passwords"

    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)


class UserTotpRow(Base):
    __tablename__ = "user_totp"

    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCodeRow(Base):
    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(SHA256_LENGTH))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index(None, "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(SHA256_LENGTH), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginThrottleRow(Base):
    """Failed logins per key: the SHA-256 of the lower-case username as typed, known or not."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(SHA256_LENGTH), primary_key=True)
    failures: Mapped[int] = mapped_column(BigInteger)
    window_start: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class InvitationRow(Base):
    __tablename__ = "invitations"
    __table_args__ = (Index(None, "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(SHA256_LENGTH), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(UUID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Text)
    used_at: Mapped[datetime | None]


class SignupRow(Base):
    """A sign-up application; ``services`` and ``channels`` are JSON lists in text."""

    __tablename__ = "signup_applications"
    __table_args__ = (Index(None, "status", "submitted_at"),)

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    submitted_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    code: Mapped[str] = mapped_column(String(CODE_LENGTH))
    name: Mapped[str] = mapped_column(Text)
    services: Mapped[str] = mapped_column(Text)
    channels: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))


class AuditRow(Base):
    """One audit record; ``details`` is a JSON object in text. The id orders the records."""

    __tablename__ = "audit_records"
    __table_args__ = (
        Index(None, "organisation_code", "id"),
        Index(None, "actor_user_id"),
        Index(None, "subject_user_id"),
        Index(None, "message_id"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    event: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    actor: Mapped[str] = mapped_column(Text)
    organisation_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    actor_user_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    subject_user_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    message_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    signup_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    details: Mapped[str] = mapped_column(Text)
