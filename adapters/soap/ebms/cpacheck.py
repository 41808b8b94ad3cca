"""Checking a received ebMS message against its CPA at a given moment.

The checks run in this order; the first failure raises EbmsError with the code shown.

    CPAId unknown (no CPA, or another CPAId)                      ValueNotRecognized
    CPA Status not agreed/signed, or ``now`` outside Start..End    Inconsistent
    TimeToLive before ``now``                                      TimeToLiveExpired
    From / To PartyIds (with type) not the CPA's parties           ValueNotRecognized
    From / To Role not a role of that party                        ValueNotRecognized
    Service (+ type) not in the sender's roles                     ValueNotRecognized
    Action not sendable by From or not receivable by To            ValueNotRecognized
    AckRequested / its signed attribute / actor vs the CPA         Inconsistent
    DuplicateElimination vs the CPA                                Inconsistent
    SyncReply vs syncReplyMode                                     Inconsistent
    no ds:Signature where the CPA requires signing                 SecurityFailure

Design: the receiving party's delivery channel (its CanReceive ChannelId, or its default
MSH channel for Ping and other MSH signals) sets what the message must carry, because the
receiver states there what it expects. Signing is required when either side's DocExchange
declares non-repudiation or the sending action binding requires it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.model import SIGNAL_ACTIONS, Envelope, MessageHeader
from core.cpa.model import ActionBinding, CollaborationRole, Cpa, DeliveryChannel, DocExchange, PartyInfo

IN_FORCE_STATUSES = ("agreed", "signed")
HEADER = "//Header/MessageHeader"


@dataclass(frozen=True)
class CpaMatch:
    """The CPA's terms for a message that passed the checks, for the endpoint to act on."""

    cpa: Cpa
    sender: PartyInfo
    receiver: PartyInfo
    sending_channel: DeliveryChannel | None
    receiving_channel: DeliveryChannel | None
    sending_binding: ActionBinding | None = None  # None for MSH signals such as Ping
    receiving_binding: ActionBinding | None = None

    @property
    def sender_exchange(self) -> DocExchange | None:
        return self.sender.doc_exchange(self.sending_channel.doc_exchange_id) if self.sending_channel else None

    @property
    def receiver_exchange(self) -> DocExchange | None:
        return self.receiver.doc_exchange(self.receiving_channel.doc_exchange_id) if self.receiving_channel else None

    @property
    def signing_certificate(self) -> bytes | None:
        """Return the DER certificate the sender signs with, per its SenderNonRepudiation, or None."""
        binding = self.sender_exchange.sender_binding if self.sender_exchange else None
        reference = binding.non_repudiation.certificate_ref if binding and binding.non_repudiation else None
        certificate = self.sender.certificate(reference) if reference else None
        return certificate.x509_certificates[0] if certificate and certificate.x509_certificates else None

    @property
    def signature_required(self) -> bool:
        sending = self.sender_exchange.sender_binding if self.sender_exchange else None
        receiving = self.receiver_exchange.receiver_binding if self.receiver_exchange else None
        return bool(
            (sending and sending.non_repudiation)
            or (receiving and receiving.non_repudiation)
            or (self.sending_binding and self.sending_binding.non_repudiation_required)
        )


def check_message(envelope: Envelope, cpa: Cpa | None, now: datetime) -> CpaMatch:
    """Return what ``cpa`` agrees about ``envelope`` at ``now``; raise EbmsError on the first mismatch."""
    header = envelope.header
    cpa = _check_agreement(header, cpa, now)
    _check_time_to_live(header, now)
    sender, receiver = _parties(header, cpa)

    if header.is_signal:
        match = _signal_match(header, cpa, sender, receiver)
    else:
        match = _user_message_match(header, cpa, sender, receiver)

    characteristics = match.receiving_channel.characteristics if match.receiving_channel else None
    if characteristics is not None:
        if not header.is_signal:
            _check_reliability(envelope, characteristics)
        _check_sync_reply(envelope, characteristics.sync_reply_mode)
    if match.signature_required and not envelope.signed:
        raise EbmsError(ErrorCode.SECURITY_FAILURE, f"CPA {cpa.cpaid} requires a signed message; ds:Signature is missing",
                        location="//Header/Signature")
    return match


def _check_agreement(header: MessageHeader, cpa: Cpa | None, now: datetime) -> Cpa:
    location = f"{HEADER}/CPAId"
    if cpa is None or cpa.cpaid != header.cpa_id:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"CPAId {header.cpa_id} is not known", location=location)
    if cpa.status not in IN_FORCE_STATUSES:
        raise EbmsError(ErrorCode.INCONSISTENT, f"CPA {cpa.cpaid} has status {cpa.status}, not agreed or signed",
                        location=location)
    if not cpa.in_force(now):
        raise EbmsError(ErrorCode.INCONSISTENT, f"CPA {cpa.cpaid} is valid from {cpa.start} to {cpa.end}, not at {now}",
                        location=location)
    return cpa


def _check_time_to_live(header: MessageHeader, now: datetime) -> None:
    time_to_live = header.message_data.time_to_live
    if time_to_live is not None and time_to_live < now:
        raise EbmsError(ErrorCode.TIME_TO_LIVE_EXPIRED, f"TimeToLive {time_to_live} has passed at {now}",
                        location=f"{HEADER}/MessageData/TimeToLive")


def _parties(header: MessageHeader, cpa: Cpa) -> tuple[PartyInfo, PartyInfo]:
    sender = cpa.party_for(header.from_party.party_ids)
    if sender is None:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"From {_names(header.from_party.party_ids)} is not a party of "
                        f"CPA {cpa.cpaid}", location=f"{HEADER}/From/PartyId")
    receiver = cpa.party_for(header.to_party.party_ids)
    if receiver is None or receiver is sender:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"To {_names(header.to_party.party_ids)} is not the other "
                        f"party of CPA {cpa.cpaid}", location=f"{HEADER}/To/PartyId")
    return sender, receiver


def _names(party_ids) -> str:
    return ", ".join(str(party_id) for party_id in party_ids)


def _roles(party: PartyInfo, role: str | None, side: str) -> tuple[CollaborationRole, ...]:
    if role is None:
        return party.roles
    matching = tuple(item for item in party.roles if item.role == role)
    if not matching:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"{side} Role {role} is not a role of {party.name}",
                        location=f"{HEADER}/{side}/Role")
    return matching


def _signal_match(header: MessageHeader, cpa: Cpa, sender: PartyInfo, receiver: PartyInfo) -> CpaMatch:
    if header.action not in SIGNAL_ACTIONS:
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"Action {header.action} is no MSH service action",
                        location=f"{HEADER}/Action")
    _roles(sender, header.from_party.role, "From")
    _roles(receiver, header.to_party.role, "To")
    return CpaMatch(cpa, sender, receiver, sender.channel(sender.default_msh_channel_id),
                    receiver.channel(receiver.default_msh_channel_id))


def _user_message_match(header: MessageHeader, cpa: Cpa, sender: PartyInfo, receiver: PartyInfo) -> CpaMatch:
    sender_roles = _serving(_roles(sender, header.from_party.role, "From"), header)
    receiver_roles = _serving(_roles(receiver, header.to_party.role, "To"), header)
    if not sender_roles or not receiver_roles:
        service = f"{header.service} (type {header.service_type})" if header.service_type else header.service
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"Service {service} is not agreed in CPA {cpa.cpaid} "
                        "for these roles", location=f"{HEADER}/Service")

    sending = next(filter(None, (role.service_binding.sendable(header.action) for role in sender_roles)), None)
    receiving = next(filter(None, (role.service_binding.receivable(header.action) for role in receiver_roles)), None)
    if sending is None or receiving is None:
        party_name = sender.name if sending is None else receiver.name
        verb = "send" if sending is None else "receive"
        raise EbmsError(ErrorCode.VALUE_NOT_RECOGNIZED, f"{party_name} may not {verb} Action {header.action} of "
                        f"Service {header.service} under CPA {cpa.cpaid}", location=f"{HEADER}/Action")
    return CpaMatch(cpa, sender, receiver, sender.channel(sending.channel_ids[0]),
                    receiver.channel(receiving.channel_ids[0]), sending, receiving)


def _serving(roles: tuple[CollaborationRole, ...], header: MessageHeader) -> tuple[CollaborationRole, ...]:
    return tuple(
        role for role in roles
        if role.service_binding.service == header.service and role.service_binding.service_type == header.service_type
    )


def _check_reliability(envelope: Envelope, characteristics) -> None:
    _check_per_message(characteristics.ack_requested, envelope.ack_requested is not None, "AckRequested",
                       "//Header/AckRequested")
    if envelope.ack_requested is not None:
        _check_per_message(characteristics.ack_signature_requested, envelope.ack_requested.signed,
                           "a signed acknowledgment (AckRequested/@signed)", "//Header/AckRequested/@signed")
        actor = envelope.ack_requested.actor
        if characteristics.actor and actor and actor != characteristics.actor:
            raise EbmsError(ErrorCode.INCONSISTENT, f"AckRequested actor {actor} differs from the CPA's "
                            f"{characteristics.actor}", location="//Header/AckRequested/@actor")
    _check_per_message(characteristics.duplicate_elimination, envelope.header.duplicate_elimination,
                       "DuplicateElimination", f"{HEADER}/DuplicateElimination")


def _check_per_message(agreed: str, present: bool, element: str, location: str) -> None:
    if agreed == "always" and not present:
        raise EbmsError(ErrorCode.INCONSISTENT, f"the CPA requires {element} on every message, but it is missing",
                        location=location)
    if agreed == "never" and present:
        raise EbmsError(ErrorCode.INCONSISTENT, f"the CPA excludes {element}, but the message carries it",
                        location=location)


def _check_sync_reply(envelope: Envelope, sync_reply_mode: str) -> None:
    if sync_reply_mode == "none" and envelope.sync_reply:
        raise EbmsError(ErrorCode.INCONSISTENT, "the CPA agrees asynchronous replies (syncReplyMode none); "
                        "the message carries SyncReply", location="//Header/SyncReply")
    if sync_reply_mode != "none" and not envelope.sync_reply:
        raise EbmsError(ErrorCode.INCONSISTENT, f"the CPA agrees syncReplyMode {sync_reply_mode}; SyncReply is missing",
                        location="//Header/SyncReply")
