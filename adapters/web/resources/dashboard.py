"""The overview page: mailbox counts per service and the volume chart of the last 30 days.

The hub operator belongs to no organisation: without ``?org=`` the overview lists the
organisations to choose from, and the applications waiting for a decision.
"""

from __future__ import annotations

import falcon

from adapters.web.chart import volume_chart
from adapters.web.portal import Portal, signed_in, viewed_organisation
from adapters.web.rendering import format_day
from adapters.web.sessions import WebSession
from adapters.web.statistics import build_overview
from core.principal import Action


def visible_services(portal: Portal, session: WebSession, organisation: str) -> dict[str, str]:
    """Return code -> name of the services the user works with in ``organisation``."""
    specs = portal.plugins.services()
    enrolled = portal.organisations.get(session.principal, organisation).services()
    grants = session.principal.grants
    if grants is not None and session.principal.organisation is not None:  # the hub operator holds no grants
        enrolled &= {grant.service for grant in grants if grant.action in (Action.SEND, Action.RECEIVE)}
    return {code: specs[code].name if code in specs else code for code in sorted(enrolled)}


def overview_data(portal: Portal, req: falcon.Request):
    session = signed_in(req)
    organisation = viewed_organisation(req, session)
    services = visible_services(portal, session, organisation)
    overview = build_overview(portal.mailbox, session.principal, organisation, services)
    return organisation, overview


class DashboardPage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        if session.principal.organisation is None and not (req.get_param("org") or "").strip():
            self._operator_home(req, resp, session)
            return
        organisation, overview = overview_data(self._portal, req)
        language = req.context.language
        chart = volume_chart(overview.days, lambda day: format_day(day, language))
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "dashboard.html", page_title=_("Overview"), overview=overview,
                          chart=chart, organisation=organisation)

    def _operator_home(self, req: falcon.Request, resp: falcon.Response, session: WebSession) -> None:
        principal = session.principal
        organisations = self._portal.organisations.list(principal)
        pending = []
        identity = self._portal.identity
        if identity is not None:
            from core.identity.model import SignupStatus

            pending = identity.signups.list(principal, SignupStatus.PENDING)
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "operator_home.html", page_title=_("Overview"), organisations=organisations,
                          pending=pending)
