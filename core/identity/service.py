"""The identity use cases in one object, built by the composition root."""

from __future__ import annotations

from core.identity import rules
from core.identity.audit import AuditLog
from core.identity.credentials import Passwords
from core.identity.invitations import InvitationService
from core.identity.login import LoginService
from core.identity.ports import IdentityStore, Mailer, SecretBox
from core.identity.sessions import ActiveSession, Sessions
from core.identity.settings import IdentitySettings
from core.identity.signup import SignupService
from core.identity.users import UserService
from core.organisations import OrganisationService
from core.ports import Clock, Store
from core.principal import Principal


class Identity:
    """Login, sessions, accounts, invitations, sign-up and the audit log.

    ``mailer`` None means invitations are not e-mailed: the inviting user passes the
    link on by hand.
    """

    def __init__(self, store: IdentityStore, hub_store: Store, known_services: set[str], clock: Clock,
                 box: SecretBox, settings: IdentitySettings | None = None, mailer: Mailer | None = None):
        settings = settings or IdentitySettings()
        passwords = Passwords(settings)
        self.settings = settings
        self._store = store
        self._clock = clock
        self.audit = AuditLog(store, clock)
        self.sessions = Sessions(store, hub_store, clock, settings)
        self.login = LoginService(store, self.sessions, passwords, box, self.audit, clock, settings)
        self.users = UserService(store, hub_store, self.sessions, passwords, self.audit, clock)
        self.invitations = InvitationService(store, self.users, self.sessions, passwords, self.audit, clock,
                                             settings, mailer)
        self.signups = SignupService(store, hub_store, OrganisationService(hub_store, known_services),
                                     self.invitations, known_services, self.audit, clock)

    def resolve_session(self, session_token: str) -> Principal:
        """Return the principal of an active portal session; raise SessionExpired."""
        return self.sessions.resolve(session_token)

    def resume_session(self, session_token: str) -> ActiveSession:
        """Return the principal, username and end of an active portal session; raise SessionExpired."""
        return self.sessions.resume(session_token)

    def logout(self, session_token: str) -> None:
        self.login.logout(session_token)

    def purge_expired(self) -> int:
        """Remove timed-out sessions and lockout counters whose window and lock have ended; return the rows removed.

        Nothing depends on it for correctness, because expired rows are refused when read,
        so a server may call it now and then to keep the tables small.
        """
        sessions = self.sessions.purge_expired()
        cutoff = self._clock.now() - self.settings.failure_window
        throttles = self._store.delete_throttles_before(cutoff)
        return sessions + throttles

    @staticmethod
    def capabilities(principal: Principal) -> frozenset[str]:
        """Return the identity pages the principal may open: "users", "audit", "signups"."""
        return rules.capabilities(principal)
