"""Reliable sending: core messages pushed to organisations' software, Fo01s and signals.

A pass (``run_once``) claims due webservice deliveries from core (``claim_deliveries``)
and due Fo01 and signal items from the outbox, and sends each once:

    no active CPA for the recipient               failed attempt (NO_AGREEMENT policy)
    transport error, timeout, HTTP status not 2xx failed attempt, next one after RetryInterval
    MessageError DeliveryFailure or Unknown       failed attempt
    any other MessageError                        undeliverable at once: a resend would fail alike
    synchronous Acknowledgment                    pushed
    2xx and no acknowledgement requested          pushed
    2xx and an asynchronous acknowledgement due   waits: the claim's lease (ack_wait_seconds plus
                                                  http_timeout) keeps other workers off, and the
                                                  Acknowledgment arriving at the endpoint completes it

A delivery that comes back unacknowledged counts as a failed attempt and is sent again,
with its original MessageId, once RetryInterval has passed since the last send. After
Retries resends, or once PersistDuration has passed since the first, it is undeliverable:
it stays in the recipient's mailbox, the message's history records UNDELIVERABLE, an
alert is stored for the organisation and the operator, and a warning is logged.

Each attempt is one event in the message's history: PUSHED, PUSH_FAILED or UNDELIVERABLE.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from adapters.soap.agreement import NO_AGREEMENT, Agreement, CpaDirectory, Reliability
from adapters.soap.config import DigikoppelingConfig
from adapters.soap.delivery import DeliveryBuilder, action_of
from adapters.soap.ebms.builders import new_message_id
from adapters.soap.ebms.errors import EbmsError
from adapters.soap.ebms.mime import SOAP_ACTION
from adapters.soap.ports import EbmsStore, OutboxItem, OutboxKind, OutboxState
from adapters.soap.receipts import Answer, give_up, read_answer
from adapters.soap.sender import EbmsSender
from core.cpa.generator import GGK_SERVICE
from core.model import Channel, Delivery, Event, State
from core.ports import Clock, Store

log = structlog.get_logger(__name__)

SIGNAL_ATTEMPTS = 3  # an Acknowledgment that cannot be sent is not worth more: the sender resends its message
SIGNAL_RETRY = timedelta(minutes=1)


@dataclass
class Pass:
    """Counts of one pass, for ``ggk digikoppeling send-once`` and the logs."""

    pushed: int = 0
    failed: int = 0
    waiting: int = 0
    undeliverable: int = 0
    signals: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.pushed or self.failed or self.waiting or self.undeliverable or self.signals)


class OutboundWorker:
    def __init__(self, store: Store, ebms: EbmsStore, directory: CpaDirectory, builder: DeliveryBuilder,
                 sender: EbmsSender, clock: Clock, config: DigikoppelingConfig, worker_id: str | None = None):
        self._store = store
        self._ebms = ebms
        self._directory = directory
        self._builder = builder
        self._sender = sender
        self._clock = clock
        self._config = config
        self.worker_id = worker_id or f"digikoppeling-{uuid.uuid4().hex[:8]}"
        self._lock = threading.Lock()

    @property
    def lease_seconds(self) -> int:
        return int(self._config.ack_wait_seconds + self._config.http_timeout) + 1

    def run_once(self) -> Pass:
        """Claim what is due, send it and return the counts."""
        result = Pass()
        now = self._clock.now()
        deliveries = self._store.claim_deliveries(Channel.WEBSERVICE, self.worker_id, now, self.lease_seconds,
                                                  self._config.batch_size)
        items = self._ebms.claim_outbox(self.worker_id, now, self.lease_seconds, self._config.batch_size)
        with ThreadPoolExecutor(max_workers=max(1, self._config.batch_size)) as pool:
            for outcome in pool.map(self._deliver_safely, deliveries):
                self._count(result, outcome)
            for outcome in pool.map(self._send_item_safely, items):
                self._count(result, outcome)
        return result

    def run(self, stop: threading.Event) -> None:
        """Run passes until ``stop`` is set; pause ``poll_seconds`` after a pass that found nothing."""
        log.info("digikoppeling_outbound_started", worker=self.worker_id)
        while not stop.is_set():
            try:
                busy = self.run_once().busy
            except Exception:  # a database outage must not end the worker; the next pass tries again
                log.exception("digikoppeling_outbound_pass_failed", worker=self.worker_id)
                busy = False
            if not busy:
                stop.wait(self._config.poll_seconds)
        log.info("digikoppeling_outbound_stopped", worker=self.worker_id)

    def _count(self, result: Pass, outcome: str) -> None:
        with self._lock:
            setattr(result, outcome, getattr(result, outcome) + 1)

    # -- deliveries of core messages ----------------------------------------------------

    def _deliver_safely(self, delivery: Delivery) -> str:
        try:
            return self._deliver(delivery)
        except Exception:  # one broken message must not stop the others; its lease runs out and it comes back
            log.exception("digikoppeling_delivery_crashed", message_id=delivery.message_id,
                          organisation=delivery.recipient, delivery_id=delivery.id)
            return "failed"

    def _deliver(self, delivery: Delivery) -> str:
        now = self._clock.now()
        message = self._store.get_message(delivery.message_id)
        item = self._ebms.delivery_item(OutboxItem(
            id=delivery.id, kind=OutboxKind.DELIVERY, organisation=delivery.recipient, created_at=now,
            message_id=delivery.message_id, ebms_message_id=new_message_id(self._config.host),
            conversation_id=str(uuid.uuid4()), stamped_at=now,
        ))
        if item.state == OutboxState.ACKNOWLEDGED:
            self._complete(delivery, State.PUSHED, f"acknowledged earlier as MessageId {item.ebms_message_id}")
            return "pushed"
        agreement = self._directory.for_organisation(delivery.recipient, now)
        policy = agreement.reliability(GGK_SERVICE, action_of(message)) if agreement else NO_AGREEMENT

        if item.state == OutboxState.SENT:
            waiting = self._unacknowledged(delivery, item, policy, now)
            if waiting is not None:
                return waiting
        if agreement is None:
            return self._failed(delivery, item, policy, now, f"organisation {delivery.recipient} has no active CPA")
        return self._attempt(delivery, item, message, agreement, policy)

    def _unacknowledged(self, delivery: Delivery, item: OutboxItem, policy: Reliability, now: datetime) -> str | None:
        """Handle a delivery whose last send got no acknowledgement; return None when it is due for a resend."""
        detail = f"no acknowledgement of attempt {item.sends} (MessageId {item.ebms_message_id})"
        if policy.gives_up(item.sends, item.first_sent_at, now):
            return self._undeliverable(delivery, item, now, detail)
        retry_at = item.last_sent_at + policy.retry_interval
        if retry_at > now:
            self._store.retry_delivery(delivery.id, retry_at, self._event(delivery, State.PUSH_FAILED,
                                       f"{detail}; next attempt at {retry_at.isoformat()}"))
            return "failed"
        self._store.add_event(self._event(delivery, State.PUSH_FAILED, f"{detail}; sending it again"))
        return None

    def _attempt(self, delivery: Delivery, item: OutboxItem, message, agreement: Agreement,
                 policy: Reliability) -> str:
        endpoint = agreement.endpoint()
        try:
            packaged = self._builder.build(item, message, agreement)
        except EbmsError as error:
            return self._undeliverable(delivery, item, self._clock.now(), f"CPA {agreement.cpa.cpaid}: {error.detail}")
        if endpoint is None:
            return self._failed(delivery, item, policy, self._clock.now(), f"CPA {agreement.cpa.cpaid} names no endpoint")

        result = self._sender.post(endpoint, packaged.headers, packaged.body)
        now = self._clock.now()
        answer = self._answer(result, item, agreement, policy)
        log.info("digikoppeling_sent", message_id=delivery.message_id, organisation=delivery.recipient,
                 ebms_message_id=item.ebms_message_id, cpa_id=agreement.cpa.cpaid, attempt=item.sends + 1,
                 status=result.status, answer=answer.kind)
        return self._settle(delivery, item, policy, now, answer, agreement.cpa.cpaid)

    def _answer(self, result, item: OutboxItem, agreement: Agreement, policy: Reliability) -> Answer:
        """Read a synchronous reply; a signed Acknowledgment must verify with the organisation's certificate."""
        signals = agreement.incoming_signals()
        return read_answer(result, item.ebms_message_id, signals.signing_certificate,
                           signed=policy.ack_signed and policy.sync_reply)

    def _settle(self, delivery: Delivery, item: OutboxItem, policy: Reliability, now: datetime, answer: Answer,
                cpa_id: str) -> str:
        if answer.kind == "acknowledged" or (answer.kind == "accepted" and not policy.ack_requested):
            state = OutboxState.ACKNOWLEDGED if answer.kind == "acknowledged" else OutboxState.DONE
            self._ebms.record_send(item.id, now, None, state, None)
            how = "acknowledged" if state == OutboxState.ACKNOWLEDGED else "accepted; no acknowledgement requested"
            self._complete(delivery, State.PUSHED, f"{how} as MessageId {item.ebms_message_id} under CPA {cpa_id}")
            return "pushed"
        if answer.kind == "accepted":
            self._ebms.record_send(item.id, now, None, OutboxState.SENT, None)
            return "waiting"
        updated = self._ebms.record_send(item.id, now, answer.detail, OutboxState.PENDING, None)
        if answer.permanent:
            return self._undeliverable(delivery, updated, now, answer.detail)
        return self._failed(delivery, updated, policy, now, answer.detail, counted=True)

    def _failed(self, delivery: Delivery, item: OutboxItem, policy: Reliability, now: datetime, detail: str,
                counted: bool = False) -> str:
        if not counted:
            item = self._ebms.record_send(item.id, now, detail, OutboxState.PENDING, None)
        if policy.gives_up(item.sends, item.first_sent_at, now):
            return self._undeliverable(delivery, item, now, detail)
        retry_at = now + policy.retry_interval
        log.warning("digikoppeling_delivery_failed", message_id=delivery.message_id, organisation=delivery.recipient,
                    ebms_message_id=item.ebms_message_id, attempt=item.sends, retry_at=retry_at.isoformat(),
                    error=detail)
        self._store.retry_delivery(delivery.id, retry_at, self._event(
            delivery, State.PUSH_FAILED, f"attempt {item.sends} failed: {detail}; next attempt at {retry_at.isoformat()}"))
        return "failed"

    def _undeliverable(self, delivery: Delivery, item: OutboxItem, now: datetime, detail: str) -> str:
        give_up(self._store, self._ebms, item, now, detail, self._actor)
        return "undeliverable"

    def _complete(self, delivery: Delivery, state: State, detail: str) -> None:
        self._store.complete_delivery(delivery.id, self._event(delivery, state, detail))

    @property
    def _actor(self) -> str:
        return f"digikoppeling:{self.worker_id}"

    def _event(self, delivery: Delivery, state: State, detail: str) -> Event:
        return Event(delivery.message_id, self._clock.now(), state, detail=detail, actor=self._actor)

    # -- Fo01s and signals ----------------------------------------------------------------

    def _send_item_safely(self, item: OutboxItem) -> str:
        try:
            return self._send_item(item)
        except Exception:  # the item's lease runs out and a later pass tries again
            log.exception("digikoppeling_item_crashed", ebms_message_id=item.ebms_message_id, kind=item.kind.value)
            return "failed"

    def _send_item(self, item: OutboxItem) -> str:
        now = self._clock.now()
        agreement = self._directory.for_message(item.cpa_id) or self._directory.for_organisation(item.organisation, now)
        if item.kind == OutboxKind.SIGNAL:
            return self._send_signal(item, agreement, now)

        policy = agreement.reliability(GGK_SERVICE, "Fo01") if agreement else NO_AGREEMENT
        if item.sends and policy.gives_up(item.sends, item.first_sent_at, now):
            return self._give_up(item, now, item.last_error or "no acknowledgement")
        endpoint = agreement.endpoint() if agreement else None
        if endpoint is None:
            self._ebms.record_send(item.id, now, "no active CPA with an endpoint", OutboxState.PENDING,
                                   now + policy.retry_interval)
            return "failed"
        result = self._sender.post(endpoint, _headers(item), item.body)
        answer = self._answer(result, item, agreement, policy)
        now = self._clock.now()
        if answer.kind == "acknowledged" or (answer.kind == "accepted" and not policy.ack_requested):
            state = OutboxState.ACKNOWLEDGED if answer.kind == "acknowledged" else OutboxState.DONE
            self._ebms.record_send(item.id, now, None, state, None)
            return "pushed"
        if answer.permanent:
            return self._give_up(item, now, answer.detail)
        state = OutboxState.SENT if answer.kind == "accepted" else OutboxState.PENDING
        self._ebms.record_send(item.id, now, answer.detail or None, state, now + policy.retry_interval)
        return "waiting" if answer.kind == "accepted" else "failed"

    def _send_signal(self, item: OutboxItem, agreement: Agreement | None, now: datetime) -> str:
        endpoint = agreement.endpoint() if agreement else None
        answer = read_answer(self._sender.post(endpoint, _headers(item), item.body), None) if endpoint else None
        if answer is not None and answer.kind in ("accepted", "acknowledged"):
            self._ebms.record_send(item.id, self._clock.now(), None, OutboxState.DONE, None)
            return "signals"
        error = answer.detail if answer else f"no active CPA with an endpoint for {item.organisation}"
        if item.sends + 1 >= SIGNAL_ATTEMPTS:
            self._ebms.fail(item.id, now, error, None)
            log.warning("digikoppeling_signal_dropped", ebms_message_id=item.ebms_message_id,
                        ref_to_message_id=item.ref_to_message_id, organisation=item.organisation, error=error)
            return "failed"
        self._ebms.record_send(item.id, now, error, OutboxState.PENDING, now + SIGNAL_RETRY)
        return "failed"

    def _give_up(self, item: OutboxItem, now: datetime, detail: str) -> str:
        give_up(self._store, self._ebms, item, now, detail, self._actor)
        return "undeliverable"


def _headers(item: OutboxItem) -> dict[str, str]:
    return {"Content-Type": item.content_type, "SOAPAction": SOAP_ACTION}
