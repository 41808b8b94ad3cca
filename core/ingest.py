"""The message flow: a file handed in is checked, routed and delivered, or rejected with a code.

    submit_many(principal, submissions)
      for each file:  stage bytes -> sniff root -> find message type -> freeze?
                      -> validate against the active XSD while reading the header
                      -> check sender, enrolment, plugin rules -> resolve recipient
                      -> duplicate? -> link retour to heen
      one commit for the batch (group commit), then the outcomes, then the observers

No outcome reports "accepted" before the commit that stores its rows and bytes has returned.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from dataclasses import dataclass, field
from typing import BinaryIO

import structlog

from core import codes
from core.errors import Rejected
from core.header import Header
from core.identity.audit import AuditLog, Upload
from core.ingest_rules import Examined, Recognised, RuleBook
from core.model import Channel, Delivery, Event, Message, State
from core.plugins import PluginHost, Routed
from core.ports import Acceptance, Clock, PayloadStore, PayloadTooLarge, Rejection, StagedPayload, Store, StoredPayload
from core.principal import Principal
from core.schemas import ActiveSchema, SchemaCatalog
from core.tracking import Timeline
from core.xmlread import Sniffed, check_prolog, header_of, parse_small, read_message, root_name, sniff, validate_small

log = structlog.get_logger(__name__)

DEFAULT_MAX_SIZE = 26_214_400
PUSH_CHANNELS = (Channel.FILEDROP, Channel.WEBSERVICE)


@dataclass(frozen=True)
class IngestSettings:
    max_size: int = DEFAULT_MAX_SIZE
    validation: str = "full"  # "full": an XSD is required; "header": header-only without one
    stream_threshold: int = 2 * 1024 * 1024  # larger files are validated by a streaming reader


@dataclass
class Submission:
    """One file handed in.

    ``source_ref`` makes a retried hand-in idempotent: the same organisation handing in
    the same reference again gets the first outcome back. References are scoped per
    sending organisation, so another organisation's equal reference is a new hand-in.
    """

    stream: BinaryIO
    filename: str | None = None
    declared_size: int | None = None
    source_ref: str | None = None


@dataclass
class Outcome:
    message_id: str
    status: str  # "accepted" or "rejected"
    filename: str | None = None
    code: str | None = None
    detail: str | None = None
    line: int | None = None
    column: int | None = None
    message_type: str | None = None
    recipient: str | None = None
    heen_id: str | None = None
    heen_unknown: bool = False
    params: dict = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def as_dict(self) -> dict:
        return {
            "message_id": self.message_id,
            "file": self.filename,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
            "line": self.line,
            "column": self.column,
            "message_type": self.message_type,
            "recipient": self.recipient,
            "heen_id": self.heen_id,
            "heen_unknown": self.heen_unknown,
        }


@dataclass
class _Pending:
    submission: Submission
    message: Message
    timeline: Timeline
    staged: StagedPayload | None = None
    examined: Examined | None = None
    rejected: Rejected | None = None
    existing: Message | None = None
    recognised: Recognised | None = None


class IngestService:
    def __init__(
        self,
        store: Store,
        payloads: PayloadStore,
        plugins: PluginHost,
        catalog: SchemaCatalog,
        clock: Clock,
        settings: IngestSettings | None = None,
        audit: AuditLog | None = None,
    ):
        self._store = store
        self._payloads = payloads
        self._plugins = plugins
        self._catalog = catalog
        self._clock = clock
        self.settings = settings or IngestSettings()
        self._audit = audit

    def submit(self, principal: Principal, submission: Submission) -> Outcome:
        return self.submit_many(principal, [submission])[0]

    def submit_many(self, principal: Principal, submissions: list[Submission]) -> list[Outcome]:
        """Ingest a batch under one commit and return one outcome per submission, in order."""
        rules = RuleBook(self._store, self._plugins, self._clock)
        self._catalog.refresh()
        pending = [self._examine(rules, principal, submission) for submission in submissions]
        self._link_within_batch(pending)
        self._commit(rules, pending)
        self._audit_uploads(principal, pending)
        self._notify_observers(pending)
        return [self._outcome(item) for item in pending]

    # -- per file ----------------------------------------------------------------------

    def _examine(self, rules: RuleBook, principal: Principal, submission: Submission) -> _Pending:
        now = self._clock.now()
        message = Message(
            id=str(uuid.uuid4()), received_at=now, channel=principal.channel,
            sender=principal.organisation, filename=submission.filename,
            source_ref=_scoped_reference(principal, submission.source_ref),
        )
        item = _Pending(submission, message, Timeline(message.id, now, principal.describe()))
        if message.source_ref:
            item.existing = self._store.find_by_source_ref(message.source_ref)
            if item.existing is not None:
                return item
        try:
            self._read_and_check(rules, principal, item)
        except Rejected as rejection:
            item.rejected = rejection
        return item

    def _read_and_check(self, rules: RuleBook, principal: Principal, item: _Pending) -> None:
        sender = rules.sending_organisation(principal)
        item.message.sender = sender.code
        item.staged, content = self._stage(item.submission)
        item.message.payload_hash = item.staged.sha256
        item.message.size = item.staged.size

        if content is not None:
            header = self._check_small(rules, item, content)
        else:
            header = self._check_large(rules, item)
        item.examined = rules.examine(principal, sender, item.recognised, header, item.staged)
        note = None if item.message.schema_set_id else "header checked only: no XSD installed for this release"
        item.timeline.step(State.VALIDATED, self._clock.now(), detail=note)
        self._apply(item.message, item.examined)

    def _check_small(self, rules: RuleBook, item: _Pending, content: bytes) -> Header:
        """Parse a file held in memory once: prolog, tree, type, freeze, XSD, header."""
        check_prolog(io.BytesIO(content))
        tree = parse_small(content)
        item.recognised = self._recognise(rules, item.message, root_name(tree))
        found = self._active_schema(item.message, item.recognised)
        if found is not None:
            validate_small(content, tree, found.schema)
        return header_of(tree, item.recognised.namespace)

    def _check_large(self, rules: RuleBook, item: _Pending) -> Header:
        """Find the type from the first bytes, then validate the file with the streaming reader."""
        with item.staged.open() as stream:
            sniffed = sniff(stream)
        item.recognised = self._recognise(rules, item.message, sniffed)
        found = self._active_schema(item.message, item.recognised)
        return read_message(
            item.staged.path, item.recognised.namespace, found.schema if found else None,
            xsd_path=found.xsd_path() if found else None, stream_threshold=0,
        )

    def _stage(self, submission: Submission) -> tuple[StagedPayload, bytes | None]:
        """Stage the bytes; return a copy of them too when the file is small enough to parse in memory."""
        limit = self.settings.max_size
        if submission.declared_size is not None and submission.declared_size > limit:
            raise _too_large(submission.declared_size, limit)
        recorder = _Recorder(submission.stream, self.settings.stream_threshold)
        try:
            staged = self._payloads.stage(recorder, limit)
        except PayloadTooLarge:
            raise _too_large(None, limit) from None
        if staged.size == 0:
            self._payloads.discard(staged)
            raise Rejected(codes.GGK001, "the file is empty")
        return staged, staged.content if staged.content is not None else recorder.content()

    def _recognise(self, rules: RuleBook, message: Message, sniffed: Sniffed) -> Recognised:
        recognised = rules.recognise(sniffed)
        message.service = recognised.message_type.service
        message.message_type = recognised.message_type.code
        message.release = recognised.namespace.release_key
        message.direction = recognised.message_type.direction
        rules.refuse_frozen(recognised.message_type, self._clock.now())
        return recognised

    def _active_schema(self, message: Message, recognised: Recognised) -> ActiveSchema | None:
        found = self._catalog.schema_for(recognised.namespace.namespace, refresh=False)
        if found is None and self.settings.validation != "header":
            label = recognised.namespace.release_label
            raise Rejected(
                codes.GGK005,
                f"no schema release is installed for {label} ({recognised.namespace.namespace}); "
                f"an operator imports it with 'ggk schemas import'",
                params={"release": label, "namespace": recognised.namespace.namespace},
            )
        message.schema_set_id = found.schema_set_id if found else None
        return found

    def _apply(self, message: Message, examined: Examined) -> None:
        message.bericht_code = examined.bericht_code
        message.identity_party = examined.identity_party
        message.identificatie = examined.identificatie
        message.dagtekening = examined.dagtekening
        message.retour_identificatie = examined.retour_identificatie
        message.retour_dagtekening = examined.retour_dagtekening
        message.retour_codes = list(examined.retour_codes)
        message.xsd_versie = examined.xsd_versie
        message.dedup_key = examined.dedup_key
        message.link_key = examined.link_key
        message.recipient = examined.recipient
        if examined.heen is not None:
            message.heen_id = examined.heen.id
        message.heen_unknown = examined.is_retour and examined.heen is None

    # -- batch -------------------------------------------------------------------------

    def _link_within_batch(self, pending: list[_Pending]) -> None:
        """Link a retour to a heen handed in earlier in the same batch, not yet committed."""
        heens = {
            p.message.link_key: p for p in pending
            if p.examined and not p.examined.is_retour and p.rejected is None and p.existing is None
        }
        for item in pending:
            examined = item.examined
            if not examined or not examined.is_retour or examined.heen is not None or item.rejected:
                continue
            heen = heens.get(item.message.link_key)
            if heen is not None:
                item.message.heen_id = heen.message.id
                item.message.heen_unknown = False
                item.message.recipient = heen.message.sender

    def _commit(self, rules: RuleBook, pending: list[_Pending]) -> None:
        accepting = [p for p in pending if p.rejected is None and p.existing is None]
        if accepting:
            results = self._store.accept([self._acceptance(p) for p in accepting])
            for item, result in zip(accepting, results):
                if result == "duplicate":
                    item.rejected = rules.duplicate_rejection(item.message)
                    item.timeline = Timeline(item.message.id, item.message.received_at, item.timeline.actor)
        rejections = [self._rejection(p) for p in pending if p.rejected is not None and p.existing is None]
        if rejections:
            self._store.record_rejections(rejections)
        for item in pending:
            if item.staged is not None:
                self._payloads.discard(item.staged)

    def _acceptance(self, item: _Pending) -> Acceptance:
        now = self._clock.now()
        message = item.message
        item.timeline.step(State.ROUTED, now, detail=f"recipient {message.recipient}")
        item.timeline.step(State.DELIVERED, now, detail=f"mailbox of {message.recipient}")
        message.status = State.DELIVERED
        heen_event = None
        if message.heen_id:
            heen_event = _retour_event(message, now, item.timeline.actor)
        return Acceptance(
            message=message,
            events=list(item.timeline.events),
            staged=item.staged,
            deliveries=self._deliveries(message, item.examined),
            heen_event=heen_event,
        )

    def _deliveries(self, message: Message, examined: Examined) -> list[Delivery]:
        channels = examined.recipient_channels
        return [
            Delivery(id=str(uuid.uuid4()), message_id=message.id, recipient=message.recipient, channel=channel)
            for channel in PUSH_CHANNELS if channel in channels
        ]

    def _rejection(self, item: _Pending) -> Rejection:
        rejected = item.rejected
        message = item.message
        message.status = State.REJECTED
        message.dedup_key = None
        message.reject_code = rejected.code
        message.reject_detail = rejected.detail
        message.reject_line = rejected.line
        message.reject_column = rejected.column
        item.timeline.events.append(
            Event(message.id, self._clock.now(), State.REJECTED, code=rejected.code,
                  detail=rejected.detail, actor=item.timeline.actor)
        )
        log.info("message_rejected", message_id=message.id, code=rejected.code, sender=message.sender,
                 message_type=message.message_type, channel=message.channel.value)
        return Rejection(message=message, events=list(item.timeline.events), staged=item.staged)

    def _audit_uploads(self, principal: Principal, pending: list[_Pending]) -> None:
        """Record every new message of the batch in the audit log; a resent source reference is not new."""
        if self._audit is None:
            return
        uploads = [
            Upload(item.message.id, item.message.sender, item.message.service,
                   "rejected" if item.message.status == State.REJECTED else "accepted")
            for item in pending if item.existing is None
        ]
        self._audit.record_uploads(principal, uploads)

    def _notify_observers(self, pending: list[_Pending]) -> None:
        routed = []
        for item in pending:
            if item.rejected is not None or item.existing is not None:
                continue
            log.info("message_accepted", message_id=item.message.id, message_type=item.message.message_type,
                     sender=item.message.sender, recipient=item.message.recipient,
                     heen_id=item.message.heen_id, channel=item.message.channel.value)
            in_memory = item.staged is not None and item.staged.content is not None
            payload = item.staged if in_memory else StoredPayload(item.message.payload_hash, self._payloads)
            routed.append(Routed(item.message, item.examined.header, payload))
        self._plugins.messages_routed(routed)

    def _outcome(self, item: _Pending) -> Outcome:
        message = item.existing or item.message
        if message.status == State.REJECTED:
            return Outcome(
                message.id, "rejected", message.filename, message.reject_code, message.reject_detail,
                message.reject_line, message.reject_column, message.message_type, message.recipient,
                params=dict(item.rejected.params) if item.rejected else {},
            )
        return Outcome(
            message.id, "accepted", message.filename, message_type=message.message_type,
            recipient=message.recipient, heen_id=message.heen_id, heen_unknown=message.heen_unknown,
        )


class _Recorder:
    """Pass reads through and keep a copy of the bytes, until they exceed ``capacity``."""

    def __init__(self, stream: BinaryIO, capacity: int):
        self._stream = stream
        self._capacity = capacity
        self._kept: bytearray | None = bytearray()

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if self._kept is not None:
            if len(self._kept) + len(data) > self._capacity:
                self._kept = None
            else:
                self._kept += data
        return data

    def content(self) -> bytes | None:
        return bytes(self._kept) if self._kept is not None else None


def _scoped_reference(principal: Principal, reference: str | None) -> str | None:
    if not reference:
        return None
    return f"{principal.organisation or '-'}|{reference}"


def _too_large(size: int | None, limit: int) -> Rejected:
    shown = f"{size} bytes" if size is not None else f"more than {limit} bytes"
    return Rejected(codes.IB007, f"the file is {shown}; the maximum is {limit} bytes",
                    params={"size": size, "limit": limit})


def _retour_event(message: Message, at: datetime, actor: str | None) -> Event:
    return Event(message.heen_id, at, State.RETOUR_RECEIVED, detail=f"retour {message.id}", actor=actor)
