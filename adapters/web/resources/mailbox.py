"""The inbox and sent pages, downloads of one file or a selection, and their JSON API."""

from __future__ import annotations

import falcon

from adapters.i18n.catalog import N_
from adapters.web.downloads import MAX_SELECTION, build_zip, download_name
from adapters.web.errors import PortalError
from adapters.web.filters import Filters, encode_cursor, parse_filters
from adapters.web.portal import Portal, signed_in, viewed_organisation
from adapters.web.resources.dashboard import visible_services
from core.model import Message, State

BOXES = {
    "inbox": ("recipient", N_("Inbox")),
    "sent": ("sender", N_("Sent")),
}


def list_page(portal: Portal, req: falcon.Request, box: str) -> tuple[str, Filters, list[Message], str | None]:
    """Return the organisation, the filters, one page of messages and the cursor of the next page."""
    session = signed_in(req)
    organisation = viewed_organisation(req, session)
    filters = parse_filters(req, set(visible_services(portal, session, organisation)))
    if filters.errors:
        return organisation, filters, [], None
    listing = portal.mailbox.inbox if box == "inbox" else portal.mailbox.sent
    found = listing(session.principal, organisation, filters.query(organisation))
    page = found[:filters.limit]
    following = encode_cursor(page[-1].received_at, page[-1].id) if len(found) > filters.limit else None
    return organisation, filters, page, following


class MailboxPage:
    def __init__(self, portal: Portal, box: str):
        self._portal = portal
        self._box = box

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        organisation, filters, messages, following = list_page(self._portal, req, self._box)
        _ = self._portal.gettext(req)
        session = signed_in(req)
        title = _(BOXES[self._box][1])
        errors = {name: _(text) for name, text in filters.errors.items()}
        self._portal.page(
            req, resp, "mailbox.html", status=400 if errors else 200, page_title=title, box=self._box,
            organisation=organisation, filters=filters, errors=errors, messages=messages, following=following,
            services=visible_services(self._portal, session, organisation), states=list(State),
            breadcrumbs=[(_("Overview"), "/"), (title, f"/{self._box}")],
        )


def selected_ids(req: falcon.Request) -> list[str]:
    form = req.get_media(default_when_empty={})
    ids = form.get("ids", []) if isinstance(form, dict) else []
    ids = [ids] if isinstance(ids, str) else list(ids)
    if not ids:
        raise PortalError(400, "GGK400-SELECTION", N_("Select at least one message to download."))
    if len(ids) > MAX_SELECTION:
        raise PortalError(400, "GGK400-SELECTION", N_("Select at most %(count)s messages at once."),
                          {"count": MAX_SELECTION})
    return [str(item) for item in ids]


def send_zip(portal: Portal, req: falcon.Request, resp: falcon.Response, ids: list[str]) -> None:
    session = signed_in(req)
    archive = build_zip(portal.mailbox, session.principal, ids, req.context.language)
    stamp = portal.clock.now().strftime("%Y%m%d-%H%M%S")
    resp.content_type = "application/zip"
    resp.downloadable_as = f"ggk-berichten-{stamp}.zip"
    resp.set_stream(archive.stream, archive.size)


class DownloadSelection:
    """``POST /download`` with the ``ids`` of the checked rows: a ZIP of their files."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        send_zip(self._portal, req, resp, selected_ids(req))


class MessageFile:
    """``GET /messages/{id}/file`` (page) and ``/api/messages/{id}/file`` (API): the message file itself."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        session = signed_in(req)
        message, stream = self._portal.mailbox.fetch(session.principal, message_id)
        resp.content_type = "application/xml"
        resp.downloadable_as = download_name(message)
        resp.set_stream(stream, message.size or None)
