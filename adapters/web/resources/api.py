"""The JSON API under ``/api/``: the same actions as the pages, for the portal's scripts and other clients.

Every call runs as the signed-in user (session cookie); state-changing calls need the
``X-CSRF-Token`` header. ``/api/openapi.json`` describes each call and its answers.
"""

from __future__ import annotations

import falcon

from adapters.i18n.catalog import N_
from adapters.web.api_views import message_view, overview_view, trace_view
from adapters.web.errors import PortalError
from adapters.web.openapi import openapi_document
from adapters.web.portal import Portal, signed_in
from adapters.web.resources.dashboard import overview_data
from adapters.web.resources.mailbox import list_page, send_zip
from adapters.web.resources.trace import find_trace, search
from adapters.web.resources.upload import receive_upload
from adapters.web.downloads import MAX_SELECTION

BOXES = ("inbox", "sent", "all")


class SessionApi:
    """``GET /api/session``: who is signed in, and the CSRF token for state-changing calls."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        principal = session.principal
        resp.media = {
            "user": principal.user,
            "display_name": session.display_name,
            "organisation": principal.organisation,
            "organisation_name": session.organisation_name,
            "roles": sorted(role.value for role in principal.roles),
            "language": req.context.language,
            "csrf_token": req.context.csrf_token,
        }


class OverviewApi:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        organisation, overview = overview_data(self._portal, req)
        resp.media = overview_view(organisation, overview)


class MessagesApi:
    """``GET /api/messages``: one page of a mailbox; ``POST``: send files (multipart, field ``files``)."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        box = req.get_param("box") or "inbox"
        if box not in BOXES:
            message = N_("Choose box inbox, sent or all.")
            raise PortalError(400, "GGK400-FILTER", message, fields={"box": message})
        if box == "all":
            organisation, filters, messages, following = search(self._portal, req)
        else:
            organisation, filters, messages, following = list_page(self._portal, req, box)
        if filters.errors:
            raise PortalError(400, "GGK400-FILTER", N_("One or more filters are not valid."), fields=filters.errors)
        language = req.context.language
        resp.media = {"organisation": organisation, "box": box,
                      "messages": [message_view(message, language) for message in messages], "next": following}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        status, results = receive_upload(self._portal, req)
        if status == 400:
            raise PortalError(400, "GGK400-NOFILE", N_("Choose at least one file to send."))
        resp.status = status
        resp.media = {
            "results": results,
            "accepted": sum(1 for result in results if result["status"] == "accepted"),
            "rejected": sum(1 for result in results if result["status"] == "rejected"),
        }


class MessageApi:
    """``GET /api/messages/{id}``: the message, its history and its linked heen or retour."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        resp.media = trace_view(find_trace(self._portal, req, message_id), req.context.language)


class DownloadsApi:
    """``POST /api/downloads`` with ``{"ids": [...]}``: a ZIP of those messages' files."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        signed_in(req)
        body = req.get_media(default_when_empty={})
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids or not all(isinstance(item, str) for item in ids):
            raise PortalError(400, "GGK400-SELECTION", N_("Select at least one message to download."))
        if len(ids) > MAX_SELECTION:
            raise PortalError(400, "GGK400-SELECTION", N_("Select at most %(count)s messages at once."),
                              {"count": MAX_SELECTION})
        send_zip(self._portal, req, resp, ids)


class CsrfApi:
    """``GET /api/csrf``: a CSRF token for callers without a session, such as a sign-up from another client."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"csrf_token": req.context.csrf_token}


class OpenApiDocument:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = openapi_document()
