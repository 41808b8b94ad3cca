"""Track & trace: search the messages an organisation sent or received, and one message's history."""

from __future__ import annotations

import re

import falcon

from adapters.i18n.catalog import N_
from adapters.web.filters import Filters, encode_cursor, parse_filters
from adapters.web.portal import Portal, signed_in, viewed_organisation
from adapters.web.resources.dashboard import visible_services
from core.errors import NotFound
from core.mailbox import Trace
from core.model import Message, State

MESSAGE_ID = re.compile(r"^[0-9a-fA-F-]{36}$")


def search(portal: Portal, req: falcon.Request) -> tuple[str, Filters, list[Message], str | None]:
    """Return one page of sent and received messages together, newest first, and the next page's cursor."""
    session = signed_in(req)
    organisation = viewed_organisation(req, session)
    filters = parse_filters(req, set(visible_services(portal, session, organisation)))
    if filters.errors:
        return organisation, filters, [], None
    query = filters.query(organisation)
    received = portal.mailbox.inbox(session.principal, organisation, query)
    sent = portal.mailbox.sent(session.principal, organisation, query)
    merged = sorted({m.id: m for m in received + sent}.values(), key=lambda m: (m.received_at, m.id), reverse=True)
    page = merged[:filters.limit]
    following = encode_cursor(page[-1].received_at, page[-1].id) if len(merged) > filters.limit else None
    return organisation, filters, page, following


def find_trace(portal: Portal, req: falcon.Request, message_id: str) -> Trace:
    """Return the message's trace; another organisation's message is NotFound, as is a malformed id."""
    session = signed_in(req)
    if not MESSAGE_ID.match(message_id):
        raise NotFound(f"message {message_id} not found", params={"message_id": message_id})
    return portal.mailbox.trace(session.principal, message_id.lower())


class TraceSearchPage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        message_id = (req.get_param("id") or "").strip()
        if message_id:
            self._jump(req, resp, message_id)
            return
        organisation, filters, messages, following = search(self._portal, req)
        self._show(req, resp, organisation, filters, messages, following, status=400 if filters.errors else 200)

    def _jump(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        try:
            trace = find_trace(self._portal, req, message_id)
        except NotFound:
            organisation = viewed_organisation(req, signed_in(req))
            filters = Filters(values={"id": message_id})
            filters.errors["id"] = N_("No message with this id was found among your messages.")
            self._show(req, resp, organisation, filters, [], None, status=404)
            return
        raise falcon.HTTPSeeOther(f"/messages/{trace.message.id}")

    def _show(self, req, resp, organisation, filters, messages, following, *, status: int) -> None:
        _ = self._portal.gettext(req)
        session = signed_in(req)
        for name in ("service", "type", "partner", "status", "from", "to", "identificatie", "after", "id"):
            filters.values.setdefault(name, "")
        title = _("Track & trace")
        self._portal.page(
            req, resp, "trace.html", status=status, page_title=title, organisation=organisation, filters=filters,
            errors={name: _(text) for name, text in filters.errors.items()}, messages=messages, following=following,
            services=visible_services(self._portal, session, organisation), states=list(State),
            breadcrumbs=[(_("Overview"), "/"), (title, "/trace")],
        )


class MessagePage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        trace = find_trace(self._portal, req, message_id)
        session = signed_in(req)
        _ = self._portal.gettext(req)
        message = trace.message
        label = message.filename or message.id
        self._portal.page(
            req, resp, "message.html", page_title=_("Message %(name)s") % {"name": label}, trace=trace,
            message=message, own=session.principal.organisation,
            breadcrumbs=[(_("Overview"), "/"), (_("Track & trace"), "/trace"), (label, f"/messages/{message.id}")],
        )
