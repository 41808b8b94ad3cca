"""A portal on a real SQLite hub for the web tests, with sessions handed out by the test.

``FakeSessions`` stands in for the identity component behind ``SessionGateway``: a test
signs a principal in and gets the session token the browser would hold.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import falcon.testing

from adapters.storage import migrate
from adapters.web import create_app
from adapters.web.sessions import PLAIN_COOKIE, SECURE_COOKIE, WebSession
from config.container import build_container
from config.settings import Value, load_settings
from core.model import Channel, OrgKind
from core.principal import Action, Grant, Principal, Role

OPERATOR = Principal.operator(Channel.CLI)
GEMEENTE = "0384"
AANBIEDER = "42420001"
OTHER_GEMEENTE = "0599"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


class FakeSessions:
    """Sessions kept in a dict; ``expire`` ends one the way an idle timeout would."""

    def __init__(self):
        self.sessions: dict[str, WebSession] = {}

    def resume(self, token: str) -> WebSession | None:
        return self.sessions.get(token)

    def end(self, token: str) -> None:
        self.sessions.pop(token, None)

    def sign_in(self, principal: Principal, name: str = "Test User", permissions: frozenset[str] = frozenset()) -> str:
        token = secrets.token_urlsafe(32)
        organisation = f"Organisation {principal.organisation}" if principal.organisation else None
        self.sessions[token] = WebSession(token, principal, name, organisation, permissions)
        return token

    def expire(self, token: str) -> None:
        self.sessions.pop(token, None)


def user(organisation: str, services: tuple[str, ...] = ("jw",), name: str = "user-1",
         roles: frozenset[Role] = frozenset({Role.GEBRUIKER})) -> Principal:
    grants = frozenset(Grant(service, action) for service in services for action in (Action.SEND, Action.RECEIVE))
    return Principal(channel=Channel.PORTAL, organisation=organisation, user=name, roles=roles, grants=grants)


@dataclass
class Hub:
    data_dir: Path
    settings: object
    container: object
    sessions: FakeSessions
    app: object

    def client(self) -> "WebClient":
        return WebClient(falcon.testing.TestClient(self.app), self)


def build_hub(data_dir: Path, *, max_size: int | None = None, extra: dict | None = None) -> Hub:
    """Build the portal on a fresh SQLite hub with gemeenten 0384 and 0599 and aanbieder 42420001 (Jw, portal)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = load_settings(data_dir, environ={})
    settings.values["web"]["allow_http"] = Value(True, "test")
    if max_size is not None:
        settings.values["ingest"]["max_size"] = Value(max_size, "test")
    for (section, key), value in (extra or {}).items():
        settings.values.setdefault(section, {})[key] = Value(value, "test")
    container = build_container(settings)
    migrate(container.engine())
    organisations = container.organisations()
    for code, kind in ((GEMEENTE, OrgKind.GEMEENTE), (OTHER_GEMEENTE, OrgKind.GEMEENTE), (AANBIEDER, OrgKind.AANBIEDER)):
        organisations.add(OPERATOR, kind, code, f"Organisation {code}", ["jw", "wmo"], [Channel.PORTAL])
    sessions = FakeSessions()
    return Hub(data_dir, settings, container, sessions, create_app(container, settings, sessions=sessions))


@dataclass
class WebClient:
    """A test client that keeps cookies between requests, as a browser does."""

    client: falcon.testing.TestClient
    hub: Hub
    cookies: dict[str, str] = field(default_factory=dict)

    def sign_in(self, principal: Principal, **kwargs) -> "WebClient":
        self.cookies[PLAIN_COOKIE] = self.hub.sessions.sign_in(principal, **kwargs)
        return self

    def request(self, method: str, path: str, **kwargs) -> falcon.testing.Result:
        cookies = {**self.cookies, **kwargs.pop("cookies", {})}
        result = self.client.simulate_request(method, path, cookies=cookies, **kwargs)
        for name, cookie in result.cookies.items():
            if cookie.value:
                self.cookies[name] = cookie.value
            else:
                self.cookies.pop(name, None)
        return result

    def get(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request("POST", path, **kwargs)

    def csrf_token(self, path: str = "/upload") -> str:
        found = CSRF_META.search(self.get(path).text)
        assert found, f"no CSRF token in the page {path}"
        return found.group(1)


SESSION_COOKIES = (PLAIN_COOKIE, SECURE_COOKIE)


BOUNDARY = "ggk-test-boundary-7f3a"


def multipart(parts: list[tuple[str, str | None, bytes]]) -> tuple[bytes, dict[str, str]]:
    """Encode (field, file name or None, content) parts as a multipart/form-data body and its headers."""
    body = bytearray()
    for name, filename, content in parts:
        body += f"--{BOUNDARY}\r\n".encode()
        if filename is None:
            body += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        else:
            quoted = filename.replace('"', "%22")
            body += (f'Content-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
                     f"Content-Type: application/xml\r\n\r\n").encode("utf-8")
        body += content + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    return bytes(body), {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload_form(client: WebClient, files: list[tuple[str, bytes]], *, token: str | None = None) -> falcon.testing.Result:
    """Post files the way the page's form does without JavaScript: the CSRF token as the first field."""
    token = client.csrf_token() if token is None else token
    body, headers = multipart([("csrf_token", None, token.encode())] + [("files", name, data) for name, data in files])
    return client.post("/upload", body=body, headers=headers)


def upload_api(client: WebClient, files: list[tuple[str, bytes]]) -> falcon.testing.Result:
    """Post files to the API the way the page's script does: the CSRF token in a header."""
    body, headers = multipart([("files", name, data) for name, data in files])
    return client.post("/api/messages", body=body, headers={**headers, "X-CSRF-Token": client.csrf_token(),
                                                             "Accept": "application/json"})


def form(client: WebClient, path: str, fields: list[tuple[str, str]], *, token: str | None = None) -> falcon.testing.Result:
    """Post a URL-encoded form with the CSRF token, as a browser does."""
    from urllib.parse import urlencode

    token = client.csrf_token() if token is None else token
    body = urlencode([("csrf_token", token), *fields])
    return client.post(path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
