"""The account, sign-up, invitation and audit API: each response is checked against /api/openapi.json."""

from __future__ import annotations

import pytest

from core.principal import Role
from tests.web.accounts_support import add_operator, login
from tests.web.identity_support import PASSWORD, with_identity
from tests.web.support import GEMEENTE, OPERATOR
from tests.web.test_openapi import Checked

SIGNUP = {"kind": "gemeente", "code": "0344", "name": "Gemeente Leusden", "services": ["wmo", "jw"],
          "channels": ["portal"], "contact_name": "A. de Vries", "contact_email": "a.devries@leusden.example",
          "username": "beheer.0344"}


@pytest.fixture
def people(hub):
    people = with_identity(hub)
    add_operator(people)
    return people


def checked(client) -> Checked:
    return Checked(client, client.get("/api/openapi.json").json)


def token_of(client) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/csrf").json["csrf_token"]}


def test_signup_approval_and_acceptance_through_api(hub, people):
    applicant = checked(hub.client())
    headers = token_of(applicant.client)
    operator = checked(login(hub, people, "beheerder"))
    operator_headers = {"X-CSRF-Token": operator.client.get("/api/session").json["csrf_token"]}

    submitted = applicant.call("POST", "/api/signups", "/api/signups", json=SIGNUP, headers=headers)
    twice = applicant.call("POST", "/api/signups", "/api/signups", json=SIGNUP, headers=headers)
    invalid = applicant.call("POST", "/api/signups", "/api/signups", json={**SIGNUP, "code": "12"}, headers=headers)
    listed = operator.call("GET", "/api/signups", "/api/signups", params={"status": "pending"})
    signup_id = submitted.json["id"]
    one = operator.call("GET", f"/api/signups/{signup_id}", "/api/signups/{signup_id}")
    approved = operator.call("POST", f"/api/signups/{signup_id}/approval", "/api/signups/{signup_id}/{decision}",
                             json={}, headers=operator_headers)
    decided = operator.call("POST", f"/api/signups/{signup_id}/rejection", "/api/signups/{signup_id}/{decision}",
                            json={"reason": "Te laat."}, headers=operator_headers)
    token = approved.json["invitation"]["link"].rsplit("/", 1)[1]
    invitation = applicant.call("GET", f"/api/invitations/{token}", "/api/invitations/{token}")
    accepted = applicant.call("POST", f"/api/invitations/{token}", "/api/invitations/{token}",
                              json={"password": PASSWORD}, headers=headers)
    used = applicant.call("POST", f"/api/invitations/{token}", "/api/invitations/{token}",
                          json={"password": PASSWORD}, headers=headers)

    assert submitted.status_code == 201
    assert twice.status_code == 409
    assert twice.json["detail"] == "Er wacht al een aanmelding voor 0344 op een besluit."
    assert invalid.status_code == 400
    assert "code" in invalid.json["errors"]
    assert [item["code"] for item in listed.json["signups"]] == ["0344"]
    assert one.json["status"] == "pending"
    assert approved.status_code == 201
    assert approved.json["signup"]["status"] == "approved"
    assert decided.status_code == 409
    assert invitation.json == {"username": "beheer.0344", "organisation": "0344",
                               "expires_at": approved.json["invitation"]["expires_at"]}
    assert accepted.json["status"] == "active"
    assert used.status_code == 410


def test_user_management_through_api(hub, people):
    people.identity.invitations.accept(people.identity.invitations.invite(
        OPERATOR, GEMEENTE, {Role.GEBRUIKERSBEHEERDER},
        username="admin.0384").token, PASSWORD)
    admin = checked(login(hub, people, "admin.0384"))
    headers = {"X-CSRF-Token": admin.client.get("/api/session").json["csrf_token"]}
    own = people.identity.users.find(OPERATOR, "admin.0384").id

    invited = admin.call("POST", "/api/users", "/api/users", headers=headers,
                         json={"username": "jeugd.1", "roles": ["gebruiker"], "grants": ["jw:send", "jw:receive"]})
    new_id = invited.json["user"]["id"]
    listed = admin.call("GET", "/api/users", "/api/users")
    one = admin.call("GET", f"/api/users/{new_id}", "/api/users/{user_id}")
    action = "/api/users/{user_id}/{action}"
    changed = admin.call("POST", f"/api/users/{new_id}/access", action, headers=headers,
                         json={"roles": ["gebruiker"], "grants": ["jw:receive"]})
    own_change = admin.call("POST", f"/api/users/{own}/access", action, headers=headers,
                            json={"roles": ["gebruikersbeheerder"], "grants": ["jw:send"]})
    escalation = admin.call("POST", f"/api/users/{new_id}/access", action, headers=headers,
                            json={"roles": ["gebruikersbeheerder"], "grants": []})
    unknown = admin.call("POST", f"/api/users/{new_id}/access", action, headers=headers,
                         json={"roles": ["koning"], "grants": []})
    disabled = admin.call("POST", f"/api/users/{new_id}/disable", action, headers=headers)
    enabled = admin.call("POST", f"/api/users/{new_id}/enable", action, headers=headers)
    link = admin.call("POST", f"/api/users/{new_id}/invitation", action, headers=headers)
    reset = admin.call("POST", f"/api/users/{new_id}/second-factor-reset", action, headers=headers)
    forged = admin.call("POST", f"/api/users/{new_id}/disable", action, headers={"X-CSRF-Token": "vervalst"})

    assert invited.status_code == 201
    assert invited.json["link"].startswith("http")
    assert {user["username"] for user in listed.json["users"]} == {"admin.0384", "jeugd.1"}
    assert one.json["grants"] == ["jw:receive", "jw:send"]
    assert changed.json["grants"] == ["jw:receive"]
    assert own_change.status_code == 403
    assert own_change.json["detail"].startswith("Niemand mag het eigen account wijzigen.")
    assert escalation.status_code == 403
    assert escalation.json["errors"]["roles"].startswith("U mag de rol gebruikersbeheerder niet toekennen.")
    assert unknown.status_code == 400
    assert disabled.json["status"] == "disabled"
    assert enabled.json["status"] == "invited"
    assert link.status_code == 201
    assert reset.status_code == 200
    assert forged.status_code == 403


def test_audit_through_api(hub, people):
    operator = checked(login(hub, people, "beheerder"))

    first = operator.call("GET", "/api/audit", "/api/audit", params={"limit": "2"})
    second = operator.call("GET", "/api/audit", "/api/audit", params={"limit": "2", "before": first.json["next"]})
    invalid = operator.call("GET", "/api/audit", "/api/audit", params={"event": "geen"})

    assert len(first.json["records"]) == 2
    assert second.json["records"][0]["id"] < first.json["records"][-1]["id"]
    assert invalid.status_code == 400
    assert "event" in invalid.json["errors"]


def test_refusals_through_api(hub, people):
    people.invite_and_accept("collega", GEMEENTE)
    gebruiker = checked(login(hub, people, "collega"))
    signed_out = checked(hub.client())

    users = gebruiker.call("GET", "/api/users", "/api/users")
    audit = gebruiker.call("GET", "/api/audit", "/api/audit")
    signups = gebruiker.call("GET", "/api/signups", "/api/signups")
    anonymous = signed_out.call("GET", "/api/users", "/api/users")
    bad_link = signed_out.call("GET", "/api/invitations/onzin", "/api/invitations/{token}")

    assert (users.status_code, audit.status_code, signups.status_code) == (403, 403, 403)
    assert anonymous.status_code == 401
    assert bad_link.status_code == 410
