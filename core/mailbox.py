"""Use cases for reading messages: the mailbox, fetching a file, and track & trace.

An organisation sees the messages it sent and the messages it received, and nobody
else's: a message outside the principal's view is reported as not found, so that its
existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import BinaryIO

import structlog

from core import authz
from core.errors import NotFound
from core.identity.audit import AuditLog
from core.model import Event, Message, State
from core.ports import Clock, MessageCount, MessageQuery, PayloadStore, Store
from core.principal import Action, Principal

log = structlog.get_logger(__name__)


@dataclass
class Trace:
    message: Message
    events: list[Event]
    heen: Message | None
    retour: Message | None


WAITING_STATES = (State.DELIVERED, State.PUSH_FAILED, State.UNDELIVERABLE)  # delivered, not yet downloaded


@dataclass
class ServiceSummary:
    """Exact counts of one service in an organisation's mailbox."""

    service: str
    new: int = 0  # received in the last 24 hours
    waiting: int = 0  # delivered and not yet downloaded, whenever received
    rejected: int = 0  # files the organisation sent that were rejected, within the summary's days


@dataclass(frozen=True)
class DayVolume:
    day: date
    received: int
    sent: int  # rejected files included


@dataclass
class MailboxSummary:
    """The figures of an organisation's overview: counts per service, and messages per day."""

    organisation: str
    services: dict[str, ServiceSummary] = field(default_factory=dict)
    days: list[DayVolume] = field(default_factory=list)


class MailboxService:
    def __init__(self, store: Store, payloads: PayloadStore, clock: Clock, audit: AuditLog | None = None):
        self._store = store
        self._payloads = payloads
        self._clock = clock
        self._audit = audit

    def inbox(self, principal: Principal, organisation: str, query: MessageQuery | None = None) -> list[Message]:
        """List messages delivered to ``organisation`` in the services the principal may receive."""
        return self._listing(principal, organisation, "recipient", Action.RECEIVE, query)

    def sent(self, principal: Principal, organisation: str, query: MessageQuery | None = None) -> list[Message]:
        """List messages ``organisation`` handed in, rejected ones included."""
        return self._listing(principal, organisation, "sender", Action.SEND, query)

    def fetch(self, principal: Principal, message_id: str) -> tuple[Message, BinaryIO]:
        """Open a message's file; a recipient's fetch marks it downloaded (it stays retrievable)."""
        message = self._visible(principal, message_id)
        stream = self._payloads.open(message.payload_hash) if message.payload_hash else None
        if stream is None:
            raise NotFound(f"message {message_id} has no stored file", params={"message_id": message_id})
        if self._is_recipient_view(principal, message):
            event = Event(message.id, self._clock.now(), State.DOWNLOADED, actor=principal.describe())
            self._store.mark_downloaded(message.id, event)
            log.info("message_downloaded", message_id=message.id, organisation=message.recipient, actor=principal.describe())
        if self._audit is not None:
            acting_for = principal.organisation or message.recipient
            self._audit.record_download(principal, message.id, acting_for, message.service)
        return message, stream

    def trace(self, principal: Principal, message_id: str) -> Trace:
        """Return a message's history and the linked heen or retour the principal may see."""
        message = self._visible(principal, message_id)
        heen = self._linked(principal, message.heen_id)
        retour = self._linked(principal, message.retour_id)
        return Trace(message, self._store.events(message.id), heen, retour)

    def get(self, principal: Principal, message_id: str) -> Message:
        return self._visible(principal, message_id)

    def summary(self, principal: Principal, organisation: str, *, days: int = 30,
                zone: tzinfo = timezone.utc) -> MailboxSummary:
        """Count exactly what the principal may see of ``organisation``'s mailbox.

        Per service: received in the last 24 hours, waiting for download, and sent but
        rejected within the ``days`` calendar days (in ``zone``) that end today. Per day:
        received and sent. Each figure is one grouped, indexed count in the store, so the
        cost grows with the messages of the period, not with the whole table.
        """
        authz.require_member_or_operator(principal, organisation)
        now = self._clock.now()
        first_day = now.astimezone(zone).date() - timedelta(days=days - 1)
        periods = tuple(datetime.combine(first_day + timedelta(days=n), time.min, zone) for n in range(days + 1))
        received = self._counts(principal, organisation, "recipient", Action.RECEIVE, periods=periods)
        sent = self._counts(principal, organisation, "sender", Action.SEND, periods=periods)
        new = self._counts(principal, organisation, "recipient", Action.RECEIVE, since=now - timedelta(days=1))
        waiting = [count for state in WAITING_STATES
                   for count in self._counts(principal, organisation, "recipient", Action.RECEIVE, status=state)]

        summary = MailboxSummary(organisation)
        for counts, name in ((new, "new"), (waiting, "waiting")):
            for count in counts:
                _add(summary, count, name)
        for count in sent:
            if count.status == State.REJECTED:
                _add(summary, count, "rejected")
        summary.days = [
            DayVolume(first_day + timedelta(days=n), _in_period(received, n), _in_period(sent, n)) for n in range(days)
        ]
        return summary

    # -- helpers ---------------------------------------------------------------------------

    def _listing(self, principal: Principal, organisation: str, role: str, action: Action,
                 query: MessageQuery | None) -> list[Message]:
        authz.require_member_or_operator(principal, organisation)
        if self._store.get_organisation(organisation) is None:
            raise NotFound(f"organisation {organisation} not found", params={"code": organisation})
        query = query or MessageQuery(organisation=organisation)
        services = self._services_allowed(principal, organisation, action, query.services)
        # A file rejected before its service was known (not XML, a BOM) belongs to no service;
        # anyone who may send for the organisation sees it among the sent messages.
        unrecognised = role == "sender" and query.services is None and services is not None and bool(services)
        narrowed = MessageQuery(**{**query.__dict__, "organisation": organisation, "role": role, "services": services,
                                   "include_unrecognised": unrecognised})
        return self._store.list_messages(narrowed)

    def _counts(self, principal: Principal, organisation: str, role: str, action: Action, *,
                periods: tuple[datetime, ...] = (), **filters) -> list[MessageCount]:
        services = self._services_allowed(principal, organisation, action, None)
        query = MessageQuery(organisation=organisation, role=role, services=services, **filters)
        return self._store.count_messages(query, periods)

    def _services_allowed(self, principal: Principal, organisation: str, action: Action,
                          requested: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if principal.grants is None or (principal.is_operator and principal.organisation is None):
            return requested  # the hub operator's portal account holds no grants but may see every service
        allowed = {g.service for g in principal.grants if g.action == action}
        if requested is not None:
            allowed &= set(requested)
        return tuple(sorted(allowed))

    def _visible(self, principal: Principal, message_id: str) -> Message:
        message = self._store.get_message(message_id)
        if message is None or not self._may_see(principal, message):
            raise NotFound(f"message {message_id} not found", params={"message_id": message_id})
        return message

    def _linked(self, principal: Principal, message_id: str | None) -> Message | None:
        if message_id is None:
            return None
        message = self._store.get_message(message_id)
        return message if message is not None and self._may_see(principal, message) else None

    def _may_see(self, principal: Principal, message: Message) -> bool:
        if principal.is_operator and principal.organisation is None:
            return True
        return self._is_recipient_view(principal, message) or self._is_sender_view(principal, message)

    def _is_recipient_view(self, principal: Principal, message: Message) -> bool:
        if message.status == State.REJECTED or message.recipient is None or message.service is None:
            return False
        return authz.may_act_for(principal, message.recipient, message.service, Action.RECEIVE) \
            and principal.organisation == message.recipient

    def _is_sender_view(self, principal: Principal, message: Message) -> bool:
        if message.sender is None or principal.organisation != message.sender:
            return False
        if message.service is None:
            return True
        return authz.may_act_for(principal, message.sender, message.service, Action.SEND)


def _add(summary: MailboxSummary, count: MessageCount, figure: str) -> None:
    if count.service is None:
        return  # a file rejected before its service was known belongs to no service's figures
    item = summary.services.setdefault(count.service, ServiceSummary(count.service))
    setattr(item, figure, getattr(item, figure) + count.count)


def _in_period(counts: list[MessageCount], period: int) -> int:
    return sum(count.count for count in counts if count.period == period)
