"""Portal sessions: opaque tokens stored as SHA-256, with idle and absolute timeouts.

A session starts in the stage ``password_verified`` when the password matched and
becomes a new, ``active`` session (with a new token) once the second factor matched.
Only an active session yields a ``Principal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from core.identity.credentials import new_token, token_hash
from core.identity.errors import SessionExpired
from core.identity.model import Session, SessionStage, User, UserStatus
from core.identity.ports import IdentityStore
from core.identity.settings import IdentitySettings
from core.model import Channel
from core.ports import Clock, Store
from core.principal import Principal

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ActiveSession:
    """A resolved portal session, for pages that show who is logged in."""

    principal: Principal
    username: str
    expires_at: datetime  # the earlier of the idle and the absolute end, as of this request


@dataclass(frozen=True)
class StartedSession:
    token: str  # hand to the browser; the hub keeps only its hash
    session: Session


class Sessions:
    def __init__(self, store: IdentityStore, hub_store: Store, clock: Clock, settings: IdentitySettings):
        self._store = store
        self._hub_store = hub_store
        self._clock = clock
        self._settings = settings

    def start(self, user: User, stage: SessionStage) -> StartedSession:
        now = self._clock.now()
        token = new_token()
        session = Session(token_hash(token), user.id, stage, now, now)
        self._store.add_session(session)
        return StartedSession(token, session)

    def resolve(self, token: str) -> Principal:
        """Return the principal of an active session and extend its idle timeout; raise SessionExpired."""
        return self.resume(token).principal

    def resume(self, token: str) -> ActiveSession:
        """Like ``resolve``, with the username and the moment the session ends unless used again."""
        session = self._live(token, SessionStage.ACTIVE, self._settings.session_idle)
        user = self._active_user(session)
        now = self._clock.now()
        self._store.touch_session(session.token_hash, now)
        expires_at = min(now + self._settings.session_idle, self.absolute_end(session))
        return ActiveSession(self.principal_for(user), user.username or user.id, expires_at)

    def pending_user(self, token: str) -> tuple[Session, User]:
        """Return the session and user of a login waiting for its second factor; raise SessionExpired."""
        session = self._live(token, SessionStage.PASSWORD_VERIFIED, self._settings.second_factor_timeout)
        return session, self._active_user(session)

    def end(self, token: str) -> Session | None:
        """End the session of ``token``; return it, or None when it did not exist."""
        hashed = token_hash(token)
        session = self._store.get_session(hashed)
        if session is not None:
            self._store.delete_session(hashed)
        return session

    def end_all(self, user_id: str) -> int:
        ended = self._store.delete_user_sessions(user_id)
        if ended:
            log.info("sessions_ended", user_id=user_id, count=ended)
        return ended

    def absolute_end(self, session: Session) -> datetime:
        return session.created_at + self._settings.session_absolute

    def purge_expired(self) -> int:
        """Remove sessions past either timeout; the login step uses the shorter of its own and the idle one."""
        now = self._clock.now()
        idle = max(self._settings.session_idle, self._settings.second_factor_timeout)
        return self._store.delete_sessions_before(now - self._settings.session_absolute, now - idle)

    def principal_for(self, user: User) -> Principal:
        """Build the portal principal of ``user``; grants outside the organisation's enrolled services drop out."""
        grants = frozenset(user.grants)
        if user.organisation is not None:
            organisation = self._hub_store.get_organisation(user.organisation)
            enrolled = organisation.services() if organisation is not None else set()
            grants = frozenset(g for g in grants if g.service in enrolled)
        return Principal(channel=Channel.PORTAL, organisation=user.organisation, user=user.id,
                         roles=frozenset(user.roles), grants=grants)

    def _live(self, token: str, stage: SessionStage, idle_limit: timedelta) -> Session:
        hashed = token_hash(token)
        session = self._store.get_session(hashed)
        if session is None or session.stage != stage:
            raise SessionExpired()
        now = self._clock.now()
        if now - session.last_seen_at > idle_limit or now - session.created_at > self._settings.session_absolute:
            self._store.delete_session(hashed)
            log.info("session_timed_out", user_id=session.user_id, stage=session.stage.value)
            raise SessionExpired()
        return session

    def _active_user(self, session: Session) -> User:
        user = self._store.get_user(session.user_id)
        if user is None or user.status != UserStatus.ACTIVE or not self.organisation_active(user):
            self._store.delete_session(session.token_hash)
            raise SessionExpired("the account is disabled: the session has ended")
        return user

    def organisation_active(self, user: User) -> bool:
        if user.organisation is None:
            return True
        organisation = self._hub_store.get_organisation(user.organisation)
        return organisation is not None and organisation.active
