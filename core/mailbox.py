"""Use cases for reading messages: the mailbox, fetching a file, and track & trace.

An organisation sees the messages it sent and the messages it received, and nobody
else's: a message outside the principal's view is reported as not found, so that its
existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import structlog

from core import authz
from core.errors import NotFound
from core.identity.audit import AuditLog
from core.model import Event, Message, State
from core.ports import Clock, MessageQuery, PayloadStore, Store
from core.principal import Action, Principal

log = structlog.get_logger(__name__)


@dataclass
class Trace:
    message: Message
    events: list[Event]
    heen: Message | None
    retour: Message | None


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

    # -- helpers ---------------------------------------------------------------------------

    def _listing(self, principal: Principal, organisation: str, role: str, action: Action,
                 query: MessageQuery | None) -> list[Message]:
        authz.require_member_or_operator(principal, organisation)
        query = query or MessageQuery(organisation=organisation)
        services = self._services_allowed(principal, organisation, action, query.services)
        narrowed = MessageQuery(**{**query.__dict__, "organisation": organisation, "role": role, "services": services})
        return self._store.list_messages(narrowed)

    def _services_allowed(self, principal: Principal, organisation: str, action: Action,
                          requested: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if principal.grants is None:
            return requested
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
