"""Dashboard figures: per service the mailbox counts, and the message volume of the last 30 days.

The figures are counted from core's mailbox listings, so they show exactly what the
principal may see. NOTE: counting pages through the listings and stops at ``SCAN_LIMIT``
messages per figure (then shown as "at least"); an organisation with more messages
than that needs a counting query in the Store port to show exact numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from adapters.web.rendering import LOCAL_TIME
from core.mailbox import MailboxService
from core.model import Message, State
from core.ports import MessageQuery
from core.principal import Principal

SCAN_LIMIT = 10_000
PAGE_SIZE = 500
DAYS = 30
WAITING_STATES = (State.DELIVERED, State.PUSH_FAILED, State.UNDELIVERABLE)


@dataclass
class Figure:
    count: int = 0
    capped: bool = False  # True: at least ``count``


@dataclass
class ServiceFigures:
    service: str
    name: str
    new: Figure = field(default_factory=Figure)  # arrived in the last 24 hours
    waiting: Figure = field(default_factory=Figure)  # delivered, not yet downloaded
    rejected: Figure = field(default_factory=Figure)  # own files rejected in the last 30 days


@dataclass(frozen=True)
class DayVolume:
    day: date
    received: int
    sent: int


@dataclass
class Overview:
    services: list[ServiceFigures]
    days: list[DayVolume]
    capped: bool


def build_overview(mailbox: MailboxService, principal: Principal, organisation: str,
                   services: dict[str, str], now: datetime) -> Overview:
    """Count, per service in ``services`` (code -> name), what ``principal`` sees of ``organisation``."""
    figures = {code: ServiceFigures(code, name) for code, name in sorted(services.items())}
    since = now - timedelta(days=DAYS)
    codes = tuple(figures)

    received, received_capped = _scan(mailbox.inbox, principal, organisation, codes, since=since)
    sent, sent_capped = _scan(mailbox.sent, principal, organisation, codes, since=since)
    for code, state in ((code, state) for code in codes for state in WAITING_STATES):
        waiting, capped = _scan(mailbox.inbox, principal, organisation, (code,), status=state)
        figures[code].waiting.count += len(waiting)
        figures[code].waiting.capped |= capped

    for message in received:
        if message.service in figures and message.received_at >= now - timedelta(days=1):
            figures[message.service].new.count += 1
    for message in sent:
        if message.service in figures and message.status == State.REJECTED:
            figures[message.service].rejected.count += 1
    for item in figures.values():
        item.new.capped = received_capped
        item.rejected.capped = sent_capped

    days = _volume(received, sent, now)
    return Overview(list(figures.values()), days, received_capped or sent_capped)


def _scan(listing, principal: Principal, organisation: str, services: tuple[str, ...], *,
          since: datetime | None = None, status: State | None = None) -> tuple[list[Message], bool]:
    found: list[Message] = []
    for message in _pages(listing, principal, organisation, services, since, status):
        if len(found) >= SCAN_LIMIT:
            return found, True
        found.append(message)
    return found, False


def _pages(listing, principal, organisation, services, since, status) -> Iterator[Message]:
    before = None
    while True:
        query = MessageQuery(organisation=organisation, services=services or None, since=since, status=status,
                             before=before, limit=PAGE_SIZE)
        page = listing(principal, organisation, query)
        yield from page
        if len(page) < PAGE_SIZE:
            return
        before = (page[-1].received_at, page[-1].id)


def _volume(received: list[Message], sent: list[Message], now: datetime) -> list[DayVolume]:
    today = now.astimezone(LOCAL_TIME).date()
    first = today - timedelta(days=DAYS - 1)
    received_per_day = Counter(m.received_at.astimezone(LOCAL_TIME).date() for m in received)
    sent_per_day = Counter(m.received_at.astimezone(LOCAL_TIME).date() for m in sent)
    return [
        DayVolume(day, received_per_day[day], sent_per_day[day])
        for day in (first + timedelta(days=offset) for offset in range(DAYS))
    ]
