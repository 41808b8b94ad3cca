"""The identity component seen from the portal: sessions for every request, and the login steps.

``IdentitySessions`` turns an identity ``Identity`` object into the portal's
``SessionGateway``. The login resources call ``identity.login`` directly; its errors
carry stable codes (GGK401 wrong credentials or expired step, GGK429 locked).
"""

from __future__ import annotations

import structlog

from adapters.web.sessions import WebSession
from core.errors import GgkError, NotFound
from core.organisations import OrganisationService

log = structlog.get_logger(__name__)


class IdentitySessions:
    """``SessionGateway`` over the identity component's sessions."""

    def __init__(self, identity, organisations: OrganisationService):
        self._identity = identity
        self._organisations = organisations

    def resume(self, token: str) -> WebSession | None:
        try:
            active = self._identity.resume_session(token)
        except GgkError as error:
            if error.code != "GGK401":
                raise
            return None
        principal = active.principal
        return WebSession(
            token=token,
            principal=principal,
            display_name=active.username,
            organisation_name=self._organisation_name(principal),
            permissions=frozenset(self._identity.capabilities(principal)),
            expires_at=active.expires_at,
        )

    def end(self, token: str) -> None:
        self._identity.logout(token)

    def _organisation_name(self, principal) -> str | None:
        if principal.organisation is None:
            return None
        try:
            organisation = self._organisations.get(principal, principal.organisation)
        except NotFound:
            return principal.organisation
        return f"{organisation.name} ({organisation.code})"
