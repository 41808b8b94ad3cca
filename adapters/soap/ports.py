"""The storage the Digikoppeling adapter needs, and the records it keeps.

    EbmsStore
      inbound     one record per received message (duplicate elimination, StatusRequest)
      references  StUF referentienummers per zender (IB216, crossRefnummer links)
      outbox      what the hub sends: deliveries of core messages, Fo01s and signals
      settings    the StUF version per organisation
      alerts      messages that could not be delivered over the webservice

``adapters.storage.ebms_store.SqlEbmsStore`` implements it on SQLite and PostgreSQL; the
contract tests are in tests/digikoppeling/test_ebms_store.py.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from datetime import datetime

# The longest ebMS MessageId or CPAId the hub stores; the endpoint refuses longer ones.
MAX_ID_LENGTH = 255


class InboundState(str, enum.Enum):
    """The endpoint stores a received message once it processed it, so stored records are PROCESSED;
    RECEIVED is the state of a record being processed, which StatusResponse reports as Received."""

    RECEIVED = "received"
    PROCESSED = "processed"  # a resend gets the same answer


@dataclass(frozen=True)
class InboundRecord:
    """A received ebMS message, keyed by its CPAId and MessageId.

    ``content_sha256`` covers what makes two messages the same message (see
    ``adapters.soap.inbound.content_hash``), so a resend matches and a reused MessageId
    with other content does not.

    NOTE: records are never purged. ebMS needs them for at least the CPA's
    PersistDuration; deleting older ones is not built yet.
    """

    cpa_id: str
    message_id: str
    organisation: str
    service: str
    action: str
    content_sha256: str
    received_at: datetime
    state: InboundState = InboundState.RECEIVED
    core_message_id: str | None = None
    fo01_code: str | None = None
    processed_at: datetime | None = None


@dataclass(frozen=True)
class StufReference:
    """A StUF referentienummer used by ``organisation`` (the zender), and the message it carried.

    ``direction`` is ``in`` for an envelope the hub received and ``out`` for one the hub
    made. ``heen_message_id`` is the heenbericht a Du01's crossRefnummer points to.
    """

    organisation: str
    referentienummer: str
    direction: str
    created_at: datetime
    message_id: str | None = None
    ebms_message_id: str | None = None
    cross_refnummer: str | None = None
    heen_message_id: str | None = None


class OutboxKind(str, enum.Enum):
    DELIVERY = "delivery"  # a core message pushed to its recipient; scheduled by core's delivery lease
    FO01 = "fo01"  # a StUF Fo01 answering a refused envelope
    SIGNAL = "signal"  # an asynchronous Acknowledgment, Pong or StatusResponse


class OutboxState(str, enum.Enum):
    PENDING = "pending"  # due for its first attempt, or for the next one after a failed attempt
    SENT = "sent"  # sent and accepted by the receiver, waiting for its acknowledgement
    ACKNOWLEDGED = "acknowledged"  # the receiver acknowledged it
    DONE = "done"  # sent; no acknowledgement was requested
    FAILED = "failed"  # given up; an alert was raised


FINISHED = frozenset({OutboxState.ACKNOWLEDGED, OutboxState.DONE, OutboxState.FAILED})


@dataclass(frozen=True)
class OutboxItem:
    """One message the hub sends. ``ebms_message_id`` never changes once set, so a resend
    after a failure or a restart carries the same MessageId and the receiver's duplicate
    elimination holds.

    Fo01s and signals carry their packaged HTTP message in ``content_type`` and ``body``.
    A delivery is rebuilt for every attempt from the core message and the fixed values
    stored here (MessageId, ConversationId, ``stamped_at``), so it comes out the same.
    """

    id: str
    kind: OutboxKind
    organisation: str
    created_at: datetime
    state: OutboxState = OutboxState.PENDING
    cpa_id: str | None = None
    message_id: str | None = None
    ebms_message_id: str | None = None
    ref_to_message_id: str | None = None
    conversation_id: str | None = None
    stamped_at: datetime | None = None
    content_type: str | None = None
    body: bytes | None = None
    sends: int = 0
    first_sent_at: datetime | None = None
    last_sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    last_error: str | None = None
    due_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


@dataclass(frozen=True)
class Alert:
    """Something an operator and the organisation must act on, such as an undeliverable message."""

    id: str
    at: datetime
    organisation: str
    kind: str
    detail: str
    message_id: str | None = None
    ebms_message_id: str | None = None


@dataclass(frozen=True)
class Finish:
    """The writes of one processed inbound message, committed in one transaction."""

    cpa_id: str
    message_id: str
    at: datetime
    core_message_id: str | None = None
    fo01_code: str | None = None
    reference: StufReference | None = None  # the envelope's referentienummer, with the core message it carried
    outbox: tuple[OutboxItem, ...] = ()


class EbmsStore(abc.ABC):
    # -- inbound ------------------------------------------------------------------------

    @abc.abstractmethod
    def find_inbound(self, cpa_id: str, message_id: str) -> InboundRecord | None: ...

    @abc.abstractmethod
    def find_inbound_elsewhere(self, cpa_id: str, message_id: str) -> bool:
        """Return whether a message with this MessageId was received under another CPA."""

    @abc.abstractmethod
    def finish_inbound(self, record: InboundRecord, finish: Finish) -> StufReference | None:
        """Store ``record`` as processed and write ``finish``, in one transaction.

        Outbox items whose MessageId is stored already are skipped, so finishing twice
        queues nothing twice. When the zender's referentienummer is stored already for
        another ebMS message, that reference is kept and returned; else None.
        """

    # -- references ---------------------------------------------------------------------

    @abc.abstractmethod
    def find_reference(self, organisation: str, referentienummer: str) -> StufReference | None: ...

    @abc.abstractmethod
    def references_to(self, referentienummer: str) -> list[StufReference]:
        """Return every reference with this referentienummer, of any zender, oldest first."""

    @abc.abstractmethod
    def reference_of_message(self, message_id: str) -> StufReference | None:
        """Return the referentienummer the core message travelled under, if it has one."""

    @abc.abstractmethod
    def add_reference(self, reference: StufReference) -> StufReference:
        """Store a reference for ``reference.message_id`` unless that message has one; return the stored one."""

    # -- outbox -------------------------------------------------------------------------

    @abc.abstractmethod
    def delivery_item(self, item: OutboxItem) -> OutboxItem:
        """Insert the outbox item of a core delivery unless its id exists; return the stored item."""

    @abc.abstractmethod
    def get_item(self, item_id: str) -> OutboxItem | None: ...

    @abc.abstractmethod
    def queue_again(self, item: OutboxItem, at: datetime) -> None:
        """Insert a Fo01 or signal item; when its MessageId is stored, make that item due again at ``at``.

        A resent message gets its original reply again this way, with the original MessageId.
        """

    @abc.abstractmethod
    def claim_outbox(self, worker: str, now: datetime, lease_seconds: int, limit: int) -> list[OutboxItem]:
        """Lease due, unfinished Fo01 and signal items to ``worker``, oldest due first."""

    @abc.abstractmethod
    def record_send(self, item_id: str, at: datetime, error: str | None, state: OutboxState,
                    due_at: datetime | None) -> OutboxItem:
        """Count one send attempt at ``at``, set the state and the next due time, and release the lease."""

    @abc.abstractmethod
    def acknowledge(self, ebms_message_id: str, at: datetime) -> OutboxItem | None:
        """Mark the item with this MessageId acknowledged; return it, or None when no item has it."""

    @abc.abstractmethod
    def fail(self, item_id: str, at: datetime, error: str, alert: Alert | None) -> OutboxItem:
        """Give the item up and store ``alert`` in the same transaction."""

    @abc.abstractmethod
    def find_by_ebms_id(self, ebms_message_id: str) -> OutboxItem | None: ...

    # -- settings and alerts ------------------------------------------------------------

    @abc.abstractmethod
    def stuf_version(self, organisation: str) -> str | None:
        """Return the StUF version configured for the organisation, or None for the hub's default."""

    @abc.abstractmethod
    def set_stuf_version(self, organisation: str, version: str | None, at: datetime, actor: str) -> None:
        """Set the organisation's StUF version; None removes the override."""

    @abc.abstractmethod
    def add_alert(self, alert: Alert) -> None: ...

    @abc.abstractmethod
    def alerts(self, organisation: str | None = None, limit: int = 100) -> list[Alert]:
        """Return the newest alerts first, of one organisation or of all."""
