"""The hub's side of a CPA: which CPA governs a message or an organisation, what the hub
must do when it sends under it (sign, request an acknowledgement), and how often and
how long it retries.

Reliable messaging follows ebMS 2.0: the sending MSH retries per the ReliableMessaging
of its own ebXMLSenderBinding (Retries, RetryInterval), and PersistDuration, taken from
the receiver's ebXMLReceiverBinding, bounds how long a message is worth resending. A CPA
without ReliableMessaging (best effort) gets the hub's BEST_EFFORT policy, so a
transport failure is still retried a few times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from adapters.soap.ebms.cpacheck import CpaMatch
from core.cpa import checks
from core.cpa.errors import CpaNotForHub
from core.cpa.model import Cpa, PartyInfo
from core.cpa.ports import CpaRepository, CpaState
from core.cpa.service import CpaService
from core.errors import NotFound
from core.model import Channel
from core.principal import Principal

log = structlog.get_logger(__name__)

ACTIVE = frozenset({CpaState.ACTIVE})


@dataclass(frozen=True)
class Reliability:
    """The hub's sending terms under one CPA: acknowledgement, retries and how long to keep trying."""

    ack_requested: bool
    sync_reply: bool
    retries: int
    retry_interval: timedelta
    persist_duration: timedelta
    ack_signed: bool = False

    def gives_up(self, sends: int, first_sent_at: datetime | None, now: datetime) -> bool:
        """Return whether a message sent ``sends`` times since ``first_sent_at`` is not worth another attempt."""
        if sends > self.retries:
            return True
        return first_sent_at is not None and now >= first_sent_at + self.persist_duration


# Design values for a CPA without ReliableMessaging, and for an organisation without an
# active CPA (its messages wait in case a CPA is approved soon).
BEST_EFFORT = Reliability(False, False, retries=3, retry_interval=timedelta(minutes=10),
                          persist_duration=timedelta(days=1))
NO_AGREEMENT = Reliability(False, False, retries=96, retry_interval=timedelta(hours=1),
                           persist_duration=timedelta(days=4))


@dataclass(frozen=True)
class Agreement:
    """An active CPA of ``organisation``, with the hub's party and the organisation's party in it."""

    organisation: str
    cpa: Cpa
    hub: PartyInfo
    peer: PartyInfo

    def hub_oin(self, hub_oins: frozenset[str]) -> str:
        return next(oin for oin in self.hub.oins() if oin in hub_oins)

    def endpoint(self) -> str | None:
        """Return the organisation's ebMS endpoint: the Transport of its default channel, else any it declares."""
        channel = self.peer.channel(self.peer.default_msh_channel_id)
        transport = self.peer.transport(channel.transport_id) if channel else None
        if transport is not None and transport.endpoints:
            return transport.endpoints[0]
        endpoints = self.peer.endpoints()
        return endpoints[0] if endpoints else None

    def outgoing(self, service: str | None, action: str | None) -> CpaMatch:
        """Return the CPA's terms for a message from the hub to the organisation; no Action: an MSH signal."""
        hub_channel = self.hub.channel(self.hub.default_msh_channel_id)
        peer_channel = self.peer.channel(self.peer.default_msh_channel_id)
        sending = receiving = None
        if action is not None:
            sending = _binding(self.hub, service, action, send=True)
            receiving = _binding(self.peer, service, action, send=False)
            hub_channel = self.hub.channel(sending.channel_ids[0]) if sending else hub_channel
            peer_channel = self.peer.channel(receiving.channel_ids[0]) if receiving else peer_channel
        return CpaMatch(self.cpa, self.hub, self.peer, hub_channel, peer_channel, sending, receiving)

    def incoming_signals(self) -> CpaMatch:
        """Return the CPA's terms for MSH signals from the organisation to the hub, such as its signing certificate."""
        return CpaMatch(self.cpa, self.peer, self.hub, self.peer.channel(self.peer.default_msh_channel_id),
                        self.hub.channel(self.hub.default_msh_channel_id))

    def reliability(self, service: str, action: str) -> Reliability:
        match = self.outgoing(service, action)
        characteristics = match.receiving_channel.characteristics if match.receiving_channel else None
        ack_requested = characteristics is not None and characteristics.ack_requested == "always"
        ack_signed = ack_requested and characteristics.ack_signature_requested == "always"
        sync_reply = characteristics is not None and characteristics.sync_reply_mode != "none"
        sender = match.sender_exchange.sender_binding if match.sender_exchange else None
        receiver = match.receiver_exchange.receiver_binding if match.receiver_exchange else None
        messaging = sender.reliable_messaging if sender else None
        if messaging is None or messaging.retries is None or messaging.retry_interval is None:
            return Reliability(ack_requested, sync_reply, BEST_EFFORT.retries, BEST_EFFORT.retry_interval,
                               BEST_EFFORT.persist_duration, ack_signed)
        persist = (receiver.persist_duration if receiver and receiver.persist_duration else None) \
            or (sender.persist_duration if sender.persist_duration else None) \
            or messaging.retry_interval * (messaging.retries + 1)
        return Reliability(ack_requested, sync_reply, messaging.retries, messaging.retry_interval, persist, ack_signed)


def _binding(party: PartyInfo, service: str | None, action: str, send: bool):
    for role in party.roles:
        binding = role.service_binding
        if binding.service != service:
            continue
        found = binding.sendable(action) if send else binding.receivable(action)
        if found is not None:
            return found
    return None


class CpaDirectory:
    """Find the CPA that governs a received message, or the one to send an organisation's messages under."""

    def __init__(self, service: CpaService, repository: CpaRepository, hub_oins: frozenset[str]):
        self._service = service
        self._repository = repository
        self.hub_oins = hub_oins
        self._owners: dict[str, str] = {}  # CPAId -> organisation; a stored CPA never changes organisation

    def for_message(self, cpaid: str) -> Agreement | None:
        """Return the active CPA with this CPAId and its organisation, or None."""
        organisation = self._owner(cpaid)
        if organisation is None:
            return None
        principal = Principal.organisation_software(organisation, Channel.WEBSERVICE)
        try:
            cpa = self._service.active_cpa(principal, cpaid)
        except NotFound:
            return None
        return self._agreement(organisation, cpa)

    def _owner(self, cpaid: str) -> str | None:
        if cpaid not in self._owners:
            record = self._repository.get(cpaid)
            if record is None:
                return None
            self._owners[cpaid] = record.organisation
        return self._owners[cpaid]

    def for_organisation(self, organisation: str, now: datetime) -> Agreement | None:
        """Return the newest active CPA of ``organisation`` that is in force at ``now``, or None."""
        principal = Principal.organisation_software(organisation, Channel.WEBSERVICE)
        for record in reversed(self._repository.list(organisation, ACTIVE)):
            if not (record.start <= now < record.end):
                continue
            try:
                agreement = self._agreement(organisation, self._service.active_cpa(principal, record.cpaid))
            except NotFound:
                continue
            if agreement is not None:
                return agreement
        return None

    def _agreement(self, organisation: str, cpa: Cpa) -> Agreement | None:
        try:
            hub = checks.hub_party(cpa, self.hub_oins)
        except CpaNotForHub as error:
            log.error("cpa_not_for_hub", cpaid=cpa.cpaid, organisation=organisation, error=error.detail)
            return None
        return Agreement(organisation, cpa, hub, cpa.other_party(hub))
