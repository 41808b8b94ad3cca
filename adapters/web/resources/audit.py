"""``GET /audit``: the audit log, for the hub operator (every record) and a gebruikersbeheerder (own organisation).

Core decides which records a reader gets: a gebruikersbeheerder's query is limited to
their organisation, whatever organisation it names.
"""

from __future__ import annotations

import falcon

from adapters.web.audit_filters import AuditFilters, actor_text, detail_items, parse_audit_filters
from adapters.web.portal import Portal, signed_in
from adapters.web.resources.accounts import identity_of
from core.identity.audit import AuditPage
from core.identity.model import AuditEvent
from core.principal import Principal


def read_audit(portal: Portal, req: falcon.Request) -> tuple[AuditFilters, AuditPage | None]:
    """Return the parsed filters and, when they are valid, one page of records."""
    principal = signed_in(req).principal
    identity = identity_of(portal)
    filters = parse_audit_filters(req, lambda username: identity.users.find(principal, username).id)
    if filters.errors:
        return filters, None
    return filters, identity.audit.read(principal, filters.query)


def usernames(portal: Portal, principal: Principal) -> dict[str, str]:
    """Return user id -> username of the accounts the reader manages, to name actors and subjects."""
    accounts = identity_of(portal).users.list(principal)
    return {user.id: user.username for user in accounts if user.username}


class AuditLogPage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        filters, page = read_audit(self._portal, req)
        principal = signed_in(req).principal
        names = usernames(self._portal, principal)
        language = req.context.language
        _ = self._portal.gettext(req)
        title = _("Audit log")
        self._portal.page(
            req, resp, "audit.html", status=400 if filters.errors else 200, page_title=title, filters=filters,
            errors={name: _(text) for name, text in filters.errors.items()}, page=page,
            names=names, events=list(AuditEvent), is_operator=principal.organisation is None,
            details=lambda record: detail_items(record, language),
            actor=lambda record: actor_text(record, names, language),
            breadcrumbs=[(_("Overview"), "/"), (title, "/audit")],
        )
