"""Account pages with the real identity component: invite, accept, grant, disable, reset, and core's refusals."""

from __future__ import annotations

import re

import pytest

from core.errors import NotFound
from core.identity.ports import Mailer
from core.model import Channel, OrgKind
from core.principal import Role
from tests.web.accounts_support import add_operator, add_user_admin, invitation_link, link_path, login
from tests.web.identity_support import PASSWORD, with_identity
from tests.web.support import GEMEENTE, OPERATOR, OTHER_GEMEENTE, form

NEW_PASSWORD = "een lang en sterk wachtwoord"


@pytest.fixture
def people(hub):
    people = with_identity(hub)
    add_operator(people)
    add_user_admin(people, "admin.0384", GEMEENTE)
    add_user_admin(people, "admin.0599", OTHER_GEMEENTE)
    return people


def add_jeugd_gemeente(hub, people) -> None:
    """Add gemeente 0344, enrolled for Jeugd only, with its user administrator admin.0344."""
    hub.container.organisations().add(OPERATOR, OrgKind.GEMEENTE, "0344", "Gemeente 0344", ["jw"], [Channel.PORTAL])
    add_user_admin(people, "admin.0344", "0344")


def user_id(people, username: str) -> str:
    return people.identity.users.find(OPERATOR, username).id


def invite(client, fields, org: str | None = None):
    path = "/users/new" + (f"?org={org}" if org else "")
    return form(client, path, fields, token=client.csrf_token(path))


def accept(hub, link: str, password: str = PASSWORD, repeated: str | None = None, username: str | None = None):
    client = hub.client()
    path = link_path(link)
    fields = [("password", password), ("password_repeat", password if repeated is None else repeated)]
    if username is not None:
        fields.append(("username", username))
    return client, form(client, path, fields, token=client.csrf_token(path))


def test_admin_invites_jeugd_user_who_logs_in(hub, people):
    admin = login(hub, people, "admin.0384")

    page = invite(admin, [("username", "jeugd.1"), ("roles", "gebruiker"), ("grants", "jw:send"),
                          ("grants", "jw:receive")])
    _, accepted = accept(hub, invitation_link(page.text))
    jeugd = login(hub, people, "jeugd.1")
    overview = jeugd.get("/")

    assert page.status_code == 201
    assert "De hub toont hem alleen deze ene keer." in page.text
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/login?welcome=1"
    assert overview.status_code == 200
    cards = re.findall(r'<h3 class="utrecht-heading-3">([^<]*)</h3>', overview.text)
    assert len(cards) == 1
    assert "Jeugd" in cards[0]


def test_invite_without_username_lets_invitee_choose(hub, people):
    admin = login(hub, people, "admin.0384")
    link = invitation_link(invite(admin, [("roles", "gebruiker")]).text)

    missing_client, missing = accept(hub, link)
    _, chosen = accept(hub, link, username="zelf.gekozen")

    assert missing.status_code == 400
    assert "Kies een gebruikersnaam." in missing.text
    assert chosen.status_code == 303
    assert people.identity.users.find(OPERATOR, "zelf.gekozen").organisation == GEMEENTE


def test_invite_form_offers_grantable_choices(hub, people):
    add_jeugd_gemeente(hub, people)
    admin = login(hub, people, "admin.0344")

    page = admin.get("/users/new")

    assert 'value="jw:send"' in page.text
    assert 'value="jw:registertoets"' in page.text
    assert 'value="wmo:send"' not in page.text
    assert 'value="gebruiker"' in page.text
    assert 'value="productbeheerder"' in page.text
    assert 'value="gebruikersbeheerder"' not in page.text


def test_grant_for_service_not_enrolled_is_refused(hub, people):
    add_jeugd_gemeente(hub, people)
    admin = login(hub, people, "admin.0344")

    page = invite(admin, [("username", "wmo.1"), ("roles", "gebruiker"), ("grants", "wmo:send")])

    assert page.status_code == 403
    assert "U kunt wmo:send niet toekennen: de organisatie is niet aangemeld voor die dienst." in page.text
    with pytest.raises(NotFound):
        people.identity.users.find(OPERATOR, "wmo.1")


def test_admin_cannot_give_admin_role(hub, people):
    admin = login(hub, people, "admin.0384")

    page = invite(admin, [("username", "baas"), ("roles", "gebruikersbeheerder")])

    assert page.status_code == 403
    assert "U mag de rol gebruikersbeheerder niet toekennen. Dat doet de beheerder van de hub." in page.text


def test_nobody_changes_own_account(hub, people):
    admin = login(hub, people, "admin.0384")
    own = user_id(people, "admin.0384")

    page = admin.get(f"/users/{own}")
    refused = form(admin, f"/users/{own}/access", [("roles", "gebruikersbeheerder"), ("grants", "jw:send")],
                   token=admin.csrf_token("/"))

    assert "Niemand mag het eigen account wijzigen." in page.text
    assert f'action="/users/{own}/access"' not in page.text
    assert refused.status_code == 403
    assert "Niemand mag het eigen account wijzigen." in refused.text
    assert people.identity.users.get(OPERATOR, own).grants == frozenset()


def test_admin_cannot_manage_other_admin(hub, people):
    people.identity.invitations.accept(
        people.identity.invitations.invite(OPERATOR, GEMEENTE, {Role.GEBRUIKERSBEHEERDER}, username="admin.twee").token,
        PASSWORD)
    admin = login(hub, people, "admin.0384")
    other = user_id(people, "admin.twee")

    refused = form(admin, f"/users/{other}/status", [("action", "disable")], token=admin.csrf_token("/"))

    assert refused.status_code == 403
    assert "Alleen de beheerder van de hub beheert een account met de rol gebruikersbeheerder." in refused.text
    assert people.identity.users.get(OPERATOR, other).status.value == "active"


def test_other_organisation_account_is_not_found(hub, people):
    admin = login(hub, people, "admin.0384")

    page = admin.get(f"/users/{user_id(people, 'admin.0599')}")
    listing = admin.get("/users")

    assert page.status_code == 404
    assert "admin.0599" not in listing.text
    assert "admin.0384" in listing.text


def test_access_change_saves_roles_and_grants(hub, people):
    people.invite_and_accept("collega", GEMEENTE, services=())
    admin = login(hub, people, "admin.0384")
    colleague = user_id(people, "collega")

    saved = form(admin, f"/users/{colleague}/access",
                 [("roles", "gebruiker"), ("roles", "productbeheerder"), ("grants", "wmo:receive")],
                 token=admin.csrf_token("/"))
    page = admin.get(saved.headers["location"])
    changed = people.identity.users.get(OPERATOR, colleague)

    assert saved.status_code == 303
    assert "De rollen en diensten zijn opgeslagen." in page.text
    assert {role.value for role in changed.roles} == {"gebruiker", "productbeheerder"}
    assert {f"{g.service}:{g.action.value}" for g in changed.grants} == {"wmo:receive"}


def test_disable_ends_sessions_and_enable_restores(hub, people):
    people.invite_and_accept("collega", GEMEENTE)
    colleague_client = login(hub, people, "collega")
    admin = login(hub, people, "admin.0384")
    colleague = user_id(people, "collega")

    disabled = form(admin, f"/users/{colleague}/status", [("action", "disable")], token=admin.csrf_token("/"))
    after_disable = colleague_client.get("/")
    enabled = form(admin, f"/users/{colleague}/status", [("action", "enable")], token=admin.csrf_token("/"))

    assert disabled.status_code == 303
    assert after_disable.status_code == 303
    assert after_disable.headers["location"].startswith("/login")
    assert enabled.status_code == 303
    assert people.identity.users.get(OPERATOR, colleague).status.value == "active"


def test_reset_second_factor_enrols_again(hub, people):
    people.invite_and_accept("collega", GEMEENTE)
    login(hub, people, "collega")
    admin = login(hub, people, "admin.0384")

    reset = form(admin, f"/users/{user_id(people, 'collega')}/second-factor", [], token=admin.csrf_token("/"))
    client = hub.client()
    step = form(client, "/login", [("username", "collega"), ("password", PASSWORD)], token=client.csrf_token("/login"))

    assert reset.status_code == 303
    assert step.headers["location"].startswith("/login/enrol")


def test_new_link_sets_new_password(hub, people):
    people.invite_and_accept("collega", GEMEENTE)
    admin = login(hub, people, "admin.0384")

    page = form(admin, f"/users/{user_id(people, 'collega')}/link", [], token=admin.csrf_token("/"))
    _, accepted = accept(hub, invitation_link(page.text), password=NEW_PASSWORD)
    client = hub.client()
    step = form(client, "/login", [("username", "collega"), ("password", NEW_PASSWORD)],
                token=client.csrf_token("/login"))

    assert page.status_code == 201
    assert accepted.status_code == 303
    assert step.status_code == 303


def test_invitation_page_explains_mistakes(hub, people):
    admin = login(hub, people, "admin.0384")
    link = invitation_link(invite(admin, [("username", "nieuw"), ("roles", "gebruiker")]).text)

    _, different = accept(hub, link, repeated="iets anders dan dit")
    _, short = accept(hub, link, password="kort")
    _, used = accept(hub, link)
    _, again = accept(hub, link)
    unknown = hub.client().get("/invitations/onzin")

    assert different.status_code == 400
    assert "De twee wachtwoorden verschillen." in different.text
    assert short.status_code == 400
    assert "Het wachtwoord is te kort: gebruik minstens 12 tekens." in short.text
    assert used.status_code == 303
    assert again.status_code == 410
    assert "Deze link is niet geldig, al gebruikt of verlopen." in again.text
    assert unknown.status_code == 410


def test_gebruiker_has_no_users_page(hub, people):
    people.invite_and_accept("collega", GEMEENTE)
    client = login(hub, people, "collega")

    page = client.get("/users")
    overview = client.get("/")

    assert page.status_code == 403
    assert 'href="/users"' not in overview.text


def test_operator_lists_every_account_and_invites_operator(hub, people):
    operator = login(hub, people, "beheerder")

    listing = operator.get("/users")
    filtered = operator.get("/users?org=0599")
    chooser = operator.get("/users/new")
    page = invite(operator, [("username", "beheerder.twee"), ("roles", "operator")], org="-")

    assert "admin.0384" in listing.text
    assert "admin.0599" in listing.text
    assert "admin.0599" in filtered.text
    assert "admin.0384" not in filtered.text
    assert re.search(r'<option value="0384"', chooser.text)
    assert page.status_code == 201
    assert people.identity.users.find(OPERATOR, "beheerder.twee").organisation is None


def test_operator_appoints_admin_in_any_organisation(hub, people):
    operator = login(hub, people, "beheerder")

    page = invite(operator, [("username", "admin.extra"), ("roles", "gebruikersbeheerder")], org=OTHER_GEMEENTE)

    assert page.status_code == 201
    assert people.identity.users.find(OPERATOR, "admin.extra").organisation == OTHER_GEMEENTE


class RecordingMailer(Mailer):
    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def test_invitation_is_mailed_when_smtp_is_set_up(hub):
    mailer = RecordingMailer()
    people = with_identity(hub, mailer)
    add_user_admin(people, "admin.0384", GEMEENTE)
    admin = login(hub, people, "admin.0384")

    page = invite(admin, [("username", "gemaild"), ("email", "gemaild@gemeente.example"), ("roles", "gebruiker")])

    link = invitation_link(page.text)
    assert "Hij is ook gemaild naar gemaild@gemeente.example." in page.text
    assert [to for to, _, _ in mailer.sent] == ["gemaild@gemeente.example"]
    assert link in mailer.sent[0][2]
