"""Logging in through the pages with the real identity component, for the account page tests.

``login`` runs the whole first login: password, TOTP enrolment with the secret read from
the page, and the recovery codes. The client it returns holds the session cookie.
"""

from __future__ import annotations

import re

from core.principal import Role
from tests.web.identity_support import PASSWORD, People
from tests.web.support import OPERATOR, Hub, WebClient, form

SECRET = re.compile(r'<code class="ggk-code ggk-secret">([A-Z2-7]+)</code>')
INVITATION_LINK = re.compile(r'value="(http[^"]*/invitations/[A-Za-z0-9_-]+)"')


def login(hub: Hub, people: People, username: str, password: str = PASSWORD) -> WebClient:
    """Log in through the pages and link a TOTP app on the first login; return the signed-in client."""
    client = hub.client()
    step = form(client, "/login", [("username", username), ("password", password)], token=client.csrf_token("/login"))
    assert step.status_code == 303, step.text
    if step.headers["location"].startswith("/login/enrol"):
        enrol = client.get(step.headers["location"])
        people.secrets[username] = SECRET.search(enrol.text).group(1)
        done = form(client, "/login/enrol", [("code", people.code(username))], token=client.csrf_token("/login"))
    else:
        done = form(client, "/login/code", [("code", people.code(username))], token=client.csrf_token("/login"))
    assert done.status_code in (200, 303), done.text
    return client


def add_operator(people: People, username: str = "beheerder") -> None:
    issued = people.identity.invitations.invite(OPERATOR, None, {Role.OPERATOR}, username=username)
    people.identity.invitations.accept(issued.token, PASSWORD)


def add_user_admin(people: People, username: str, organisation: str) -> None:
    issued = people.identity.invitations.invite(OPERATOR, organisation, {Role.GEBRUIKERSBEHEERDER}, username=username)
    people.identity.invitations.accept(issued.token, PASSWORD)


def invitation_link(page_text: str) -> str:
    """Return the one-time link shown on an invitation page."""
    found = INVITATION_LINK.search(page_text)
    assert found, "no invitation link on the page"
    return found.group(1)


def link_path(link: str) -> str:
    return "/invitations/" + link.rsplit("/invitations/", 1)[1]
