"""Domain objects: organisations and their enrolments, messages and their history."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime


class OrgKind(str, enum.Enum):
    GEMEENTE = "gemeente"
    AANBIEDER = "aanbieder"
    KETENPARTNER = "ketenpartner"


class Channel(str, enum.Enum):
    PORTAL = "portal"
    WEBSERVICE = "webservice"
    FILEDROP = "filedrop"
    CLI = "cli"  # operator tools on the hub machine; never an enrolment channel


ENROLMENT_CHANNELS = (Channel.PORTAL, Channel.WEBSERVICE, Channel.FILEDROP)

GEMEENTECODE = re.compile(r"^[0-9]{4}$")
AGB_CODE = re.compile(r"^[0-9]{8}$")
KETENPARTNER_NAME = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


@dataclass(frozen=True)
class Enrolment:
    """An organisation takes a service (dienst) through one channel."""

    service: str
    channel: Channel


@dataclass
class Organisation:
    code: str
    kind: OrgKind
    name: str
    enrolments: list[Enrolment] = field(default_factory=list)
    oin: str | None = None
    active: bool = True

    def services(self) -> set[str]:
        return {e.service for e in self.enrolments}

    def channels_for(self, service: str) -> set[Channel]:
        return {e.channel for e in self.enrolments if e.service == service}


class Direction(str, enum.Enum):
    HEEN = "heen"
    RETOUR = "retour"


class State(str, enum.Enum):
    """Track & trace states; see ``core.tracking`` for the allowed transitions."""

    RECEIVED = "received"
    REJECTED = "rejected"
    VALIDATED = "validated"
    ROUTED = "routed"
    DELIVERED = "delivered"
    DOWNLOADED = "downloaded"
    RETOUR_RECEIVED = "retour_received"
    PUSHED = "pushed"
    PUSH_FAILED = "push_failed"
    UNDELIVERABLE = "undeliverable"


@dataclass(frozen=True)
class Event:
    """One timestamped step in a message's history."""

    message_id: str
    at: datetime
    state: State
    code: str | None = None
    detail: str | None = None
    actor: str | None = None


@dataclass
class Message:
    """A file handed in to the hub, accepted or rejected, with what the hub learnt from it."""

    id: str
    received_at: datetime
    channel: Channel
    sender: str | None  # organisation code of the party that handed it in
    filename: str | None = None
    size: int = 0
    payload_hash: str | None = None
    status: State = State.RECEIVED
    service: str | None = None
    message_type: str | None = None
    release: str | None = None  # e.g. "iwmo/3_2"
    direction: Direction | None = None
    bericht_code: str | None = None
    recipient: str | None = None
    identity_party: str | None = None  # Afzender, or Aanbieder for a release 2.3 declaratie
    identificatie: str | None = None
    dagtekening: date | None = None
    retour_identificatie: str | None = None
    retour_dagtekening: date | None = None
    retour_codes: list[str] = field(default_factory=list)
    xsd_versie: str | None = None
    schema_set_id: str | None = None
    dedup_key: str | None = None
    link_key: str | None = None
    heen_id: str | None = None
    retour_id: str | None = None
    heen_unknown: bool = False
    reject_code: str | None = None
    reject_detail: str | None = None
    reject_line: int | None = None
    reject_column: int | None = None
    source_ref: str | None = None
    downloaded_at: datetime | None = None


@dataclass(frozen=True)
class Freeze:
    message_type: str
    since: datetime
    until: datetime | None = None
    reason: str | None = None

    def active_at(self, moment: datetime) -> bool:
        if moment < self.since:
            return False
        return self.until is None or moment < self.until


@dataclass(frozen=True)
class SchemaSet:
    """One imported XSD release set; ``namespaces`` are its message namespaces."""

    id: str
    imported_at: datetime
    source: str
    namespaces: tuple[str, ...]
    sha256: str


@dataclass(frozen=True)
class Delivery:
    """A message waiting to be handed to the recipient through a push channel."""

    id: str
    message_id: str
    recipient: str
    channel: Channel
    attempts: int = 0
