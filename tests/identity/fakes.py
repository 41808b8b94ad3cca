"""In-memory ``IdentityStore``; the SQL store passes the same contract tests."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace
from datetime import datetime, timedelta

from core.errors import Conflict
from core.identity.model import (
    AuditQuery, AuditRecord, Invitation, LoginThrottle, Session, SignupApplication, SignupStatus, TotpEnrolment, User,
)
from core.identity.ports import IdentityStore


class MemoryIdentityStore(IdentityStore):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.users: dict[str, User] = {}
        self.passwords: dict[str, str] = {}
        self.totp: dict[str, TotpEnrolment] = {}
        self.recovery: dict[str, dict[str, datetime | None]] = {}  # user id -> code hash -> used at
        self.sessions: dict[str, Session] = {}
        self.throttles: dict[str, LoginThrottle] = {}
        self.invitations: dict[str, Invitation] = {}
        self.signups: dict[str, SignupApplication] = {}
        self.audit: list[AuditRecord] = []

    # users
    def add_user(self, user: User) -> None:
        with self._lock:
            self._require_free(user)
            self.users[user.id] = copy.deepcopy(user)

    def save_user(self, user: User) -> None:
        with self._lock:
            self._require_free(user)
            self.users[user.id] = copy.deepcopy(user)

    def _require_free(self, user: User) -> None:
        if user.username is None:
            return
        for other in self.users.values():
            if other.username == user.username and other.id != user.id:
                raise Conflict(f"username {user.username!r} is taken", params={"username": user.username})

    def get_user(self, user_id: str) -> User | None:
        return copy.deepcopy(self.users.get(user_id))

    def find_user(self, username: str) -> User | None:
        for user in self.users.values():
            if user.username == username:
                return copy.deepcopy(user)
        return None

    def list_users(self, organisation: str | None = None) -> list[User]:
        found = [u for u in self.users.values() if organisation is None or u.organisation == organisation]
        found.sort(key=lambda u: (u.username is None, u.username or "", u.id))
        return copy.deepcopy(found)

    # password
    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self.passwords[user_id] = password_hash

    def password_hash(self, user_id: str) -> str | None:
        return self.passwords.get(user_id)

    # second factor
    def set_totp(self, enrolment: TotpEnrolment) -> None:
        self.totp[enrolment.user_id] = enrolment

    def get_totp(self, user_id: str) -> TotpEnrolment | None:
        return self.totp.get(user_id)

    def confirm_totp(self, user_id: str, at: datetime, step: int) -> bool:
        with self._lock:
            current = self.totp.get(user_id)
            if current is None or current.confirmed_at is not None:
                return False
            self.totp[user_id] = replace(current, confirmed_at=at, last_step=step)
            return True

    def use_totp_step(self, user_id: str, step: int) -> bool:
        with self._lock:
            current = self.totp.get(user_id)
            if current is None or (current.last_step is not None and current.last_step >= step):
                return False
            self.totp[user_id] = replace(current, last_step=step)
            return True

    def delete_totp(self, user_id: str) -> None:
        self.totp.pop(user_id, None)
        self.recovery.pop(user_id, None)

    def replace_recovery_codes(self, user_id: str, code_hashes: list[str], at: datetime) -> None:
        self.recovery[user_id] = {code_hash: None for code_hash in code_hashes}

    def use_recovery_code(self, user_id: str, code_hash: str, at: datetime) -> bool:
        with self._lock:
            codes = self.recovery.get(user_id, {})
            if code_hash not in codes or codes[code_hash] is not None:
                return False
            codes[code_hash] = at
            return True

    def unused_recovery_codes(self, user_id: str) -> int:
        return sum(1 for used in self.recovery.get(user_id, {}).values() if used is None)

    # sessions
    def add_session(self, session: Session) -> None:
        self.sessions[session.token_hash] = session

    def get_session(self, token_hash: str) -> Session | None:
        return self.sessions.get(token_hash)

    def touch_session(self, token_hash: str, at: datetime) -> None:
        if token_hash in self.sessions:
            self.sessions[token_hash] = replace(self.sessions[token_hash], last_seen_at=at)

    def delete_session(self, token_hash: str) -> bool:
        return self.sessions.pop(token_hash, None) is not None

    def delete_user_sessions(self, user_id: str) -> int:
        doomed = [h for h, s in self.sessions.items() if s.user_id == user_id]
        for token_hash in doomed:
            del self.sessions[token_hash]
        return len(doomed)

    def delete_sessions_before(self, created_before: datetime, seen_before: datetime) -> int:
        doomed = [h for h, s in self.sessions.items() if s.created_at < created_before or s.last_seen_at < seen_before]
        for token_hash in doomed:
            del self.sessions[token_hash]
        return len(doomed)

    # lockout
    def login_throttle(self, key: str) -> LoginThrottle | None:
        return self.throttles.get(key)

    def record_failed_login(self, key: str, at: datetime, window: timedelta) -> LoginThrottle:
        with self._lock:
            current = self.throttles.get(key)
            if current is None:
                updated = LoginThrottle(key, 1, at)
            elif current.window_start < at - window:
                updated = LoginThrottle(key, 1, at, current.locked_until)
            else:
                updated = replace(current, failures=current.failures + 1)
            self.throttles[key] = updated
            return updated

    def lock_login(self, key: str, until: datetime) -> None:
        if key in self.throttles:
            self.throttles[key] = replace(self.throttles[key], locked_until=until)

    def clear_failed_logins(self, key: str) -> None:
        self.throttles.pop(key, None)

    def delete_throttles_before(self, before: datetime) -> int:
        doomed = [k for k, t in self.throttles.items()
                  if t.window_start < before and (t.locked_until is None or t.locked_until < before)]
        for key in doomed:
            del self.throttles[key]
        return len(doomed)

    # invitations
    def add_invitation(self, invitation: Invitation) -> None:
        self.invitations[invitation.token_hash] = invitation

    def get_invitation(self, token_hash: str) -> Invitation | None:
        return self.invitations.get(token_hash)

    def use_invitation(self, token_hash: str, at: datetime) -> bool:
        with self._lock:
            current = self.invitations.get(token_hash)
            if current is None or current.used_at is not None:
                return False
            self.invitations[token_hash] = replace(current, used_at=at)
            return True

    def revoke_invitations(self, user_id: str) -> int:
        doomed = [h for h, i in self.invitations.items() if i.user_id == user_id and i.used_at is None]
        for token_hash in doomed:
            del self.invitations[token_hash]
        return len(doomed)

    # sign-up
    def add_signup(self, application: SignupApplication) -> None:
        self.signups[application.id] = copy.deepcopy(application)

    def get_signup(self, signup_id: str) -> SignupApplication | None:
        return copy.deepcopy(self.signups.get(signup_id))

    def list_signups(self, status: SignupStatus | None = None) -> list[SignupApplication]:
        found = [a for a in self.signups.values() if status is None or a.status == status]
        return copy.deepcopy(sorted(found, key=lambda a: (a.submitted_at, a.id)))

    def decide_signup(self, application: SignupApplication) -> bool:
        with self._lock:
            current = self.signups.get(application.id)
            if current is None or current.status != SignupStatus.PENDING:
                return False
            current.status = application.status
            current.decided_at = application.decided_at
            current.decided_by = application.decided_by
            current.reason = application.reason
            return True

    def set_signup_user(self, signup_id: str, user_id: str) -> None:
        self.signups[signup_id].user_id = user_id

    # audit
    def add_audit(self, record: AuditRecord) -> int:
        with self._lock:
            record_id = len(self.audit) + 1
            self.audit.append(replace(record, id=record_id, details=copy.deepcopy(record.details)))
            return record_id

    def add_audits(self, records: list[AuditRecord]) -> list[int]:
        return [self.add_audit(record) for record in records]

    def list_audit(self, query: AuditQuery) -> list[AuditRecord]:
        found = [r for r in reversed(self.audit) if _matches(r, query)]
        return found[: query.limit]


def _matches(record: AuditRecord, query: AuditQuery) -> bool:
    checks = (
        query.organisation is None or record.organisation == query.organisation,
        query.events is None or record.event in query.events,
        query.user_id is None or query.user_id in (record.actor_user_id, record.subject_user_id),
        query.message_id is None or record.message_id == query.message_id,
        query.since is None or record.at >= query.since,
        query.until is None or record.at < query.until,
        query.before_id is None or record.id < query.before_id,
    )
    return all(checks)
