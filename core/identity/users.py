"""Managing accounts: create, list, disable and enable, change roles and grants,
reset a second factor, and change one's own password.

The rules of who may do what are in ``core.identity.rules``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

import structlog

from core.errors import Conflict, InvalidRequest, NotAuthorised, NotFound
from core.identity import rules
from core.identity.audit import AuditLog
from core.identity.credentials import Passwords, check_password, check_username
from core.identity.errors import LoginFailed
from core.identity.model import AuditEvent, User, UserStatus
from core.identity.ports import IdentityStore
from core.identity.sessions import Sessions
from core.model import Organisation
from core.ports import Clock, Store
from core.principal import Grant, Principal, Role

log = structlog.get_logger(__name__)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(email: str) -> str:
    email = email.strip()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidRequest("invalid e-mail address: use the form name@example.nl", params={"field": "email"})
    return email


def grant_labels(grants: Iterable[Grant]) -> list[str]:
    return sorted(f"{g.service}:{g.action.value}" for g in grants)


class UserService:
    def __init__(self, store: IdentityStore, hub_store: Store, sessions: Sessions, passwords: Passwords,
                 audit: AuditLog, clock: Clock):
        self._store = store
        self._hub_store = hub_store
        self._sessions = sessions
        self._passwords = passwords
        self._audit = audit
        self._clock = clock

    def create(self, principal: Principal, organisation: str | None, roles: Iterable[Role],
               grants: Iterable[Grant] = (), username: str | None = None, email: str | None = None) -> User:
        """Create an invited account without a password; an invitation link lets the person set one.

        ``organisation`` None creates a hub operator account, which only a hub operator may do.
        """
        roles, grants = frozenset(roles), frozenset(grants)
        rules.require_manage_accounts_of(principal, organisation)
        enrolled = self._organisation(organisation)
        if not roles:
            raise InvalidRequest("give the account at least one role", params={"field": "roles"})
        rules.require_grantable(principal, organisation, enrolled, roles, grants)
        if username is not None:
            username = check_username(username)
            self._require_free(username)

        user = User(
            id=str(uuid.uuid4()), username=username, organisation=organisation, roles=roles, grants=grants,
            email=check_email(email) if email else None, status=UserStatus.INVITED,
            created_at=self._clock.now(), created_by=principal.describe(),
        )
        self._store.add_user(user)
        self._audit.record(AuditEvent.USER_CREATED, principal, organisation=organisation, subject_user_id=user.id,
                           roles=sorted(r.value for r in roles), grants=grant_labels(grants))
        log.info("user_created", user_id=user.id, organisation=organisation, actor=principal.describe())
        return user

    def list(self, principal: Principal, organisation: str | None = None) -> list[User]:
        """List accounts of ``organisation``; a hub operator lists every account when it is None."""
        if organisation is None and not rules.is_hub_operator(principal):
            organisation = principal.organisation
        rules.require_manage_accounts_of(principal, organisation)
        if organisation is None:
            return self._store.list_users()
        return self._store.list_users(organisation)

    def get(self, principal: Principal, user_id: str) -> User:
        """Return an account the principal manages, or its own; others are reported as not found."""
        user = self._store.get_user(user_id)
        if user is None or not (principal.user == user.id or rules.may_manage_accounts_of(principal, user.organisation)):
            raise NotFound(f"user {user_id} not found", params={"user_id": user_id})
        return user

    def find(self, principal: Principal, username: str) -> User:
        user = self._store.find_user(username.strip().lower())
        if user is None:
            raise NotFound(f"user {username.strip().lower()!r} not found", params={"username": username})
        return self.get(principal, user.id)

    def disable(self, principal: Principal, user_id: str) -> User:
        """Disable the account, end all its sessions and revoke its open invitations."""
        user = self._managed(principal, user_id)
        user.status = UserStatus.DISABLED
        self._store.save_user(user)
        ended = self._sessions.end_all(user.id)
        self._store.revoke_invitations(user.id)
        self._audit.record(AuditEvent.USER_DISABLED, principal, organisation=user.organisation,
                           subject_user_id=user.id, sessions_ended=ended)
        log.info("user_disabled", user_id=user.id, sessions_ended=ended, actor=principal.describe())
        return user

    def enable(self, principal: Principal, user_id: str) -> User:
        """Enable a disabled account; one that never set a password goes back to invited."""
        user = self._managed(principal, user_id)
        if user.status != UserStatus.DISABLED:
            return user
        has_password = self._store.password_hash(user.id) is not None
        user.status = UserStatus.ACTIVE if has_password else UserStatus.INVITED
        self._store.save_user(user)
        self._audit.record(AuditEvent.USER_ENABLED, principal, organisation=user.organisation, subject_user_id=user.id)
        log.info("user_enabled", user_id=user.id, actor=principal.describe())
        return user

    def set_roles(self, principal: Principal, user_id: str, roles: Iterable[Role]) -> User:
        """Replace the account's roles; each added role must be one the principal may grant."""
        user = self._managed(principal, user_id)
        roles = frozenset(roles)
        if not roles:
            raise InvalidRequest("give the account at least one role", params={"field": "roles"})
        rules.require_grantable(principal, user.organisation, None, roles - user.roles, ())
        before, user.roles = user.roles, roles
        self._store.save_user(user)
        self._audit.record(AuditEvent.ROLES_CHANGED, principal, organisation=user.organisation, subject_user_id=user.id,
                           before=sorted(r.value for r in before), after=sorted(r.value for r in roles))
        log.info("user_roles_changed", user_id=user.id, actor=principal.describe())
        return user

    def set_grants(self, principal: Principal, user_id: str, grants: Iterable[Grant]) -> User:
        """Replace the account's grants; each added grant must be for a service its organisation is enrolled for."""
        user = self._managed(principal, user_id)
        grants = frozenset(grants)
        rules.require_grantable(principal, user.organisation, self._organisation(user.organisation),
                                (), grants - user.grants)
        before, user.grants = user.grants, grants
        self._store.save_user(user)
        self._audit.record(AuditEvent.GRANTS_CHANGED, principal, organisation=user.organisation,
                           subject_user_id=user.id, before=grant_labels(before), after=grant_labels(grants))
        log.info("user_grants_changed", user_id=user.id, actor=principal.describe())
        return user

    def reset_second_factor(self, principal: Principal, user_id: str) -> User:
        """Remove the TOTP enrolment and recovery codes (a lost phone); the next login enrols again."""
        user = self._managed(principal, user_id)
        self._store.delete_totp(user.id)
        ended = self._sessions.end_all(user.id)
        self._audit.record(AuditEvent.SECOND_FACTOR_RESET, principal, organisation=user.organisation,
                           subject_user_id=user.id, sessions_ended=ended)
        log.info("second_factor_reset", user_id=user.id, actor=principal.describe())
        return user

    def change_password(self, principal: Principal, current_password: str, new_password: str) -> None:
        """Change the principal's own password; other sessions of the account end."""
        if principal.user is None:
            raise NotAuthorised(f"{principal.describe()} has no account password")
        user = self._store.get_user(principal.user)
        if user is None or user.status != UserStatus.ACTIVE:
            raise NotFound(f"user {principal.user} not found", params={"user_id": principal.user})
        if not self._passwords.verify(self._store.password_hash(user.id), current_password):
            raise LoginFailed()
        check_password(new_password, user.username)

        self._store.set_password_hash(user.id, self._passwords.hash(new_password))
        ended = self._sessions.end_all(user.id)
        self._audit.record(AuditEvent.PASSWORD_CHANGED, principal, organisation=user.organisation,
                           subject_user_id=user.id, sessions_ended=ended)
        log.info("password_changed", user_id=user.id)

    # -- helpers ---------------------------------------------------------------------------

    def _managed(self, principal: Principal, user_id: str) -> User:
        user = self.get(principal, user_id)
        rules.require_manage_user(principal, user)
        return user

    def _organisation(self, code: str | None) -> Organisation | None:
        if code is None:
            return None
        organisation = self._hub_store.get_organisation(code)
        if organisation is None:
            raise NotFound(f"organisation {code} not found", params={"code": code})
        return organisation

    def _require_free(self, username: str) -> None:
        if self._store.find_user(username) is not None:
            raise Conflict(f"username {username!r} is taken: choose another", params={"username": username})
