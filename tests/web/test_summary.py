"""``MailboxService.summary``: exact counts per service and per day, narrowed to what the principal may see.

Runs on the in-memory store; the contract tests run ``Store.count_messages`` itself on
SQLite and PostgreSQL too, and the dashboard tests run the summary on SQLite.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from core.errors import NotAuthorised
from core.mailbox import MailboxService
from core.model import Channel, Enrolment, Event, OrgKind, Organisation, State
from core.principal import Action, Grant, Principal, Role
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore
from tests.storage.support import acceptance, message, rejection

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # 10:00 in Amsterdam


@pytest.fixture
def world(tmp_path):
    payloads = MemoryPayloads(tmp_path)
    store = MemoryStore(payloads)
    store.add_organisation(Organisation("42420001", OrgKind.AANBIEDER, "Aanbieder", [Enrolment("jw", Channel.PORTAL)]))
    clock = FixedClock(NOW)
    return store, payloads, MailboxService(store, payloads, clock)


def deliver(store, payloads, **fields):
    item = message(**fields)
    store.accept([acceptance(payloads, item)])
    return item


def gebruiker(organisation: str, *grants: tuple[str, Action]) -> Principal:
    return Principal(Channel.PORTAL, organisation, "user-1", frozenset({Role.GEBRUIKER}),
                     frozenset(Grant(service, action) for service, action in grants))


def software(organisation: str) -> Principal:
    return Principal.organisation_software(organisation, Channel.PORTAL)


def test_summary_counts_new_waiting_and_rejected(world):
    store, payloads, mailbox = world
    deliver(store, payloads, received_at=NOW - timedelta(hours=2))
    deliver(store, payloads, received_at=NOW - timedelta(days=3))
    downloaded = deliver(store, payloads, received_at=NOW - timedelta(hours=1))
    store.mark_downloaded(downloaded.id, Event(downloaded.id, NOW, State.DOWNLOADED))
    store.record_rejections([rejection(payloads, message(received_at=NOW - timedelta(days=2), recipient="0384",
                                                         sender="42420001"))])

    summary = mailbox.summary(software("42420001"), "42420001")
    sender_summary = mailbox.summary(software("0384"), "0384")

    wmo = summary.services["wmo"]
    assert (wmo.new, wmo.waiting, wmo.rejected) == (2, 2, 1)
    assert "wmo" not in sender_summary.services  # 0384 rejected nothing and received nothing
    assert sum(day.sent for day in sender_summary.days) == 3


def test_summary_days_follow_local_calendar(world):
    store, payloads, mailbox = world
    deliver(store, payloads, received_at=datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc))  # 1 Dec 00:30 local
    deliver(store, payloads, received_at=datetime(2026, 11, 30, 22, 30, tzinfo=timezone.utc))  # 30 Nov 23:30 local
    deliver(store, payloads, received_at=datetime(2026, 11, 1, 23, 30, tzinfo=timezone.utc))  # 2 Nov, the first day

    summary = mailbox.summary(software("42420001"), "42420001", days=30, zone=AMSTERDAM)

    per_day = {day.day: day.received for day in summary.days}
    assert len(summary.days) == 30
    assert summary.days[0].day == date(2026, 11, 2)
    assert summary.days[-1].day == date(2026, 12, 1)
    assert per_day[date(2026, 12, 1)] == 1
    assert per_day[date(2026, 11, 30)] == 1
    assert per_day[date(2026, 11, 2)] == 1
    assert sum(per_day.values()) == 3


def test_summary_leaves_out_services_without_grant(world):
    store, payloads, mailbox = world
    deliver(store, payloads, received_at=NOW - timedelta(hours=1))
    deliver(store, payloads, received_at=NOW - timedelta(hours=1), service="jw", message_type="JW301")

    jeugd = mailbox.summary(gebruiker("42420001", ("jw", Action.RECEIVE)), "42420001")
    sender_only = mailbox.summary(gebruiker("42420001", ("jw", Action.SEND)), "42420001")

    assert set(jeugd.services) == {"jw"}
    assert jeugd.services["jw"].new == 1
    assert sum(day.received for day in jeugd.days) == 1
    assert sender_only.services == {}
    assert sum(day.received for day in sender_only.days) == 0


def test_summary_other_organisation_is_refused(world):
    _, _, mailbox = world

    with pytest.raises(NotAuthorised):
        mailbox.summary(software("0599"), "42420001")


def test_summary_operator_sees_every_service(world):
    store, payloads, mailbox = world
    deliver(store, payloads, received_at=NOW - timedelta(hours=1), service="jw", message_type="JW301")

    summary = mailbox.summary(Principal.operator(), "42420001")

    assert summary.services["jw"].waiting == 1


def test_operator_portal_account_sees_every_service(world):
    store, payloads, mailbox = world
    deliver(store, payloads, received_at=NOW - timedelta(hours=1), service="jw", message_type="JW301")
    portal_operator = Principal(Channel.PORTAL, None, "operator-1", frozenset({Role.OPERATOR}), frozenset())

    listed = mailbox.inbox(portal_operator, "42420001")
    summary = mailbox.summary(portal_operator, "42420001")

    assert len(listed) == 1
    assert summary.services["jw"].new == 1
