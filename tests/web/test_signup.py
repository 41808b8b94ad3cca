"""Sign-up (aanmelding): the public form, and the hub operator's approval and rejection pages."""

from __future__ import annotations

import re

import pytest

from core.identity.model import SignupStatus
from tests.web.accounts_support import add_operator, add_user_admin, invitation_link, link_path, login
from tests.web.identity_support import PASSWORD, with_identity
from tests.web.support import GEMEENTE, OPERATOR, form

APPLICATION = [
    ("kind", "gemeente"), ("code", "0344"), ("name", "Gemeente Leusden"), ("services", "wmo"), ("services", "jw"),
    ("channels", "portal"), ("contact_name", "A. de Vries"), ("contact_email", "a.devries@leusden.example"),
    ("username", "beheer.0344"),
]


@pytest.fixture
def people(hub):
    people = with_identity(hub)
    add_operator(people)
    return people


def apply(hub, fields=APPLICATION):
    client = hub.client()
    return form(client, "/signup", fields, token=client.csrf_token("/signup"))


def pending(people):
    return people.identity.signups.list(OPERATOR, SignupStatus.PENDING)


def test_public_form_stores_application(hub, people):
    page = hub.client().get("/signup")

    done = apply(hub)

    assert page.status_code == 200
    assert done.status_code == 201
    assert "Aanmelding ontvangen" in done.text
    assert [(a.code, a.services) for a in pending(people)] == [("0344", ("jw", "wmo"))]


def test_form_names_every_missing_field(hub, people):
    done = apply(hub, [("kind", ""), ("channels", "portal")])

    assert done.status_code == 400
    for text in ("Kies het soort organisatie.", "Vul de code van de organisatie in.",
                 "Vul de naam van de organisatie in.", "Kies minstens één dienst.",
                 "Vul het e-mailadres van de contactpersoon in.",
                 "Kies een gebruikersnaam voor de eerste gebruikersbeheerder."):
        assert text in done.text
    assert pending(people) == []


def test_form_explains_core_refusals(hub, people):
    wrong_code = apply(hub, [(k, "344" if k == "code" else v) for k, v in APPLICATION])
    wrong_email = apply(hub, [(k, "geen-adres" if k == "contact_email" else v) for k, v in APPLICATION])
    apply(hub)
    twice = apply(hub)

    assert wrong_code.status_code == 400
    assert "Een gemeentecode heeft 4 cijfers" in wrong_code.text
    assert wrong_email.status_code == 400
    assert 'id="contact_email-error"' in wrong_email.text
    assert twice.status_code == 409
    assert "Er wacht al een aanmelding voor 0344 op een besluit." in twice.text


def test_operator_approves_and_admin_logs_in(hub, people):
    apply(hub)
    operator = login(hub, people, "beheerder")
    application = pending(people)[0]

    listing = operator.get("/applications")
    approved = form(operator, f"/applications/{application.id}/approval", [("username", "beheer.0344")],
                    token=operator.csrf_token("/applications"))
    invitee = hub.client()
    path = link_path(invitation_link(approved.text))
    accepted = form(invitee, path, [("password", PASSWORD), ("password_repeat", PASSWORD)],
                    token=invitee.csrf_token(path))
    admin = login(hub, people, "beheer.0344")

    assert "Gemeente Leusden" in listing.text
    assert approved.status_code == 201
    assert accepted.status_code == 303
    assert admin.get("/users").status_code == 200
    assert hub.container.organisations().get(OPERATOR, "0344").services() == {"jw", "wmo"}
    assert pending(people) == []


def test_approval_with_taken_username_is_explained(hub, people):
    add_user_admin(people, "beheer.0344", GEMEENTE)
    apply(hub)
    operator = login(hub, people, "beheerder")
    application = pending(people)[0]

    refused = form(operator, f"/applications/{application.id}/approval", [("username", "beheer.0344")],
                   token=operator.csrf_token("/applications"))
    approved = form(operator, f"/applications/{application.id}/approval", [("username", "beheer.leusden")],
                    token=operator.csrf_token("/applications"))

    assert refused.status_code == 409
    assert "De gebruikersnaam beheer.0344 is al in gebruik. Kies een andere." in refused.text
    assert approved.status_code == 201


def test_operator_rejects_with_reason(hub, people):
    apply(hub)
    operator = login(hub, people, "beheerder")
    application = pending(people)[0]

    empty = form(operator, f"/applications/{application.id}/rejection", [("reason", "")],
                 token=operator.csrf_token("/applications"))
    rejected = form(operator, f"/applications/{application.id}/rejection", [("reason", "Geen gemeente.")],
                    token=operator.csrf_token("/applications"))
    page = operator.get(rejected.headers["location"])
    again = form(operator, f"/applications/{application.id}/approval", [], token=operator.csrf_token("/applications"))

    assert empty.status_code == 400
    assert "Vul dit veld in, met hoogstens 200 tekens." in empty.text
    assert rejected.status_code == 303
    assert "Geen gemeente." in page.text
    assert "De aanmelding is afgewezen." in page.text
    assert again.status_code == 409
    assert "Over deze aanmelding is al besloten." in again.text


def test_applications_are_for_operator_only(hub, people):
    add_user_admin(people, "admin.0384", GEMEENTE)
    apply(hub)
    admin = login(hub, people, "admin.0384")

    listing = admin.get("/applications")
    one = admin.get(f"/applications/{pending(people)[0].id}")

    assert listing.status_code == 403
    assert one.status_code == 403
    assert not re.search(r'href="/applications"', admin.get("/").text)


def test_operator_overview_lists_applications(hub, people):
    apply(hub)
    operator = login(hub, people, "beheerder")

    page = operator.get("/")

    assert page.status_code == 200
    assert "Aanmeldingen die op een besluit wachten: 1." in page.text
    assert 'href="/?org=0384"' in page.text
