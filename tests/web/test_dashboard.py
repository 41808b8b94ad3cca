"""The overview's figures on a real SQLite hub: exact beyond 10,000 messages, per service, per local day."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import insert

from adapters.storage.mapping import message_values
from adapters.storage.tables import MessageRow
from core.model import State
from tests.storage.support import message
from tests.web.support import AANBIEDER, GEMEENTE, OTHER_GEMEENTE, user

MANY = 10_050  # more than the 10,000 per figure at which the overview used to stop counting


def insert_messages(hub, count: int, **fields) -> None:
    """Insert ``count`` messages straight into the hub's table, one minute apart, ending now."""
    now = hub.container.clock().now()
    rows = []
    for number in range(count):
        message_id = str(uuid.uuid4())
        item = message(id=message_id, received_at=now - timedelta(minutes=number % 1200), **fields)
        rows.append(message_values(item))
    with hub.container.engine().begin() as connection:
        connection.execute(insert(MessageRow.__table__), rows)


def jw_figures(overview: dict) -> dict:
    return next(item for item in overview["services"] if item["service"] == "jw")


def test_counts_are_exact_beyond_ten_thousand(hub):
    insert_messages(hub, MANY, sender=GEMEENTE, recipient=AANBIEDER, service="jw", message_type="JW301")
    client = hub.client().sign_in(user(AANBIEDER))

    overview = client.get("/api/overview").json
    page = client.get("/")

    jw = jw_figures(overview)
    assert jw["new"] == {"count": MANY, "at_least": False}
    assert jw["not_downloaded"]["count"] == MANY
    assert sum(day["received"] for day in overview["days"]) == MANY
    assert "10.050" in page.text
    assert "minstens" not in page.text


def test_counts_show_only_granted_services(hub):
    insert_messages(hub, 30, sender=GEMEENTE, recipient=AANBIEDER, service="wmo")
    insert_messages(hub, 20, sender=GEMEENTE, recipient=AANBIEDER, service="jw", message_type="JW301")
    client = hub.client().sign_in(user(AANBIEDER, services=("jw",)))

    overview = client.get("/api/overview").json

    assert [item["service"] for item in overview["services"]] == ["jw"]
    assert jw_figures(overview)["new"]["count"] == 20
    assert sum(day["received"] for day in overview["days"]) == 20


def test_counts_rejected_and_sent(hub):
    insert_messages(hub, 7, sender=GEMEENTE, recipient=AANBIEDER, service="jw", message_type="JW301",
                    status=State.REJECTED, dedup_key=None, reject_code="StUF055")
    insert_messages(hub, 5, sender=GEMEENTE, recipient=AANBIEDER, service="jw", message_type="JW301")
    insert_messages(hub, 3, sender=OTHER_GEMEENTE, recipient=AANBIEDER, service="jw", message_type="JW301")
    client = hub.client().sign_in(user(GEMEENTE))

    overview = client.get("/api/overview").json
    page = client.get("/")

    assert jw_figures(overview)["rejected"]["count"] == 7
    assert jw_figures(overview)["new"]["count"] == 0
    assert sum(day["sent"] for day in overview["days"]) == 12
    assert sum(day["received"] for day in overview["days"]) == 0
    assert re.search(r'href="/sent\?status=rejected&amp;service=jw">7<', page.text)
