"""Who is signed in: the session cookie, and the gateway the portal queries for it.

The portal keeps no session state itself. ``SessionGateway`` is the interface to the
identity component, which stores sessions, enforces the idle timeout and turns a
session into the acting ``Principal``. The portal reads the cookie, asks the gateway,
and puts the answer on ``req.context.session``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import falcon

from core.principal import Principal

SECURE_COOKIE = "__Host-ggk-session"  # the __Host- prefix makes browsers insist on Secure, Path=/ and no Domain
PLAIN_COOKIE = "ggk-session"  # development over plain HTTP on a loopback address only


@dataclass(frozen=True)
class WebSession:
    """A signed-in user's session; ``token`` is the cookie value and is never logged."""

    token: str
    principal: Principal
    display_name: str
    organisation_name: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)  # extra page rights, e.g. "users"
    expires_at: datetime | None = None


class SessionGateway(Protocol):
    def resume(self, token: str) -> WebSession | None:
        """Return the live session for ``token`` and extend its idle time; None when unknown or expired."""

    def end(self, token: str) -> None:
        """End the session; an unknown token is not an error."""


class NoSessions:
    """The gateway used until the identity component is wired in: nobody is signed in."""

    def resume(self, token: str) -> WebSession | None:
        return None

    def end(self, token: str) -> None:
        return None


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE if secure else PLAIN_COOKIE


def first_cookie(req: falcon.Request, name: str) -> str | None:
    values = req.get_cookie_values(name)
    return values[0] if values else None


def session_token(req: falcon.Request, secure: bool) -> str | None:
    return first_cookie(req, cookie_name(secure))


def set_session_cookie(resp: falcon.Response, token: str, secure: bool) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure unless development allows HTTP."""
    resp.set_cookie(cookie_name(secure), token, path="/", secure=secure, http_only=True, same_site="Strict")


def clear_session_cookie(resp: falcon.Response, secure: bool) -> None:
    """Expire the session cookie; it keeps its Secure flag, without which browsers ignore a __Host- cookie."""
    resp.set_cookie(cookie_name(secure), "", path="/", max_age=0, secure=secure, http_only=True, same_site="Strict")


class SessionMiddleware:
    """Put the caller's session (or None) on ``req.context.session``."""

    def __init__(self, gateway: SessionGateway, secure: bool):
        self._gateway = gateway
        self._secure = secure

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.session = None
        if req.path.startswith("/static/") or req.path == "/health":
            return
        token = session_token(req, self._secure)
        if token:
            req.context.session = self._gateway.resume(token)
