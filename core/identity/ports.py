"""Ports of the identity use cases: their store, a mailer and a box that seals TOTP secrets.

Every ``IdentityStore`` adapter passes the contract tests in tests/identity/test_store_contract.py,
like the in-memory fake does. Methods that return a bool do their check and their write
in one atomic step, so two hub processes cannot both use one TOTP step, recovery code or
invitation.
"""

from __future__ import annotations

import abc
from datetime import datetime, timedelta

from core.identity.model import (
    AuditQuery, AuditRecord, Invitation, LoginThrottle, Session, SignupApplication, SignupStatus, TotpEnrolment, User,
)


class IdentityStore(abc.ABC):
    """Users and their credentials, sessions, lockout state, invitations, sign-ups and the audit log."""

    # -- users ----------------------------------------------------------------------------

    @abc.abstractmethod
    def add_user(self, user: User) -> None:
        """Insert a user with its roles and grants; raise core.errors.Conflict when the username is taken."""

    @abc.abstractmethod
    def save_user(self, user: User) -> None:
        """Replace username, e-mail, status, roles and grants; raise Conflict when the new username is taken."""

    @abc.abstractmethod
    def get_user(self, user_id: str) -> User | None: ...

    @abc.abstractmethod
    def find_user(self, username: str) -> User | None:
        """Return the user with this username; callers pass it in lower case."""

    @abc.abstractmethod
    def list_users(self, organisation: str | None = None) -> list[User]:
        """Return the users of ``organisation``, or every user when it is None, ordered by username and id."""

    # -- password --------------------------------------------------------------------------

    @abc.abstractmethod
    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """Store the argon2 hash of the user's password, replacing any earlier one."""

    @abc.abstractmethod
    def password_hash(self, user_id: str) -> str | None: ...

    # -- second factor ----------------------------------------------------------------------

    @abc.abstractmethod
    def set_totp(self, enrolment: TotpEnrolment) -> None:
        """Insert or replace the user's TOTP enrolment."""

    @abc.abstractmethod
    def get_totp(self, user_id: str) -> TotpEnrolment | None: ...

    @abc.abstractmethod
    def confirm_totp(self, user_id: str, at: datetime, step: int) -> bool:
        """Mark an unconfirmed enrolment confirmed, remembering ``step`` as used; return False when none waits."""

    @abc.abstractmethod
    def use_totp_step(self, user_id: str, step: int) -> bool:
        """Record ``step`` as used when it is newer than the last used step; return whether it was."""

    @abc.abstractmethod
    def delete_totp(self, user_id: str) -> None:
        """Remove the enrolment and every recovery code of the user."""

    @abc.abstractmethod
    def replace_recovery_codes(self, user_id: str, code_hashes: list[str], at: datetime) -> None:
        """Replace the user's recovery codes by these SHA-256 hashes, all unused."""

    @abc.abstractmethod
    def use_recovery_code(self, user_id: str, code_hash: str, at: datetime) -> bool:
        """Mark the unused code with this hash used; return False when there is none."""

    @abc.abstractmethod
    def unused_recovery_codes(self, user_id: str) -> int: ...

    # -- sessions ---------------------------------------------------------------------------

    @abc.abstractmethod
    def add_session(self, session: Session) -> None: ...

    @abc.abstractmethod
    def get_session(self, token_hash: str) -> Session | None: ...

    @abc.abstractmethod
    def touch_session(self, token_hash: str, at: datetime) -> None:
        """Set ``last_seen_at``; a missing session is not an error."""

    @abc.abstractmethod
    def delete_session(self, token_hash: str) -> bool:
        """Remove one session; return whether it existed."""

    @abc.abstractmethod
    def delete_user_sessions(self, user_id: str) -> int:
        """Remove every session of the user, whatever its stage; return how many."""

    @abc.abstractmethod
    def delete_sessions_before(self, created_before: datetime, seen_before: datetime) -> int:
        """Remove sessions created before ``created_before`` or last seen before ``seen_before``."""

    # -- lockout ----------------------------------------------------------------------------

    @abc.abstractmethod
    def login_throttle(self, key: str) -> LoginThrottle | None: ...

    @abc.abstractmethod
    def record_failed_login(self, key: str, at: datetime, window: timedelta) -> LoginThrottle:
        """Count one failure for ``key`` and return the new state, atomically.

        A window that started more than ``window`` before ``at`` restarts at ``at`` with
        one failure. ``locked_until`` is kept.
        """

    @abc.abstractmethod
    def lock_login(self, key: str, until: datetime) -> None:
        """Set ``locked_until`` of an existing throttle row."""

    @abc.abstractmethod
    def clear_failed_logins(self, key: str) -> None:
        """Forget failures and lock of ``key``; a missing row is not an error."""

    @abc.abstractmethod
    def delete_throttles_before(self, before: datetime) -> int:
        """Remove rows whose window started and whose lock ended before ``before``."""

    # -- invitations ------------------------------------------------------------------------

    @abc.abstractmethod
    def add_invitation(self, invitation: Invitation) -> None: ...

    @abc.abstractmethod
    def get_invitation(self, token_hash: str) -> Invitation | None: ...

    @abc.abstractmethod
    def use_invitation(self, token_hash: str, at: datetime) -> bool:
        """Mark an unused invitation used; return False when it was used already or does not exist."""

    @abc.abstractmethod
    def revoke_invitations(self, user_id: str) -> int:
        """Remove the user's unused invitations; return how many."""

    # -- sign-up ----------------------------------------------------------------------------

    @abc.abstractmethod
    def add_signup(self, application: SignupApplication) -> None: ...

    @abc.abstractmethod
    def get_signup(self, signup_id: str) -> SignupApplication | None: ...

    @abc.abstractmethod
    def list_signups(self, status: SignupStatus | None = None) -> list[SignupApplication]:
        """Return applications, oldest first, optionally only those with ``status``."""

    @abc.abstractmethod
    def decide_signup(self, application: SignupApplication) -> bool:
        """Store the decision fields of a pending application; return False when it is no longer pending."""

    @abc.abstractmethod
    def set_signup_user(self, signup_id: str, user_id: str) -> None:
        """Link an approved application to the gebruikersbeheerder created for it."""

    # -- audit ------------------------------------------------------------------------------

    @abc.abstractmethod
    def add_audit(self, record: AuditRecord) -> int:
        """Append a record and return its id; ids grow with every record."""

    @abc.abstractmethod
    def add_audits(self, records: list[AuditRecord]) -> list[int]:
        """Append records in one transaction, in order, and return their ids."""

    @abc.abstractmethod
    def list_audit(self, query: AuditQuery) -> list[AuditRecord]:
        """Return matching records with ``id`` below ``query.before_id``, highest id first, at most ``query.limit``.

        ``query.organisation`` None means every organisation; ``since`` is inclusive and
        ``until`` exclusive.
        """


class SecretBox(abc.ABC):
    """Authenticated encryption of small secrets at rest, such as TOTP secrets."""

    @abc.abstractmethod
    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """Encrypt ``plaintext``; ``context`` (e.g. the user id) must be given again to open it."""

    @abc.abstractmethod
    def open(self, sealed: bytes, context: bytes) -> bytes:
        """Decrypt; raise ValueError when the data or the context was altered."""


class Mailer(abc.ABC):
    """Sends plain-text e-mail to one recipient."""

    @abc.abstractmethod
    def send(self, to: str, subject: str, body: str) -> None:
        """Hand the message to the mail server; raise MailError when that fails."""


class MailError(Exception):
    """Sending an e-mail failed; the message names the server and the reason, never the body."""
