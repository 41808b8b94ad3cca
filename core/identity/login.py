"""Logging in with two factors: a password, then a TOTP code or a recovery code.

1. ``verify_password(username, password)`` returns a short-lived login token and
   whether the user still has to enrol a TOTP app.
2a. First login: ``start_totp_enrolment(login_token)`` returns the provisioning URI
    (for a QR code) and the secret, shown once. ``finish_totp_enrolment(login_token,
    code)`` confirms it and returns the session with ten recovery codes, shown once.
2b. Later logins: ``verify_second_factor(login_token, code)`` takes a TOTP code or a
    recovery code and returns the session.

Failed passwords and codes count against the lower-case username, whether or not it
exists, and ``max_failed_logins`` failures within ``failure_window`` lock it for
``lockout``. An unknown username is checked against a dummy argon2 hash, so it fails
with the same error after about the same time as a wrong password.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

import structlog

from core.errors import InvalidRequest
from core.identity.audit import AuditLog
from core.identity.credentials import (
    Passwords, looks_like_totp, matching_totp_step, new_recovery_codes, new_totp_secret, normalise_username,
    recovery_code_hash, throttle_key, totp_provisioning_uri,
)
from core.identity.errors import LoginFailed, LoginLocked
from core.identity.model import AuditEvent, Session, SessionStage, TotpEnrolment, User, UserStatus
from core.identity.ports import IdentityStore, SecretBox
from core.identity.sessions import Sessions
from core.identity.settings import IdentitySettings
from core.ports import Clock
from core.principal import Principal

log = structlog.get_logger(__name__)


class NextStep(str, enum.Enum):
    SECOND_FACTOR = "second_factor"
    ENROL_TOTP = "enrol_totp"


@dataclass(frozen=True)
class PasswordVerified:
    login_token: str  # pass to the next step; it is no session and grants nothing
    next_step: NextStep
    expires_at: datetime


@dataclass(frozen=True)
class TotpSetup:
    provisioning_uri: str  # otpauth:// URI to render as a QR code
    secret: str  # base32, for typing into the app by hand; shown this once


@dataclass(frozen=True)
class LoggedIn:
    session_token: str
    principal: Principal
    expires_at: datetime  # the absolute end; the idle timeout may end the session sooner
    recovery_codes: tuple[str, ...] = ()  # only right after TOTP enrolment; shown this once
    recovery_codes_left: int | None = None  # after a login with a recovery code


class LoginService:
    def __init__(self, store: IdentityStore, sessions: Sessions, passwords: Passwords, box: SecretBox,
                 audit: AuditLog, clock: Clock, settings: IdentitySettings):
        self._store = store
        self._sessions = sessions
        self._passwords = passwords
        self._box = box
        self._audit = audit
        self._clock = clock
        self._settings = settings

    # -- step 1 ----------------------------------------------------------------------------

    def verify_password(self, username: str, password: str) -> PasswordVerified:
        """Check the password; raise LoginFailed, or LoginLocked while the username is locked."""
        key = throttle_key(username)
        self._require_not_locked(key)

        name = normalise_username(username)
        user = self._store.find_user(name) if name else None
        stored_hash = self._store.password_hash(user.id) if user is not None else None
        matched = self._passwords.verify(stored_hash, password)
        if not matched or user is None or not self._may_log_in(user):
            self._fail(key, user, "password")

        if self._passwords.needs_rehash(stored_hash):
            self._store.set_password_hash(user.id, self._passwords.hash(password))
            log.info("password_rehashed", user_id=user.id)
        started = self._sessions.start(user, SessionStage.PASSWORD_VERIFIED)
        enrolment = self._store.get_totp(user.id)
        next_step = NextStep.SECOND_FACTOR if enrolment and enrolment.confirmed_at else NextStep.ENROL_TOTP
        log.info("login_password_verified", user_id=user.id, next_step=next_step.value)
        return PasswordVerified(started.token, next_step,
                                started.session.created_at + self._settings.second_factor_timeout)

    # -- step 2a: first login --------------------------------------------------------------

    def start_totp_enrolment(self, login_token: str) -> TotpSetup:
        """Return a TOTP secret to enrol for a user without a confirmed one.

        Within one login the same unconfirmed secret comes back, so a page shown again
        after a mistyped code keeps the QR code the person scanned. A later login creates
        a new secret, and the secret is never returned once confirmed.
        """
        session, user = self._sessions.pending_user(login_token)
        current = self._store.get_totp(user.id)
        if current is not None and current.confirmed_at is not None:
            raise InvalidRequest("a TOTP app is enrolled already: enter its code")

        if current is not None and current.created_at >= session.created_at:
            secret = self._open_secret(current)
        else:
            secret = new_totp_secret()
            sealed = self._box.seal(secret.encode("ascii"), user.id.encode("utf-8"))
            self._store.set_totp(TotpEnrolment(user.id, sealed, self._clock.now()))
            log.info("totp_enrolment_started", user_id=user.id)
        uri = totp_provisioning_uri(secret, user.username or user.id, self._settings.totp_issuer)
        return TotpSetup(uri, secret)

    def finish_totp_enrolment(self, login_token: str, code: str) -> LoggedIn:
        """Confirm the new TOTP secret with a first code; return the session and ten recovery codes."""
        session, user = self._sessions.pending_user(login_token)
        self._require_not_locked(throttle_key(user.username), session)
        enrolment = self._store.get_totp(user.id)
        if enrolment is None or enrolment.confirmed_at is not None:
            raise InvalidRequest("no TOTP enrolment is waiting: start the enrolment first")

        step = matching_totp_step(self._open_secret(enrolment), code, self._clock.now())
        if step is None or not self._store.confirm_totp(user.id, self._clock.now(), step):
            self._fail(throttle_key(user.username), user, "totp_enrolment", session)

        codes = new_recovery_codes()
        self._store.replace_recovery_codes(user.id, [recovery_code_hash(c) for c in codes], self._clock.now())
        self._audit.record(AuditEvent.TOTP_ENROLLED, self._sessions.principal_for(user),
                           organisation=user.organisation, subject_user_id=user.id)
        return self._complete(session, user, "totp", recovery_codes=tuple(codes))

    # -- step 2b: later logins -------------------------------------------------------------

    def verify_second_factor(self, login_token: str, code: str) -> LoggedIn:
        """Check a TOTP code (six digits, each time step usable once) or an unused recovery code."""
        session, user = self._sessions.pending_user(login_token)
        self._require_not_locked(throttle_key(user.username), session)
        enrolment = self._store.get_totp(user.id)
        if enrolment is None or enrolment.confirmed_at is None:
            raise InvalidRequest("no TOTP app is enrolled yet: start the enrolment first")

        code = code.strip()
        if looks_like_totp(code):
            factor = "totp"
            step = matching_totp_step(self._open_secret(enrolment), code, self._clock.now())
            matched = step is not None and self._store.use_totp_step(user.id, step)
        else:
            factor = "recovery_code"
            matched = self._store.use_recovery_code(user.id, recovery_code_hash(code), self._clock.now())
        if not matched:
            self._fail(throttle_key(user.username), user, factor, session)

        if factor == "totp":
            return self._complete(session, user, factor)
        left = self._store.unused_recovery_codes(user.id)
        self._audit.record(AuditEvent.RECOVERY_CODE_USED, self._sessions.principal_for(user),
                           organisation=user.organisation, subject_user_id=user.id, left=left)
        return self._complete(session, user, factor, recovery_codes_left=left)

    # -- logout ----------------------------------------------------------------------------

    def logout(self, session_token: str) -> None:
        """End the session; an unknown or ended session is not an error."""
        session = self._sessions.end(session_token)
        if session is None:
            return
        user = self._store.get_user(session.user_id)
        principal = self._sessions.principal_for(user) if user is not None else None
        self._audit.record(AuditEvent.LOGOUT, principal, organisation=user.organisation if user else None,
                           subject_user_id=session.user_id)
        log.info("logged_out", user_id=session.user_id)

    # -- helpers ---------------------------------------------------------------------------

    def _complete(self, pending: Session, user: User, factor: str, **extra) -> LoggedIn:
        self._store.delete_session(pending.token_hash)
        self._store.clear_failed_logins(throttle_key(user.username))
        started = self._sessions.start(user, SessionStage.ACTIVE)
        principal = self._sessions.principal_for(user)
        self._audit.record(AuditEvent.LOGIN_SUCCEEDED, principal, organisation=user.organisation,
                           subject_user_id=user.id, factor=factor)
        log.info("login_succeeded", user_id=user.id, factor=factor)
        return LoggedIn(started.token, principal, self._sessions.absolute_end(started.session), **extra)

    def _may_log_in(self, user: User) -> bool:
        return user.status == UserStatus.ACTIVE and self._sessions.organisation_active(user)

    def _open_secret(self, enrolment: TotpEnrolment) -> str:
        return self._box.open(enrolment.sealed_secret, enrolment.user_id.encode("utf-8")).decode("ascii")

    def _require_not_locked(self, key: str, pending: Session | None = None) -> None:
        throttle = self._store.login_throttle(key)
        if throttle is None or throttle.locked_until is None:
            return
        now = self._clock.now()
        if throttle.locked_until <= now:
            self._store.clear_failed_logins(key)
            return
        if pending is not None:
            self._store.delete_session(pending.token_hash)
        raise LoginLocked(math.ceil((throttle.locked_until - now).total_seconds()))

    def _fail(self, key: str, user: User | None, factor: str, pending: Session | None = None) -> NoReturn:
        """Count a failed attempt and raise LoginFailed, or LoginLocked when it reached the limit."""
        now = self._clock.now()
        throttle = self._store.record_failed_login(key, now, self._settings.failure_window)
        subject = {"organisation": user.organisation, "subject_user_id": user.id} if user is not None else {}
        self._audit.record(AuditEvent.LOGIN_FAILED, None, factor=factor, failures=throttle.failures, **subject)
        log.info("login_failed", user_id=user.id if user else None, factor=factor, failures=throttle.failures)
        if throttle.failures < self._settings.max_failed_logins:
            raise LoginFailed()

        until = now + self._settings.lockout
        self._store.lock_login(key, until)
        if pending is not None:
            self._store.delete_session(pending.token_hash)
        self._audit.record(AuditEvent.LOGIN_LOCKED, None, until=until.isoformat(), **subject)
        log.warning("login_locked", user_id=user.id if user else None, until=until.isoformat())
        raise LoginLocked(math.ceil(self._settings.lockout.total_seconds()))
