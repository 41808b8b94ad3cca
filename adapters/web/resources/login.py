"""Logging in with two factors (password, then a TOTP code), first-login TOTP enrolment, and logging out.

Between the password and the code step, the browser keeps the identity component's
short-lived login token in the ``ggk-login`` cookie; it grants nothing by itself.
"""

from __future__ import annotations

import io

import falcon
import segno
import structlog

from adapters.i18n.catalog import N_
from adapters.web.portal import Portal
from adapters.web.sessions import clear_session_cookie, first_cookie, session_token, set_session_cookie
from core.errors import GgkError

log = structlog.get_logger(__name__)

LOGIN_COOKIE = "ggk-login"
LOGIN_COOKIE_SECONDS = 600
WRONG_CREDENTIALS = N_("The username or password is not correct.")
WRONG_CODE = N_("The code is not correct. Enter the current code from your authenticator app, or a recovery code.")
LOCKED = N_("Too many failed attempts. Wait %(minutes)s minutes and try again.")
STEP_EXPIRED = N_("Your login has expired. Start again with your username and password.")


def safe_next(target: str | None) -> str:
    """Return a local path to go to after login; anything else (another site, a scheme) becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def form_value(req: falcon.Request, name: str) -> str:
    form = req.get_media(default_when_empty={})
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


def login_error(error: GgkError, default: str) -> tuple[str, dict, int]:
    """Map an identity error to a message, its parameters and the HTTP status of the page."""
    if error.code == "GGK429":
        minutes = max(1, -(-int(error.params.get("retry_after", 60)) // 60))
        return LOCKED, {"minutes": minutes}, 429
    if error.code == "GGK401":
        return default, {}, 401
    raise error


class LoginPage:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._show(req, resp, errors={}, status=200)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        username = form_value(req, "username").strip()
        password = form_value(req, "password")
        if not username or not password:
            errors = {}
            if not username:
                errors["username"] = N_("Enter your username.")
            if not password:
                errors["password"] = N_("Enter your password.")
            self._show(req, resp, errors=errors, status=400, username=username)
            return
        try:
            verified = self._portal.identity.login.verify_password(username, password)
        except GgkError as error:
            message, params, status = login_error(error, WRONG_CREDENTIALS)
            self._show(req, resp, errors={"password": (message, params)}, status=status, username=username)
            return
        resp.set_cookie(LOGIN_COOKIE, verified.login_token, path="/login", max_age=LOGIN_COOKIE_SECONDS,
                        secure=self._portal.config.secure_cookies, http_only=True, same_site="Strict")
        step = "code" if verified.next_step.value == "second_factor" else "enrol"
        raise falcon.HTTPSeeOther(f"/login/{step}" + falcon.to_query_str({"next": safe_next(req.get_param("next"))}))

    def _show(self, req, resp, *, errors: dict, status: int, username: str = "") -> None:
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "login.html", status=status, page_title=_("Log in"), username=username,
                          errors=translate(_, errors), next=safe_next(req.get_param("next")),
                          logged_out=req.get_param("logged_out") == "1", welcome=req.get_param("welcome") == "1")


def translate(_, errors: dict) -> dict[str, str]:
    translated = {}
    for name, value in errors.items():
        message, params = value if isinstance(value, tuple) else (value, {})
        translated[name] = _(message) % params if params else _(message)
    return translated


class SecondFactorPage:
    """``/login/code``: the TOTP code (or a recovery code) after the password."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._show(req, resp, errors={}, status=200)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        code = form_value(req, "code").strip()
        token = first_cookie(req, LOGIN_COOKIE)
        if not code:
            self._show(req, resp, errors={"code": N_("Enter the code from your authenticator app.")}, status=400)
            return
        if not token:
            self._show(req, resp, errors={"code": STEP_EXPIRED}, status=401)
            return
        try:
            logged_in = self._portal.identity.login.verify_second_factor(token, code)
        except GgkError as error:
            message, params, status = login_error(error, WRONG_CODE)
            self._show(req, resp, errors={"code": (message, params)}, status=status)
            return
        finish_login(self._portal, req, resp, logged_in.session_token)
        raise falcon.HTTPSeeOther(safe_next(req.get_param("next")))

    def _show(self, req, resp, *, errors: dict, status: int) -> None:
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "login_code.html", status=status, page_title=_("Enter your code"),
                          errors=translate(_, errors), next=safe_next(req.get_param("next")))


class EnrolmentPage:
    """``/login/enrol``: the first login links an authenticator app, then shows the recovery codes once."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        token = first_cookie(req, LOGIN_COOKIE)
        if not token:
            raise falcon.HTTPSeeOther("/login")
        try:
            setup = self._portal.identity.login.start_totp_enrolment(token)
        except GgkError as error:
            if error.code != "GGK401":
                raise
            raise falcon.HTTPSeeOther("/login") from None
        self._show(req, resp, setup=setup, errors={}, status=200)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        token = first_cookie(req, LOGIN_COOKIE)
        code = form_value(req, "code").strip()
        if not token:
            raise falcon.HTTPSeeOther("/login")
        if not code:
            self._retry(req, resp, token, {"code": N_("Enter the code from your authenticator app.")}, 400)
            return
        try:
            logged_in = self._portal.identity.login.finish_totp_enrolment(token, code)
        except GgkError as error:
            message, params, status = login_error(error, WRONG_CODE)
            self._retry(req, resp, token, {"code": (message, params)}, status)
            return
        finish_login(self._portal, req, resp, logged_in.session_token)
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "recovery_codes.html", page_title=_("Your recovery codes"),
                          codes=list(logged_in.recovery_codes), next=safe_next(req.get_param("next")))

    def _retry(self, req, resp, token: str, errors: dict, status: int) -> None:
        setup = self._portal.identity.login.start_totp_enrolment(token)
        self._show(req, resp, setup=setup, errors=errors, status=status)

    def _show(self, req, resp, *, setup, errors: dict, status: int) -> None:
        _ = self._portal.gettext(req)
        self._portal.page(req, resp, "login_enrol.html", status=status, page_title=_("Set up your authenticator app"),
                          qr_svg=qr_svg(setup.provisioning_uri, _("QR code for your authenticator app")),
                          secret=setup.secret, errors=translate(_, errors), next=safe_next(req.get_param("next")))


def qr_svg(uri: str, title: str) -> str:
    """Render ``uri`` as an inline SVG QR code, drawn server-side (no script, no inline style)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True,
                                    title=title, svgclass="ggk-qr__svg", lineclass=None, omitsize=True)
    return buffer.getvalue().decode("utf-8").replace("<svg ", "<svg role=\"img\" ", 1)


def finish_login(portal: Portal, req: falcon.Request, resp: falcon.Response, token: str) -> None:
    set_session_cookie(resp, token, portal.config.secure_cookies)
    resp.set_cookie(LOGIN_COOKIE, "", path="/login", max_age=0, secure=portal.config.secure_cookies, http_only=True,
                    same_site="Strict")


class LogoutResource:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        token = session_token(req, self._portal.config.secure_cookies)
        if token:
            self._portal.sessions.end(token)
        clear_session_cookie(resp, self._portal.config.secure_cookies)
        raise falcon.HTTPSeeOther("/login?logged_out=1")
