"""What every resource needs: the core services, the renderer and helpers for sessions and pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import falcon

from adapters.i18n.catalog import N_
from adapters.web.config import WebConfig
from adapters.web.errors import LoginRequired, PortalError
from adapters.web.rendering import Renderer
from adapters.web.security import CsrfGuard
from adapters.web.sessions import SessionGateway, WebSession
from core.clock import SystemClock
from core.ingest import IngestService
from core.mailbox import MailboxService
from core.organisations import OrganisationService
from core.plugins import PluginHost
from core.ports import Clock


@dataclass
class Portal:
    config: WebConfig
    renderer: Renderer
    csrf: CsrfGuard
    sessions: SessionGateway
    ingest: IngestService
    mailbox: MailboxService
    organisations: OrganisationService
    plugins: PluginHost
    database_ready: Callable[[], bool]
    clock: Clock = SystemClock()
    identity: Any = None  # the identity component's web adapter, once it is wired in

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, *, status: int = 200,
             **context: Any) -> None:
        """Render ``template`` as the HTML response."""
        resp.status = status
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.renderer.render(req, template, **context)

    def gettext(self, req: falcon.Request) -> Callable[[str], str]:
        from adapters.i18n import gettext_for

        return gettext_for(req.context.language)


def signed_in(req: falcon.Request) -> WebSession:
    """Return the caller's session; raise LoginRequired when there is none."""
    session = getattr(req.context, "session", None)
    if session is None:
        raise LoginRequired()
    return session


def viewed_organisation(req: falcon.Request, session: WebSession) -> str:
    """Return the organisation whose messages the page shows.

    A user sees their own organisation. The hub operator has none and names one with
    ``?org=CODE``; core still decides what each principal may see.
    """
    own = session.principal.organisation
    if own is not None:
        return own
    chosen = (req.get_param("org") or "").strip()
    if not chosen:
        raise PortalError(400, "GGK400-ORG", N_("Choose an organisation with ?org= followed by its code."))
    return chosen
