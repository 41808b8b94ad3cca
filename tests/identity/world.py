"""A hub with the identity use cases and helpers that act as its people would."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyotp

from core.identity.login import LoggedIn, NextStep
from core.identity.model import User
from core.identity.ports import IdentityStore
from core.identity.service import Identity
from core.model import Channel, OrgKind
from core.organisations import OrganisationService
from core.ports import PayloadStore, Store
from core.principal import Grant, Principal, Role
from tests.fakes import FixedClock

KNOWN_SERVICES = ("wmo", "jw", "wlz", "pgb", "ieb")
OPERATOR = Principal.operator(Channel.CLI)
PASSWORD = "correct horse battery"
ORG_A = "0384"  # gemeente Amsterdam-like test code, enrolled for wmo and jw
ORG_B = "0363"  # a second gemeente, enrolled for wmo, jw and wlz


@dataclass
class World:
    identity: Identity
    store: IdentityStore
    hub: Store
    organisations: OrganisationService
    clock: FixedClock
    payloads: PayloadStore | None = None  # set for the in-memory hub, whose store keeps what it stages
    totp_secrets: dict[str, str] = field(default_factory=dict)  # username -> secret seen at enrolment
    recovery_codes: dict[str, list[str]] = field(default_factory=dict)

    def add_standard_organisations(self) -> None:
        self.organisations.add(OPERATOR, OrgKind.GEMEENTE, ORG_A, "Gemeente A", ["wmo", "jw"], [Channel.PORTAL])
        self.organisations.add(OPERATOR, OrgKind.GEMEENTE, ORG_B, "Gemeente B", ["wmo", "jw", "wlz"],
                               [Channel.PORTAL])

    def activate(self, username: str, organisation: str | None, roles: Iterable[Role],
                 grants: Iterable[Grant] = (), *, by: Principal = OPERATOR, password: str = PASSWORD) -> User:
        """Invite an account and accept the invitation with ``password``, as the invitee would."""
        issued = self.identity.invitations.invite(by, organisation, roles, grants, username=username)
        return self.identity.invitations.accept(issued.token, password)

    def log_in(self, username: str, password: str = PASSWORD) -> LoggedIn:
        """Log in with both factors, enrolling a TOTP app on the first login."""
        verified = self.identity.login.verify_password(username, password)
        if verified.next_step == NextStep.ENROL_TOTP:
            setup = self.identity.login.start_totp_enrolment(verified.login_token)
            self.totp_secrets[username] = setup.secret
            logged_in = self.identity.login.finish_totp_enrolment(verified.login_token, self.totp_code(username))
            self.recovery_codes[username] = list(logged_in.recovery_codes)
            return logged_in
        self.next_time_step()
        return self.identity.login.verify_second_factor(verified.login_token, self.totp_code(username))

    def principal(self, username: str, organisation: str | None, roles: Iterable[Role],
                  grants: Iterable[Grant] = ()) -> Principal:
        """Create an account, log it in and return the principal its session resolves to."""
        self.activate(username, organisation, roles, grants)
        return self.identity.resolve_session(self.log_in(username).session_token)

    def totp_code(self, username: str, steps: int = 0) -> str:
        """Return the code the user's app shows now, or ``steps`` time steps later."""
        totp = pyotp.TOTP(self.totp_secrets[username])
        return totp.at(self.clock.current, counter_offset=steps)

    def next_time_step(self) -> None:
        """Move the clock 30 seconds on, as a person logging in again later would."""
        self.clock.advance(seconds=30)
