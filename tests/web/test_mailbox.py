"""Inbox, sent, downloads and track & trace through the pages and the API."""

from __future__ import annotations

import io
import json
import re
import zipfile

from tests.web.messages import jw301_variant, jw302_answering
from tests.web.support import AANBIEDER, GEMEENTE, OTHER_GEMEENTE, form, upload_api, user


def send(hub, data: bytes, name: str = "JW301.xml", sender: str = GEMEENTE) -> str:
    client = hub.client().sign_in(user(sender))
    result = upload_api(client, [(name, data)])
    outcome = result.json["results"][0]
    assert outcome["status"] == "accepted", outcome
    return outcome["message_id"]


def test_recipient_sees_message_in_inbox(hub, jw301):
    message_id = send(hub, jw301)
    recipient = hub.client().sign_in(user(AANBIEDER))

    page = recipient.get("/inbox")

    assert page.status_code == 200
    assert f'value="{message_id}"' in page.text
    assert "Postvak in" in page.text


def test_download_marks_downloaded_and_stays_available(hub, jw301):
    message_id = send(hub, jw301)
    recipient = hub.client().sign_in(user(AANBIEDER))

    first = recipient.get(f"/messages/{message_id}/file")
    second = recipient.get(f"/api/messages/{message_id}/file")

    assert first.status_code == 200
    assert first.content == jw301
    assert 'filename="JW301.xml"' in first.headers["content-disposition"]
    assert second.content == jw301
    trace = recipient.get(f"/api/messages/{message_id}").json
    assert trace["message"]["status"] == "downloaded"
    assert [event["state"] for event in trace["events"]][-2:] == ["downloaded", "downloaded"]


def test_sender_download_does_not_mark_downloaded(hub, jw301):
    message_id = send(hub, jw301)
    sender = hub.client().sign_in(user(GEMEENTE))

    sender.get(f"/messages/{message_id}/file")

    assert sender.get(f"/api/messages/{message_id}").json["message"]["status"] == "delivered"


def test_selection_downloads_as_zip_with_rejection_report(hub, jw301):
    accepted = send(hub, jw301)
    sender = hub.client().sign_in(user(GEMEENTE))
    rejected = upload_api(sender, [("kapot.xml", b"<niet-af")]).json["results"][0]["message_id"]

    result = form(sender, "/download", [("ids", accepted), ("ids", rejected)])

    assert result.status_code == 200
    assert result.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(result.content))
    names = archive.namelist()
    assert "JW301.xml" in names
    assert "kapot.xml.afkeuring.json" in names
    report = json.loads(archive.read("kapot.xml.afkeuring.json"))
    assert report["status"] == "rejected"
    assert report["code"]
    assert report["explanation"]
    assert archive.read("JW301.xml") == jw301


def test_zip_gives_duplicate_names_a_number(hub, jw301):
    first = send(hub, jw301_variant(jw301, "WEB000000001"))
    second = send(hub, jw301_variant(jw301, "WEB000000002"))
    recipient = hub.client().sign_in(user(AANBIEDER))

    result = recipient.post("/api/downloads", json={"ids": [first, second]},
                            headers={"X-CSRF-Token": recipient.csrf_token()})

    names = sorted(zipfile.ZipFile(io.BytesIO(result.content)).namelist())
    assert names == ["JW301 (2).xml", "JW301.xml"]


def test_other_organisation_message_is_not_found(hub, jw301):
    message_id = send(hub, jw301)
    outsider = hub.client().sign_in(user(OTHER_GEMEENTE))

    page = outsider.get(f"/messages/{message_id}")
    file = outsider.get(f"/messages/{message_id}/file")
    api = outsider.get(f"/api/messages/{message_id}")
    missing = outsider.get("/messages/00000000-0000-4000-8000-000000000000")

    assert (page.status_code, file.status_code, api.status_code) == (404, 404, 404)
    assert "JW301" not in page.text
    assert api.json["code"] == "GGK404"
    assert page.text.replace(message_id, "X") == missing.text.replace("00000000-0000-4000-8000-000000000000", "X")


def test_other_organisation_zip_is_not_found(hub, jw301):
    message_id = send(hub, jw301)
    outsider = hub.client().sign_in(user(OTHER_GEMEENTE))

    result = form(outsider, "/download", [("ids", message_id)])

    assert result.status_code == 404


def test_inbox_pages_with_keyset_cursor(hub, jw301):
    ids = [send(hub, jw301_variant(jw301, f"PAGE{index:08d}")) for index in range(5)]
    recipient = hub.client().sign_in(user(AANBIEDER))

    first = recipient.get("/api/messages", params={"limit": "2"}).json
    second = recipient.get("/api/messages", params={"limit": "2", "after": first["next"]}).json
    third = recipient.get("/api/messages", params={"limit": "2", "after": second["next"]}).json

    seen = [m["id"] for page in (first, second, third) for m in page["messages"]]
    assert seen == list(reversed(ids))
    assert third["next"] is None


def test_inbox_filters_by_type_and_partner(hub, jw301):
    send(hub, jw301)
    recipient = hub.client().sign_in(user(AANBIEDER))

    matching = recipient.get("/api/messages", params={"type": "jw301", "partner": GEMEENTE}).json
    other = recipient.get("/api/messages", params={"partner": OTHER_GEMEENTE}).json

    assert len(matching["messages"]) == 1
    assert other["messages"] == []


def test_invalid_filter_is_explained_in_dutch(hub):
    client = hub.client().sign_in(user(AANBIEDER))

    page = client.get("/inbox", params={"from": "31-12-2026", "type": "x"})
    api = client.get("/api/messages", params={"from": "31-12-2026"})

    assert page.status_code == 400
    assert "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2026-12-01." in page.text
    assert 'href="#from"' in page.text
    assert api.status_code == 400
    assert api.json["errors"]["from"] == "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2026-12-01."


def test_forged_cursor_is_refused(hub):
    client = hub.client().sign_in(user(AANBIEDER))

    result = client.get("/api/messages", params={"after": "bm90LWEtY3Vyc29y"})

    assert result.status_code == 400
    assert "after" in result.json["errors"]


def test_trace_links_retour_to_heen(hub, jw301, jw32):
    heen_id = send(hub, jw301)
    retour = jw302_answering(jw301, (jw32 / "berichten" / "JW302.xml").read_bytes())
    retour_id = send(hub, retour, "JW302.xml", sender=AANBIEDER)
    gemeente = hub.client().sign_in(user(GEMEENTE))

    heen_page = gemeente.get(f"/messages/{heen_id}")
    retour_trace = gemeente.get(f"/api/messages/{retour_id}").json

    assert f'href="/messages/{retour_id}"' in heen_page.text
    assert "Retourbericht ontvangen" in heen_page.text
    assert retour_trace["heen"]["id"] == heen_id


def test_trace_search_by_identificatie_and_id(hub, jw301):
    message_id = send(hub, jw301_variant(jw301, "ZOEK00000001"))
    client = hub.client().sign_in(user(GEMEENTE))

    found = client.get("/trace", params={"identificatie": "ZOEK00000001"})
    jump = client.get("/trace", params={"id": message_id})
    unknown = client.get("/trace", params={"id": "00000000-0000-4000-8000-000000000000"})

    assert f'href="/messages/{message_id}"' in found.text
    assert jump.status_code == 303
    assert jump.headers["location"] == f"/messages/{message_id}"
    assert unknown.status_code == 404
    assert "Er is geen bericht met dit id gevonden tussen uw berichten." in unknown.text


def test_expired_session_redirects_page_and_refuses_api(hub):
    client = hub.client().sign_in(user(GEMEENTE))
    token = next(iter(hub.sessions.sessions))
    hub.sessions.expire(token)

    page = client.get("/inbox")
    api = client.get("/api/messages")

    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert api.status_code == 401
    assert api.json["detail"] == "U bent niet ingelogd of uw sessie is verlopen. Log opnieuw in."


def test_dashboard_counts_new_and_waiting(hub, jw301):
    send(hub, jw301)
    recipient = hub.client().sign_in(user(AANBIEDER))

    page = recipient.get("/")
    overview = recipient.get("/api/overview").json

    jw = next(item for item in overview["services"] if item["service"] == "jw")
    assert jw["new"]["count"] == 1
    assert jw["not_downloaded"]["count"] == 1
    assert sum(day["received"] for day in overview["days"]) == 1
    assert page.status_code == 200
    assert 'role="img"' in page.text
    assert re.search(r"<table class=\"utrecht-table", page.text)


def test_service_filter_offers_only_granted_services(hub, jw301):
    send(hub, jw301)
    jeugd = hub.client().sign_in(user(AANBIEDER, services=("jw",)))

    page = jeugd.get("/inbox")
    wmo_page = jeugd.get("/inbox", params={"service": "wmo"})
    wmo_api = jeugd.get("/api/messages", params={"box": "all", "service": "wmo"})

    assert '<option value="jw">' in page.text
    assert '<option value="wmo">' not in page.text
    assert wmo_page.status_code == 400
    assert "Kies een van de genoemde diensten." in wmo_page.text
    assert wmo_api.status_code == 400
    assert "service" in wmo_api.json["errors"]
