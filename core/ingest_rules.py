"""The checks of the message flow that need the hub's records: who sends, who receives,
frozen types, duplicates and the heenbericht a retour answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core import authz, codes
from core.errors import NotAuthorised, Rejected
from core.header import Header
from core.messagetypes import MessageType, NamespaceInfo, parse_namespace
from core.model import Channel, Direction, Message, Organisation
from core.plugins import PluginHost
from core.ports import Clock, PayloadSource, Store
from core.principal import Action, Principal
from core.xmlread import Sniffed

NO_PARTY = "00000000"


@dataclass(frozen=True)
class Recognised:
    namespace: NamespaceInfo
    message_type: MessageType


@dataclass
class Examined:
    """What the rules established about a schema-valid message."""

    header: Header
    bericht_code: str
    identity_party: str
    identificatie: str
    dagtekening: date | None
    dedup_key: str
    link_key: str
    recipient: str
    recipient_channels: set[Channel]
    is_retour: bool
    heen: Message | None = None
    retour_identificatie: str | None = None
    retour_dagtekening: date | None = None
    retour_codes: tuple[str, ...] = ()
    xsd_versie: str | None = None


class BatchLookups:
    """Read-through cache of the records one batch consults again and again.

    A batch is short (one group commit), so organisations and freezes read at its start
    are current enough; a new batch reads them again.
    """

    def __init__(self, store: Store):
        self._store = store
        self._organisations: dict[str, Organisation | None] = {}
        self._freezes = None

    def organisation(self, code: str) -> Organisation | None:
        if code not in self._organisations:
            self._organisations[code] = self._store.get_organisation(code)
        return self._organisations[code]

    def freezes(self):
        if self._freezes is None:
            self._freezes = self._store.list_freezes()
        return self._freezes

    def find_heen(self, link_key: str) -> Message | None:
        return self._store.find_heen(link_key)


class RuleBook:
    """The rules for one batch; build a new one per batch (it caches lookups)."""

    def __init__(self, store: Store, plugins: PluginHost, clock: Clock):
        self._lookups = BatchLookups(store)
        self._plugins = plugins
        self._clock = clock

    def sending_organisation(self, principal: Principal) -> Organisation:
        if principal.organisation is None:
            raise Rejected(codes.IB213, "no sending organisation: the operator must act as an organisation")
        organisation = self._lookups.organisation(principal.organisation)
        if organisation is None:
            raise Rejected(codes.IB213, f"sending organisation {principal.organisation} is unknown to the hub",
                           params={"organisation": principal.organisation})
        if not organisation.active or not organisation.enrolments:
            raise Rejected(codes.IB002, f"organisation {organisation.code} may not use the hub (inactive or not enrolled)",
                           params={"organisation": organisation.code})
        return organisation

    def recognise(self, sniffed: Sniffed) -> Recognised:
        if sniffed.local_name != "Bericht" and sniffed.namespace not in self._plugins.exact_namespaces():
            raise Rejected(codes.GGK004, f"the root element is {sniffed.local_name}, not an iStandaarden Bericht",
                           params={"namespace": sniffed.namespace or ""})
        found = self._plugins.recognise(sniffed.namespace)
        if found is not None:
            return Recognised(found[1], found[0])
        namespace = parse_namespace(sniffed.namespace)
        if namespace is None:
            raise Rejected(codes.GGK004, f"no service handles the namespace {sniffed.namespace or '(none)'}",
                           params={"namespace": sniffed.namespace or ""})
        raise Rejected(codes.GGK004, f"no service handles {namespace.name.upper()} of {namespace.release_label}",
                       params={"namespace": namespace.namespace})

    def refuse_frozen(self, message_type: MessageType, now: datetime) -> None:
        for freeze in self._lookups.freezes():
            if freeze.message_type == message_type.code and freeze.active_at(now):
                until = f" until {freeze.until.isoformat()}" if freeze.until else ""
                raise Rejected(codes.IB103, f"{message_type.code} is frozen{until}; send it again afterwards",
                               params={"message_type": message_type.code, "until": freeze.until.isoformat() if freeze.until else None})

    def examine(
        self, principal: Principal, sender: Organisation, recognised: Recognised, header: Header, payload: PayloadSource
    ) -> Examined:
        message_type = recognised.message_type
        bericht_code = self._bericht_code(message_type, header)
        self._check_sender(principal, sender, message_type, header)
        party, identificatie, dagtekening = self._identity(message_type, header)

        rejection = self._plugins.check(message_type, header, payload)
        if rejection is not None:
            raise rejection

        is_retour = message_type.direction == Direction.RETOUR
        heen_type = message_type.answers if is_retour else message_type.code
        link_key = f"{heen_type}|{party}|{identificatie}|{dagtekening}"
        if is_retour:
            dedup_key = f"R|{link_key}"
        else:
            dedup_key = f"H|{party}|{bericht_code}|{identificatie}|{dagtekening}"

        heen = self._lookups.find_heen(link_key) if is_retour else None
        recipient = self._recipient(message_type, header, sender, heen)
        layout = message_type.layout
        return Examined(
            header=header,
            bericht_code=bericht_code,
            identity_party=party,
            identificatie=identificatie,
            dagtekening=header.get_date(layout.identity[2]),
            dedup_key=dedup_key,
            link_key=link_key,
            recipient=recipient.code,
            recipient_channels=recipient.channels_for(message_type.service),
            is_retour=is_retour,
            heen=heen,
            retour_identificatie=header.get(layout.retour_identity[0]) if layout.retour_identity else None,
            retour_dagtekening=header.get_date(layout.retour_identity[1]) if layout.retour_identity else None,
            retour_codes=tuple(header.all(layout.retour_codes)),
            xsd_versie=header.get(layout.xsd_versie),
        )

    def duplicate_rejection(self, message: Message) -> Rejected:
        return _duplicate(message.dedup_key or "", (message.direction == Direction.RETOUR))

    # -- steps ---------------------------------------------------------------------------

    def _bericht_code(self, message_type: MessageType, header: Header) -> str:
        code = header.get("BerichtCode")
        if code is None:
            raise Rejected(codes.STUF055, "the header has no BerichtCode")
        if code not in message_type.bericht_codes:
            allowed = "|".join(message_type.bericht_codes)
            raise Rejected(codes.STUF055, f"BerichtCode {code} does not belong to {message_type.code} (expected {allowed})",
                           params={"bericht_code": code})
        return code

    def _check_sender(self, principal: Principal, sender: Organisation, message_type: MessageType, header: Header) -> None:
        service = message_type.service
        try:
            authz.require_act_for(principal, sender.code, service, Action.SEND)
        except NotAuthorised:
            raise Rejected(codes.IB234, f"{principal.describe()} may not send {service} messages",
                           params={"service": service}) from None
        if service not in sender.services():
            raise Rejected(codes.IB234, f"organisation {sender.code} is not enrolled for the service {service}",
                           params={"organisation": sender.code, "service": service})
        if message_type.fixed_sender is not None:
            if sender.code != message_type.fixed_sender:
                raise Rejected(codes.IB234, f"only {message_type.fixed_sender} sends {message_type.code}",
                               params={"message_type": message_type.code})
            return
        if sender.kind != message_type.sender_kind:
            raise Rejected(codes.IB234, f"a {sender.kind.value} does not send {message_type.code}; a {message_type.sender_kind.value} does",
                           params={"message_type": message_type.code})
        named = [header.get(path) for path in message_type.layout.senders]
        if sender.code not in named:
            shown = ", ".join(f"{p}={v}" for p, v in zip(message_type.layout.senders, named) if v)
            raise Rejected(codes.IB234, f"the header names {shown or 'no sender'}, not the sending organisation {sender.code}",
                           params={"organisation": sender.code})

    def _identity(self, message_type: MessageType, header: Header) -> tuple[str, str, str]:
        paths = message_type.layout.identity
        values = [header.get(path) for path in paths]
        missing = [path for path, value in zip(paths, values) if not value]
        if missing:
            raise Rejected(codes.STUF055, f"the header misses {', '.join(missing)}", params={"missing": missing})
        return values[0], values[1], values[2]

    def _recipient(self, message_type: MessageType, header: Header, sender: Organisation, heen: Message | None) -> Organisation:
        code = heen.sender if heen is not None else None
        code = code or self._plugins.route(message_type, header, sender.code)
        code = code or message_type.fixed_recipient
        if code is None:
            for path in message_type.layout.recipient:
                value = header.get(path)
                if value and value != NO_PARTY:
                    code = value
                    break
        if code is None:
            raise Rejected(codes.IB210, f"the header of {message_type.code} names no recipient")
        recipient = self._lookups.organisation(code)
        if recipient is None:
            raise Rejected(codes.IB210, f"receiving organisation {code} is unknown to the hub", params={"organisation": code})
        if not recipient.active or message_type.service not in recipient.services():
            raise Rejected(codes.IB102, f"organisation {code} does not receive {message_type.service} messages through the hub",
                           params={"organisation": code, "service": message_type.service})
        return recipient


def _duplicate(dedup_key: str, is_retour: bool) -> Rejected:
    if is_retour:
        return Rejected(codes.IB216, "the heenbericht already has a retour", params={"key": dedup_key})
    return Rejected(codes.IB216, "a message with this Afzender, BerichtCode and BerichtIdentificatie was already accepted",
                    params={"key": dedup_key})
