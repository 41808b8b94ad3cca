"""Invitations: one-time links with which an invited person sets a username and password.

The link contains a random token. The hub stores only its SHA-256, so the link is shown to
the inviting user (and e-mailed when a mailer is configured) and cannot be shown again.
A new invitation for the same account revokes the earlier ones. The link expires after
``invitation_valid`` (72 hours by default). Accepting it for an active account sets a
new password, which serves as a password reset by the gebruikersbeheerder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import structlog

from core.errors import Conflict, InvalidRequest
from core.identity import rules
from core.identity.audit import AuditLog
from core.identity.credentials import Passwords, check_password, check_username, new_token, token_hash
from core.identity.errors import InvitationInvalid
from core.identity.mail import invitation_mail
from core.identity.model import AuditEvent, Invitation, User, UserStatus
from core.identity.ports import IdentityStore, MailError, Mailer
from core.identity.sessions import Sessions
from core.identity.settings import IdentitySettings
from core.identity.users import UserService
from core.ports import Clock
from core.principal import Grant, Principal, Role

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class IssuedInvitation:
    user: User
    token: str
    link: str  # show this to the inviting user; it cannot be shown again
    expires_at: datetime
    mailed: bool  # whether the link went out by e-mail


@dataclass(frozen=True)
class InvitationView:
    """The invitation details the acceptance form shows before the invitee sets a password."""

    username: str | None  # None: the invitee chooses one
    organisation: str | None
    expires_at: datetime


class InvitationService:
    def __init__(self, store: IdentityStore, users: UserService, sessions: Sessions, passwords: Passwords,
                 audit: AuditLog, clock: Clock, settings: IdentitySettings, mailer: Mailer | None = None):
        self._store = store
        self._users = users
        self._sessions = sessions
        self._passwords = passwords
        self._audit = audit
        self._clock = clock
        self._settings = settings
        self._mailer = mailer

    def invite(self, principal: Principal, organisation: str | None, roles: Iterable[Role],
               grants: Iterable[Grant] = (), username: str | None = None, email: str | None = None) -> IssuedInvitation:
        """Create an invited account and return its one-time link."""
        user = self._users.create(principal, organisation, roles, grants, username=username, email=email)
        return self._issue(principal, user)

    def reissue(self, principal: Principal, user_id: str) -> IssuedInvitation:
        """Issue a new link for an invited account, or a password-reset link for an active one."""
        user = self._users.get(principal, user_id)
        rules.require_manage_user(principal, user)
        if user.status == UserStatus.DISABLED:
            raise InvalidRequest(f"user {user_id} is disabled: enable the account first", params={"user_id": user_id})
        return self._issue(principal, user)

    def view(self, token: str) -> InvitationView:
        """Return what the acceptance form needs; raise InvitationInvalid for a bad, used or expired link."""
        invitation, user = self._valid(token)
        return InvitationView(user.username, user.organisation, invitation.expires_at)

    def accept(self, token: str, password: str, username: str | None = None) -> User:
        """Set the username (when the inviter left it open) and the password; the account becomes active.

        The link is the only credential here, so this takes no principal. The username and
        password are checked before the link is used up, so a rejected password can be
        corrected with the same link. Every session of the account ends.
        """
        invitation, user = self._valid(token)
        name = self._username_for(user, username)
        check_password(password, name)
        if not self._store.use_invitation(invitation.token_hash, self._clock.now()):
            raise InvitationInvalid()

        # NOTE: the link is used up before the account is saved, so a crash in between
        # leaves an invited account without a valid link: issue a new one.
        user.username = name
        user.status = UserStatus.ACTIVE
        self._store.save_user(user)
        self._store.set_password_hash(user.id, self._passwords.hash(password))
        self._sessions.end_all(user.id)
        self._audit.record(AuditEvent.INVITATION_ACCEPTED, self._sessions.principal_for(user),
                           organisation=user.organisation, subject_user_id=user.id)
        log.info("invitation_accepted", user_id=user.id, organisation=user.organisation)
        return user

    # -- helpers ---------------------------------------------------------------------------

    def _issue(self, principal: Principal, user: User) -> IssuedInvitation:
        now = self._clock.now()
        token = new_token()
        revoked = self._store.revoke_invitations(user.id)
        invitation = Invitation(token_hash(token), user.id, now, now + self._settings.invitation_valid,
                                principal.describe())
        self._store.add_invitation(invitation)
        link = self._settings.invitation_link(token)
        mailed = self._mail(user, link, invitation.expires_at)
        self._audit.record(AuditEvent.INVITATION_ISSUED, principal, organisation=user.organisation,
                           subject_user_id=user.id, expires_at=invitation.expires_at.isoformat(),
                           mailed=mailed, revoked=revoked)
        log.info("invitation_issued", user_id=user.id, organisation=user.organisation, mailed=mailed,
                 actor=principal.describe())
        return IssuedInvitation(user, token, link, invitation.expires_at, mailed)

    def _mail(self, user: User, link: str, expires_at: datetime) -> bool:
        if self._mailer is None or not user.email:
            return False
        subject, body = invitation_mail(link, expires_at, user.organisation)
        try:
            self._mailer.send(user.email, subject, body)
        except MailError as error:
            log.error("invitation_mail_failed", user_id=user.id, error=str(error))
            return False
        return True

    def _valid(self, token: str) -> tuple[Invitation, User]:
        invitation = self._store.get_invitation(token_hash(token))
        if invitation is None or invitation.used_at is not None or invitation.expires_at <= self._clock.now():
            raise InvitationInvalid()
        user = self._store.get_user(invitation.user_id)
        if user is None or user.status == UserStatus.DISABLED:
            raise InvitationInvalid()
        return invitation, user

    def _username_for(self, user: User, requested: str | None) -> str:
        if user.username is not None:
            if requested is not None and requested.strip().lower() != user.username:
                raise InvalidRequest(f"this invitation is for username {user.username!r}", params={"field": "username"})
            return user.username
        if requested is None:
            raise InvalidRequest("choose a username", params={"field": "username"})
        name = check_username(requested)
        if self._store.find_user(name) is not None:
            raise Conflict(f"username {name!r} is taken: choose another", params={"username": name})
        return name
