"""Errors at the web edge: each becomes an HTML error page or, under ``/api/``, a JSON problem.

    PortalError                 an HTTP error with a stable code and a text for people
    ├── core.errors.GgkError    mapped by class: NotFound 404, NotAuthorised 403, InvalidRequest 400, Conflict 409
    ├── security.CsrfError      403 GGK403-CSRF
    └── LoginRequired           pages redirect to the login page; the API answers 401

JSON problems follow RFC 9457 (``application/problem+json``) with an extra ``code``.
A message another organisation owns is a plain 404, worded like any missing page.
"""

from __future__ import annotations

import json

import falcon
import structlog

from adapters.i18n import explain_code, gettext_for
from adapters.i18n.catalog import N_
from adapters.web.security import CsrfError
from core.errors import Conflict, GgkError, InvalidRequest, NotAuthorised, NotFound, Rejected

log = structlog.get_logger(__name__)

TITLES = {
    400: N_("The request is not valid"),
    401: N_("Please log in"),
    403: N_("No access"),
    404: N_("Page not found"),
    405: N_("This action is not possible here"),
    409: N_("This already exists"),
    413: N_("The upload is too large"),
    415: N_("This kind of request is not supported"),
    422: N_("The files were rejected"),
    500: N_("Something went wrong"),
    503: N_("The hub is temporarily unavailable"),
}
DETAILS = {
    400: N_("The hub could not process the request. Check what you entered and try again."),
    401: N_("You are not logged in, or your session has expired. Log in again."),
    403: N_("You do not have access to this page or action."),
    404: N_("We cannot find this page or message. Check the address, or go back to the previous page."),
    405: N_("This action is not possible on this page."),
    413: N_("The upload is larger than the hub accepts."),
    415: N_("Send the form from the portal's own page."),
    500: N_("The hub could not finish your request. Try again later; if it keeps happening, contact the servicedesk."),
    503: N_("The hub cannot reach its database. Try again in a few minutes."),
}
CSRF_DETAIL = N_("The form has expired or is not valid. Reload the page and try again.")

CORE_STATUS = {NotFound: 404, NotAuthorised: 403, InvalidRequest: 400, Conflict: 409, Rejected: 422}


class PortalError(Exception):
    """An error to show the caller: HTTP ``status``, stable ``code`` and an untranslated ``detail`` msgid."""

    def __init__(self, status: int, code: str, detail: str | None = None, params: dict | None = None,
                 fields: dict[str, str | tuple[str, dict]] | None = None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail
        self.params = params or {}
        self.fields = fields or {}  # form field -> untranslated message (or message and params), for "errors"


class LoginRequired(Exception):
    """The page needs a signed-in user and there is none (or the session expired)."""


def is_api(req: falcon.Request) -> bool:
    return req.path.startswith("/api/")


class ErrorPages:
    """Error handlers for the falcon app; ``renderer`` draws the HTML page."""

    def __init__(self, renderer):
        self._renderer = renderer

    def register(self, app: falcon.App) -> None:
        app.add_error_handler(Exception, self.unexpected)
        app.add_error_handler(falcon.HTTPError, self.http_error)
        app.add_error_handler(GgkError, self.core_error)
        app.add_error_handler(CsrfError, self.csrf_error)
        app.add_error_handler(PortalError, self.portal_error)
        app.add_error_handler(LoginRequired, self.login_required)

    def core_error(self, req, resp, error: GgkError, params) -> None:
        status = next((code for kind, code in CORE_STATUS.items() if isinstance(error, kind)), 500)
        detail = explain_code(error.code, error.params, req.context.language)
        self._respond(req, resp, status, error.code, detail)

    def csrf_error(self, req, resp, error: CsrfError, params) -> None:
        log.warning("csrf_rejected", path=req.path, method=req.method, reason=str(error))
        _ = gettext_for(req.context.language)
        self._respond(req, resp, 403, "GGK403-CSRF", _(CSRF_DETAIL))

    def portal_error(self, req, resp, error: PortalError, params) -> None:
        _ = gettext_for(req.context.language)
        detail = _(error.detail) % error.params if error.detail else None
        fields = {name: _(text[0]) % text[1] if isinstance(text, tuple) else _(text)
                  for name, text in error.fields.items()}
        self._respond(req, resp, error.status, error.code, detail, fields=fields)

    def login_required(self, req, resp, error: LoginRequired, params) -> None:
        if is_api(req):
            self._respond(req, resp, 401, "GGK401", None)
            return
        target = req.relative_uri if req.method == "GET" else "/"
        resp.status = falcon.HTTP_303
        resp.location = "/login" + falcon.to_query_str({"next": target})

    def http_error(self, req, resp, error: falcon.HTTPError, params) -> None:
        if isinstance(error, (falcon.HTTPMovedPermanently, falcon.HTTPFound, falcon.HTTPSeeOther,
                              falcon.HTTPTemporaryRedirect, falcon.HTTPPermanentRedirect)):
            resp.status = error.status
            resp.location = error.headers.get("location") if error.headers else None
            return
        status = error.status_code
        self._respond(req, resp, status, f"HTTP{status}", None, headers=error.headers)

    def unexpected(self, req, resp, error: Exception, params) -> None:
        if isinstance(error, falcon.HTTPError):
            return self.http_error(req, resp, error, params)
        log.exception("web_request_failed", path=req.path, method=req.method, error=type(error).__name__)
        self._respond(req, resp, 500, "GGK500", None)

    def _respond(self, req, resp, status: int, code: str, detail: str | None, headers=None,
                 fields: dict[str, str] | None = None) -> None:
        language = getattr(req.context, "language", "nl")
        req.context.language = language
        _ = gettext_for(language)
        title = _(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400]))
        text = detail or _(DETAILS.get(status, DETAILS[500] if status >= 500 else DETAILS[400]))
        resp.status = status
        for name, value in (headers or {}).items():
            if name.lower() in ("allow", "retry-after", "www-authenticate"):
                resp.set_header(name, value)
        if is_api(req):
            problem = {"type": "about:blank", "title": title, "status": status, "code": code, "detail": text}
            if fields:
                problem["errors"] = fields
            resp.content_type = "application/problem+json"
            resp.text = json.dumps(problem, ensure_ascii=False)
            return
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self._renderer.render(req, "error.html", title=title, detail=text, code=code, status=status)
