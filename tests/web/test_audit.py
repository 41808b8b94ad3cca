"""The audit log page: the operator reads everything, a user administrator their own organisation, with filters and pages."""

from __future__ import annotations

import re

import pytest

from core.identity.model import AuditEvent
from tests.web.accounts_support import add_operator, add_user_admin, login
from tests.web.identity_support import with_identity
from tests.web.support import GEMEENTE, OPERATOR, OTHER_GEMEENTE, upload_api

ROW = re.compile(r'<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell"><time')


@pytest.fixture
def people(hub):
    people = with_identity(hub)
    add_operator(people)
    add_user_admin(people, "admin.0384", GEMEENTE)
    add_user_admin(people, "admin.0599", OTHER_GEMEENTE)
    people.invite_and_accept("collega.0384", GEMEENTE)
    people.invite_and_accept("collega.0599", OTHER_GEMEENTE)
    return people


EVENT_CELL = re.compile(r'</time></td>\s*<td class="utrecht-table__cell">([^<]*)</td>')


def events(page) -> list[str]:
    return EVENT_CELL.findall(page.text)


def dutch_label(event: AuditEvent) -> str:
    from adapters.i18n import gettext_for
    from adapters.web.identity_text import AUDIT_LABELS

    return gettext_for("nl")(AUDIT_LABELS[event])


def rows(page) -> int:
    return len(ROW.findall(page.text))


def test_admin_reads_only_own_organisation(hub, people):
    admin = login(hub, people, "admin.0384")

    page = admin.get("/audit")
    asked_other = admin.get("/audit?org=0599")

    assert page.status_code == 200
    assert "collega.0384" in page.text
    assert "collega.0599" not in page.text
    assert "admin.0599" not in page.text
    assert "collega.0599" not in asked_other.text
    assert '<td class="utrecht-table__cell">Beheerder van de hub</td>' in page.text  # it created the accounts
    assert "operator@-/cli" not in page.text


def test_operator_reads_every_organisation(hub, people):
    operator = login(hub, people, "beheerder")

    page = operator.get("/audit?limit=500")
    other = operator.get("/audit?org=0599&limit=500")

    assert "collega.0384" in page.text
    assert "collega.0599" in page.text
    assert "collega.0599" in other.text
    assert "collega.0384" not in other.text


def test_filters_by_event_and_user(hub, people):
    operator = login(hub, people, "beheerder")
    colleague = people.identity.users.find(OPERATOR, "collega.0384").id

    created = operator.get("/audit?event=user_created&limit=500")
    by_user = operator.get("/audit?user=collega.0384&limit=500")
    by_id = operator.get(f"/audit?user={colleague}&limit=500")

    assert rows(created) == 5  # the operator, two admins, two colleagues
    assert '<td class="utrecht-table__cell">Account aangemaakt</td>' in created.text
    assert '<td class="utrecht-table__cell">Uitnodiging aangenomen</td>' not in created.text
    assert rows(by_user) == rows(by_id) == 3  # created, invitation issued, invitation accepted


def test_filters_by_message_and_period(hub, people, jw301):
    sender = login(hub, people, "collega.0384")
    message_id = upload_api(sender, [("JW301.xml", jw301)]).json["results"][0]["message_id"]
    operator = login(hub, people, "beheerder")

    page = operator.get(f"/audit?message={message_id}")
    future = operator.get("/audit?from=2100-01-01")

    assert rows(page) == 1
    assert '<td class="utrecht-table__cell">Bericht verstuurd</td>' in page.text
    assert f'href="/messages/{message_id}"' in page.text
    assert rows(future) == 0


def test_pages_by_keyset(hub, people):
    operator = login(hub, people, "beheerder")
    records = people.identity.audit.read(OPERATOR).records

    first = operator.get("/audit?limit=3")
    link = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = operator.get(link)

    assert rows(first) == 3
    assert rows(second) == 3
    assert f"before={records[2].id}" in link
    assert events(first) == [dutch_label(record.event) for record in records[:3]]
    assert events(second) == [dutch_label(record.event) for record in records[3:6]]
    assert "Nieuwste regels" in second.text


def test_invalid_filters_are_explained(hub, people):
    operator = login(hub, people, "beheerder")

    page = operator.get("/audit?event=geen&user=onbekend&message=123&from=morgen&before=x")

    assert page.status_code == 400
    for text in ("Kies een van de genoemde gebeurtenissen.", "Er is geen account met deze gebruikersnaam",
                 "Een bericht-id ziet eruit als", "Vul een datum in als JJJJ-MM-DD",
                 "De paginalink is niet geldig."):
        assert text in page.text


def test_gebruiker_has_no_audit_page(hub, people):
    client = login(hub, people, "collega.0384")

    assert client.get("/audit").status_code == 403


def test_every_audit_event_has_a_label():
    from adapters.web.identity_text import AUDIT_LABELS

    assert set(AUDIT_LABELS) == set(AuditEvent)
