"""Logging in with password and TOTP through the pages, with the real identity component."""

from __future__ import annotations

import re

import pytest

from tests.web.support import GEMEENTE, form

pytest.importorskip("core.identity.service", reason="the identity component is not in the tree")

from tests.web.identity_support import PASSWORD, with_identity  # noqa: E402

SECRET = re.compile(r'<code class="ggk-code ggk-secret">([A-Z2-7]+)</code>')


@pytest.fixture
def people(hub):
    people = with_identity(hub)
    people.invite_and_accept("jansen")
    return people


def log_in_first_time(hub, people, username: str = "jansen"):
    client = hub.client()
    step = form(client, "/login", [("username", username), ("password", PASSWORD)], token=client.csrf_token("/login"))
    assert step.status_code == 303, step.text
    enrol = client.get(step.headers["location"])
    people.secrets[username] = SECRET.search(enrol.text).group(1)
    done = form(client, "/login/enrol", [("code", people.code(username))], token=client.csrf_token("/login"))
    return client, enrol, done


def test_first_login_enrols_totp_and_shows_recovery_codes(hub, people):
    client, enrol, done = log_in_first_time(hub, people)

    assert '<svg role="img"' in enrol.text
    assert "Stel uw authenticator-app in" in enrol.text
    assert done.status_code == 200
    assert len(re.findall(r"<li>[^<]{6,}</li>", done.text)) == 10
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_in_dutch(hub, people):
    client = hub.client()

    result = form(client, "/login", [("username", "jansen"), ("password", "wrong")], token=client.csrf_token("/login"))

    assert result.status_code == 401
    assert "De gebruikersnaam of het wachtwoord is niet juist." in result.text


def test_wrong_and_replayed_totp_are_refused(hub, people):
    first, _, _ = log_in_first_time(hub, people)
    form(first, "/logout", [], token=first.csrf_token("/"))
    client = hub.client()
    form(client, "/login", [("username", "jansen"), ("password", PASSWORD)], token=client.csrf_token("/login"))

    wrong = form(client, "/login/code", [("code", "000000")], token=client.csrf_token("/login"))
    replayed = form(client, "/login/code", [("code", people.code("jansen"))], token=client.csrf_token("/login"))

    assert wrong.status_code == 401
    assert "De code is niet juist." in wrong.text
    assert replayed.status_code == 401


def test_logout_ends_session(hub, people):
    client, _, _ = log_in_first_time(hub, people)

    result = form(client, "/logout", [], token=client.csrf_token("/"))

    assert result.status_code == 303
    assert result.headers["location"] == "/login?logged_out=1"
    assert client.get("/").status_code == 303


def test_login_redirect_stays_on_this_site(hub, people):
    client = hub.client()

    page = client.get("/login", params={"next": "https://evil.example/"})

    action = re.search(r'<form class="utrecht-form" method="post" action="([^"]*)"', page.text).group(1)
    assert action in ("/login?next=/", "/login?next=%2F")


def test_session_user_sees_own_organisation(hub, people):
    client, _, _ = log_in_first_time(hub, people)

    page = client.get("/")

    assert "jansen" in page.text
    assert GEMEENTE in page.text
