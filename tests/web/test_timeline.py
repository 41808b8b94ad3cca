"""The track & trace timeline describes each step in the reader's language, with the ids it concerns."""

from __future__ import annotations

import re

from tests.web.messages import jw302_answering
from tests.web.support import AANBIEDER, GEMEENTE, upload_api, user

DETAIL = re.compile(r'<p class="ggk-timeline__detail">([^<]*)')


def send(hub, data: bytes, name: str, sender: str) -> dict:
    client = hub.client().sign_in(user(sender))
    return upload_api(client, [(name, data)]).json["results"][0]


def details(page) -> list[str]:
    return [text.strip() for text in DETAIL.findall(page.text)]


def test_timeline_in_dutch_with_ids(hub, jw301):
    message_id = send(hub, jw301, "JW301.xml", GEMEENTE)["message_id"]
    recipient = hub.client().sign_in(user(AANBIEDER))
    recipient.get(f"/messages/{message_id}/file")

    page = recipient.get(f"/messages/{message_id}")

    assert details(page) == [
        "Aangeleverd door 0384 via het portaal.",
        "Geldig volgens de XSD van release ijw/3.2.",
        "Doorgestuurd naar 42420001.",
        "Beschikbaar in het postvak van 42420001.",
        "Gedownload door 42420001.",
    ]
    assert "recipient 42420001" not in page.text
    assert "mailbox of" not in page.text


def test_timeline_in_english(hub, jw301):
    message_id = send(hub, jw301, "JW301.xml", GEMEENTE)["message_id"]
    sender = hub.client().sign_in(user(GEMEENTE))

    page = sender.get(f"/messages/{message_id}?lang=en")
    trace = sender.get(f"/api/messages/{message_id}").json

    assert details(page)[:3] == ["Handed in by 0384 through the portal.", "Valid against the XSD of release ijw/3.2.",
                                 "Routed to 42420001."]
    assert [event["description"] for event in trace["events"]][2] == "Routed to 42420001."
    assert trace["events"][2]["detail"] == "recipient 42420001"


def test_timeline_links_retour(hub, jw301, jw32):
    heen_id = send(hub, jw301, "JW301.xml", GEMEENTE)["message_id"]
    retour = jw302_answering(jw301, (jw32 / "berichten" / "JW302.xml").read_bytes())
    retour_id = send(hub, retour, "JW302.xml", AANBIEDER)["message_id"]
    gemeente = hub.client().sign_in(user(GEMEENTE))

    page = gemeente.get(f"/messages/{heen_id}")

    assert f"Retourbericht {retour_id} ontvangen." in details(page)
    assert f'<a class="utrecht-link" href="/messages/{retour_id}">Retourbericht openen</a>' in page.text


def test_timeline_explains_rejection(hub, jw301):
    broken = jw301.replace(b"<jw301:Geslacht>1</jw301:Geslacht>", b"<jw301:Geslacht>9</jw301:Geslacht>")
    outcome = send(hub, broken, "fout.xml", GEMEENTE)
    sender = hub.client().sign_in(user(GEMEENTE))

    page = sender.get(f"/messages/{outcome['message_id']}")

    assert outcome["code"] == "StUF055"
    assert details(page) == [
        "Aangeleverd door 0384 via het portaal.",
        "Afgekeurd met code StUF055: Het bestand voldoet niet aan de XSD van zijn release.",
    ]
