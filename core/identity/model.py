"""Identity records: people with roles and grants, their second factor, sessions, invitations,
sign-up applications and audit records.

None of these objects carries a password, TOTP secret, recovery code or session token in
clear text. The store keeps hashes, and the TOTP secret sealed. The clear values exist
only in the results that hand them to the person once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.model import Channel, OrgKind
from core.principal import Grant, Role


class UserStatus(str, enum.Enum):
    INVITED = "invited"  # created, no password yet: the invitation link sets one
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass
class User:
    """A person with an account; ``organisation`` is None only for a hub operator."""

    id: str
    username: str | None  # lower case; None until the invitation is accepted when the inviter left it open
    organisation: str | None
    roles: frozenset[Role]
    grants: frozenset[Grant] = field(default_factory=frozenset)
    email: str | None = None
    status: UserStatus = UserStatus.INVITED
    created_at: datetime | None = None
    created_by: str | None = None  # Principal.describe() of the creator


@dataclass(frozen=True)
class TotpEnrolment:
    """A user's TOTP secret, sealed by a ``SecretBox``; ``confirmed_at`` is None until a first code matched."""

    user_id: str
    sealed_secret: bytes
    created_at: datetime
    confirmed_at: datetime | None = None
    last_step: int | None = None  # the newest 30-second time step whose code was accepted


class SessionStage(str, enum.Enum):
    PASSWORD_VERIFIED = "password_verified"  # first factor done, second factor (or enrolment) pending
    ACTIVE = "active"


@dataclass(frozen=True)
class Session:
    """A login session, found by the SHA-256 of its token; the token itself is never stored."""

    token_hash: str
    user_id: str
    stage: SessionStage
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class LoginThrottle:
    """Failed logins counted per username as typed, known or not, so lockout reveals nothing.

    ``key`` is the SHA-256 of the lower-case username (``credentials.throttle_key``).
    """

    key: str
    failures: int
    window_start: datetime
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Invitation:
    """A one-time link that lets an invited user set a username and password."""

    token_hash: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    created_by: str
    used_at: datetime | None = None


class SignupStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass
class SignupApplication:
    """An organisation's request to use the hub (aanmelding), decided by a hub operator."""

    id: str
    submitted_at: datetime
    kind: OrgKind
    code: str
    name: str
    services: tuple[str, ...]
    channels: tuple[Channel, ...]
    contact_name: str
    contact_email: str
    username: str  # desired username of the organisation's first gebruikersbeheerder
    status: SignupStatus = SignupStatus.PENDING
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    user_id: str | None = None  # the gebruikersbeheerder created on approval


class AuditEvent(str, enum.Enum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"
    LOGOUT = "logout"
    TOTP_ENROLLED = "totp_enrolled"
    RECOVERY_CODE_USED = "recovery_code_used"
    SECOND_FACTOR_RESET = "second_factor_reset"
    PASSWORD_CHANGED = "password_changed"
    USER_CREATED = "user_created"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    ROLES_CHANGED = "roles_changed"
    GRANTS_CHANGED = "grants_changed"
    INVITATION_ISSUED = "invitation_issued"
    INVITATION_ACCEPTED = "invitation_accepted"
    SIGNUP_SUBMITTED = "signup_submitted"
    SIGNUP_APPROVED = "signup_approved"
    SIGNUP_REJECTED = "signup_rejected"
    MESSAGE_UPLOADED = "message_uploaded"
    MESSAGE_DOWNLOADED = "message_downloaded"


@dataclass(frozen=True)
class AuditRecord:
    """One audited action; ``id`` is assigned by the store and grows with every record.

    ``organisation`` is the organisation the action concerns, which decides who may read
    the record. ``details`` holds only non-secret facts such as role names or a reason.
    """

    at: datetime
    event: AuditEvent
    actor: str  # Principal.describe(), or "anonymous/portal" for a login attempt
    organisation: str | None = None
    actor_user_id: str | None = None
    subject_user_id: str | None = None
    message_id: str | None = None
    signup_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class AuditQuery:
    """Filters for reading the audit log, newest first, keyset-paginated by ``before_id``."""

    organisation: str | None = None
    events: tuple[AuditEvent, ...] | None = None
    user_id: str | None = None  # matches the actor or the subject
    message_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None  # the ``id`` of the last record of the previous page
    limit: int = 100
