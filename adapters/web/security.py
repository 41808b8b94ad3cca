"""Security headers on every response, and CSRF protection on every state-changing request.

CSRF tokens are synchronizer tokens derived from a server key: HMAC-SHA256 over the
session token, or over a random pre-session cookie before sign-in. An attacker's page
can neither read the cookie nor compute the HMAC, so it cannot produce a valid token.
Forms send the token in the ``csrf_token`` field, scripts in the ``X-CSRF-Token``
header. A multipart form is checked by the resource that reads it (the token must be
its first field), because the middleware cannot read a streamed body ahead of it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

import falcon
import structlog

from adapters.web.sessions import first_cookie, session_token

log = structlog.get_logger(__name__)

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the NL Design System CSS draws some icons as data: SVG images
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    )
)
HSTS = "max-age=31536000; includeSubDomains"

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PRE_SESSION_COOKIE = "ggk-csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfError(Exception):
    """A state-changing request came without a valid CSRF token or from another origin."""


def is_https(req: falcon.Request, trust_forwarded_proto: bool) -> bool:
    if req.scheme == "https":
        return True
    return trust_forwarded_proto and req.get_header("X-Forwarded-Proto", default="").lower() == "https"


class SecurityHeadersMiddleware:
    def __init__(self, trust_forwarded_proto: bool):
        self._trust_forwarded_proto = trust_forwarded_proto

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource, req_succeeded: bool) -> None:
        resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("X-Frame-Options", "DENY")
        resp.set_header("Referrer-Policy", "same-origin")
        resp.set_header("Permissions-Policy", PERMISSIONS_POLICY)
        resp.set_header("Cross-Origin-Opener-Policy", "same-origin")
        resp.set_header("Cross-Origin-Resource-Policy", "same-origin")
        if is_https(req, self._trust_forwarded_proto):
            resp.set_header("Strict-Transport-Security", HSTS)
        if not req.path.startswith("/static/"):
            resp.set_header("Cache-Control", "no-store")


class CsrfGuard:
    """Issue and check CSRF tokens bound to the session, or to a pre-session cookie."""

    def __init__(self, key: bytes, secure_cookies: bool):
        self._key = key
        self._secure = secure_cookies

    def token_for(self, req: falcon.Request, resp: falcon.Response) -> str:
        """Return the token for this caller, setting the pre-session cookie when it is missing."""
        binding = self._binding(req)
        if binding is None:
            binding = secrets.token_urlsafe(32)
            resp.set_cookie(PRE_SESSION_COOKIE, binding, path="/", secure=self._secure, http_only=True,
                            same_site="Strict", max_age=None)
            req.context.csrf_binding = binding
        return self._sign(binding)

    def verify(self, req: falcon.Request, presented: str | None) -> None:
        """Raise CsrfError unless ``presented`` is the token of this caller."""
        binding = self._binding(req)
        if not presented or binding is None or not hmac.compare_digest(presented, self._sign(binding)):
            raise CsrfError("missing or invalid CSRF token")

    def check_origin(self, req: falcon.Request) -> None:
        """Raise CsrfError when the browser says the request comes from another site."""
        origin = req.get_header("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != req.netloc:
            raise CsrfError(f"request from another origin: {origin}")
        if req.get_header("Sec-Fetch-Site", default="same-origin") not in ("same-origin", "none"):
            raise CsrfError("request from another site")

    def _binding(self, req: falcon.Request) -> str | None:
        session = getattr(req.context, "session", None)
        if session is not None:
            return session_token(req, self._secure)
        bound = getattr(req.context, "csrf_binding", None)
        return bound or first_cookie(req, PRE_SESSION_COOKIE)

    def _sign(self, binding: str) -> str:
        digest = hmac.new(self._key, f"csrf|{binding}".encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class CsrfMiddleware:
    """Refuse state-changing requests without a valid token; multipart bodies are left to their resource."""

    def __init__(self, guard: CsrfGuard):
        self._guard = guard

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource, params) -> None:
        req.context.csrf_checked = False
        if req.method not in UNSAFE_METHODS or getattr(resource, "csrf_exempt", False):
            return  # a csrf_exempt resource (SOAP) authenticates its callers by certificate, not by cookie
        self._guard.check_origin(req)
        header = req.get_header(CSRF_HEADER)
        if header is not None:
            self._guard.verify(req, header)
            req.context.csrf_checked = True
            return
        if (req.content_type or "").startswith("multipart/form-data"):
            return  # the resource reads the token from the first form field
        form = req.get_media(default_when_empty={}) if _is_form(req) else {}
        self._guard.verify(req, form.get(CSRF_FIELD) if isinstance(form, dict) else None)
        req.context.csrf_checked = True


def _is_form(req: falcon.Request) -> bool:
    return (req.content_type or "").startswith("application/x-www-form-urlencoded")
