"""The real identity component on the test hub's database, for the login tests.

The tests that use it skip when the identity component (core.identity and its SQL
store) is not in the tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pyotp
import pytest

from adapters.web import create_app
from core.principal import Action, Grant, Role
from tests.web.support import GEMEENTE, OPERATOR, Hub

identity_service = pytest.importorskip("core.identity.service", reason="the identity component is not in the tree")
identity_settings = pytest.importorskip("core.identity.settings")
sealing = pytest.importorskip("core.identity.sealing")
identity_store = pytest.importorskip("adapters.storage.identity_store")

PASSWORD = "correct horse battery staple"


@dataclass
class People:
    """Accounts made through invitations, and the TOTP secrets their apps hold."""

    identity: object
    secrets: dict[str, str] = field(default_factory=dict)

    def invite_and_accept(self, username: str, organisation: str = GEMEENTE, services=("jw",),
                          roles=frozenset({Role.GEBRUIKER})) -> None:
        grants = [Grant(service, action) for service in services for action in (Action.SEND, Action.RECEIVE)]
        issued = self.identity.invitations.invite(OPERATOR, organisation, roles, grants, username=username)
        self.identity.invitations.accept(issued.token, PASSWORD)

    def code(self, username: str, at=None) -> str:
        totp = pyotp.TOTP(self.secrets[username])
        return totp.at(at) if at is not None else totp.now()


def with_identity(hub: Hub, mailer=None) -> People:
    """Rebuild the hub's app with the real identity component as its login and session gateway.

    ``mailer`` stands in for SMTP: with one, invitations are mailed as well as shown.
    """
    settings = identity_settings.IdentitySettings(argon2_time_cost=1, argon2_memory_kib=8192, argon2_parallelism=1)
    identity = identity_service.Identity(
        identity_store.SqlIdentityStore(hub.container.engine()), hub.container.store(),
        set(hub.container.plugins().services()), hub.container.clock(), sealing.AesGcmSecretBox(os.urandom(32)),
        settings, mailer,
    )
    hub.app = create_app(hub.container, hub.settings, identity=identity)
    return People(identity)
