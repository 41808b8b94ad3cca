"""Sign-up (aanmelding): an organisation applies to use the hub and a hub operator decides.

Anyone may submit an application, because the organisation has no account yet.
Approval registers the organisation (or enrols an existing one for the requested
services and channels) and creates its first gebruikersbeheerder with an invitation
link. The desired username is checked only at approval, so that the public form does
not reveal which usernames exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import structlog

from core import authz
from core.errors import Conflict, InvalidRequest, NotFound
from core.identity.audit import AuditLog
from core.identity.credentials import check_username
from core.identity.invitations import InvitationService, IssuedInvitation
from core.identity.model import AuditEvent, SignupApplication, SignupStatus
from core.identity.ports import IdentityStore
from core.identity.users import check_email
from core.model import ENROLMENT_CHANNELS, Channel, OrgKind, Organisation
from core.organisations import OrganisationService, check_code
from core.ports import Clock, Store
from core.principal import Grant, Principal, Role

log = structlog.get_logger(__name__)

MAX_TEXT = 200


@dataclass(frozen=True)
class SignupDecision:
    application: SignupApplication
    organisation: Organisation | None = None
    invitation: IssuedInvitation | None = None  # the first gebruikersbeheerder's link, on approval


class SignupService:
    def __init__(self, store: IdentityStore, hub_store: Store, organisations: OrganisationService,
                 invitations: InvitationService, known_services: set[str], audit: AuditLog, clock: Clock):
        self._store = store
        self._hub_store = hub_store
        self._organisations = organisations
        self._invitations = invitations
        self._known_services = known_services
        self._audit = audit
        self._clock = clock

    def submit(self, principal: Principal, kind: OrgKind, code: str, name: str, services: Iterable[str],
               channels: Iterable[Channel], contact_name: str, contact_email: str, username: str) -> SignupApplication:
        """Store an application; raise Conflict while another one for ``code`` is pending."""
        code = code.strip()
        check_code(kind, code)
        services, channels = self._checked_services(services), self._checked_channels(channels)
        application = SignupApplication(
            id=str(uuid.uuid4()), submitted_at=self._clock.now(), kind=kind, code=code,
            name=_text(name, "name"), services=services, channels=channels,
            contact_name=_text(contact_name, "contact_name"), contact_email=check_email(contact_email),
            username=check_username(username),
        )
        if any(a.code == code for a in self._store.list_signups(SignupStatus.PENDING)):
            raise Conflict(f"an application for {code} is waiting for a decision already", params={"code": code})

        self._store.add_signup(application)
        self._audit.record(AuditEvent.SIGNUP_SUBMITTED, principal, organisation=code, signup_id=application.id,
                           services=list(services), channels=[c.value for c in channels])
        log.info("signup_submitted", signup_id=application.id, organisation=code)
        return application

    def list(self, principal: Principal, status: SignupStatus | None = None) -> list[SignupApplication]:
        authz.require_operator(principal)
        return self._store.list_signups(status)

    def get(self, principal: Principal, signup_id: str) -> SignupApplication:
        authz.require_operator(principal)
        application = self._store.get_signup(signup_id)
        if application is None:
            raise NotFound(f"sign-up application {signup_id} not found", params={"signup_id": signup_id})
        return application

    def approve(self, principal: Principal, signup_id: str, *, username: str | None = None,
                roles: Iterable[Role] = (), grants: Iterable[Grant] = ()) -> SignupDecision:
        """Register or enrol the organisation and invite its first gebruikersbeheerder.

        ``username`` replaces the desired one (when it is taken). ``roles`` and ``grants``
        are given to the gebruikersbeheerder in addition to that role.
        """
        application = self._pending(principal, signup_id)
        username = check_username(username or application.username)
        if self._store.find_user(username) is not None:
            raise Conflict(f"username {username!r} is taken: approve with another username", params={"username": username})
        existing = self._hub_store.get_organisation(application.code)
        if existing is not None and existing.kind != application.kind:
            raise InvalidRequest(f"organisation {application.code} exists as a {existing.kind.value}, "
                                 f"not a {application.kind.value}", params={"code": application.code})

        self._decide(principal, application, SignupStatus.APPROVED, None)
        organisation = self._register(principal, application, existing)
        invitation = self._invitations.invite(
            principal, application.code, {Role.GEBRUIKERSBEHEERDER, *roles}, grants,
            username=username, email=application.contact_email,
        )
        self._store.set_signup_user(application.id, invitation.user.id)
        application.user_id = invitation.user.id
        self._audit.record(AuditEvent.SIGNUP_APPROVED, principal, organisation=application.code,
                           signup_id=application.id, subject_user_id=invitation.user.id)
        log.info("signup_approved", signup_id=application.id, organisation=application.code,
                 user_id=invitation.user.id, actor=principal.describe())
        return SignupDecision(application, organisation, invitation)

    def reject(self, principal: Principal, signup_id: str, reason: str) -> SignupDecision:
        application = self._pending(principal, signup_id)
        self._decide(principal, application, SignupStatus.REJECTED, _text(reason, "reason"))
        self._audit.record(AuditEvent.SIGNUP_REJECTED, principal, organisation=application.code,
                           signup_id=application.id, reason=application.reason)
        log.info("signup_rejected", signup_id=application.id, organisation=application.code,
                 actor=principal.describe())
        return SignupDecision(application)

    # -- helpers ---------------------------------------------------------------------------

    def _pending(self, principal: Principal, signup_id: str) -> SignupApplication:
        application = self.get(principal, signup_id)
        if application.status != SignupStatus.PENDING:
            raise Conflict(f"sign-up application {signup_id} was {application.status.value} already",
                           params={"signup_id": signup_id, "status": application.status.value})
        return application

    def _decide(self, principal: Principal, application: SignupApplication, status: SignupStatus,
                reason: str | None) -> None:
        application.status = status
        application.decided_at = self._clock.now()
        application.decided_by = principal.describe()
        application.reason = reason
        if not self._store.decide_signup(application):
            raise Conflict(f"sign-up application {application.id} was decided already",
                           params={"signup_id": application.id})

    def _register(self, principal: Principal, application: SignupApplication,
                  existing: Organisation | None) -> Organisation:
        services, channels = list(application.services), list(application.channels)
        if existing is None:
            return self._organisations.add(principal, application.kind, application.code, application.name,
                                           services, channels)
        return self._organisations.enrol(principal, application.code, services, channels)

    def _checked_services(self, services: Iterable[str]) -> tuple[str, ...]:
        chosen = tuple(sorted({s.strip().lower() for s in services}))
        if not chosen:
            raise InvalidRequest("choose at least one service (dienst)", params={"field": "services"})
        unknown = sorted(set(chosen) - self._known_services)
        if unknown:
            raise InvalidRequest(f"unknown service {', '.join(unknown)}; known services: "
                                 f"{', '.join(sorted(self._known_services))}", params={"services": unknown})
        return chosen

    @staticmethod
    def _checked_channels(channels: Iterable[Channel]) -> tuple[Channel, ...]:
        chosen = tuple(sorted(set(channels), key=lambda c: c.value)) or (Channel.PORTAL,)
        wrong = [c.value for c in chosen if c not in ENROLMENT_CHANNELS]
        if wrong:
            raise InvalidRequest(f"{', '.join(wrong)} is not an enrolment channel", params={"channels": wrong})
        return chosen


def _text(value: str, field: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_TEXT:
        raise InvalidRequest(f"{field} is required and has at most {MAX_TEXT} characters", params={"field": field})
    return value
