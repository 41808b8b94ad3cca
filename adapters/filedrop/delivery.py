"""Delivery: write messages for file-drop recipients into their in/ folder.

Each file is written to .ggk/tmp/, synced and renamed into in/ as
``<MESSAGETYPE>_<message id>.xml``, so in/ never shows a partial file and a delivery
done again after a crash writes the same name instead of a second copy.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from adapters.filedrop.files import write_atomically
from adapters.filedrop.layout import OrgFolders, is_valid_code
from adapters.filedrop.passreport import PassReport
from core.model import Channel, Delivery, Event, Message, State
from core.ports import Clock, PayloadStore, Store

log = structlog.get_logger(__name__)

PUSHED_DETAIL = "file drop in/"


class DeliveryFailed(Exception):
    """A delivery cannot be written now; it is put back for a later attempt."""


def delivery_name(message: Message) -> str:
    return f"{message.message_type or 'BERICHT'}_{message.id}.xml"


class Deliverer:
    def __init__(
        self, store: Store, payloads: PayloadStore, clock: Clock, root, worker_id: str, lease_seconds: int,
        batch_size: int, retry_base_seconds: float, retry_max_seconds: float, max_attempts: int,
    ):
        self._store = store
        self._payloads = payloads
        self._clock = clock
        self._root = root
        self._worker_id = worker_id
        self._lease_seconds = lease_seconds
        self._batch_size = batch_size
        self._retry_base_seconds = retry_base_seconds
        self._retry_max_seconds = retry_max_seconds
        self._max_attempts = max_attempts

    @property
    def actor(self) -> str:
        return f"filedrop:{self._worker_id}"

    def deliver_due(self, report: PassReport) -> None:
        """Lease up to one batch of due file-drop deliveries and write each to its recipient."""
        deliveries = self._store.claim_deliveries(
            Channel.FILEDROP, self._worker_id, self._clock.now(), self._lease_seconds, self._batch_size
        )
        if len(deliveries) >= self._batch_size:
            report.more_waiting = True
        for delivery in deliveries:
            try:
                name = self._write(delivery)
            except (OSError, KeyError, DeliveryFailed) as error:
                self._failed(delivery, error, report)
                continue
            self._store.complete_delivery(
                delivery.id, self._event(delivery, State.PUSHED, f"{PUSHED_DETAIL}{name}")
            )
            report.delivered += 1
            log.info("filedrop_delivered", message_id=delivery.message_id, organisation=delivery.recipient,
                     file=name, attempt=delivery.attempts)

    def _write(self, delivery: Delivery) -> str:
        message = self._store.get_message(delivery.message_id)
        if message is None or message.payload_hash is None:
            raise DeliveryFailed(f"message {delivery.message_id} or its payload is not in the store")
        if not is_valid_code(delivery.recipient):
            raise DeliveryFailed(f"recipient code {delivery.recipient!r} cannot be a folder name")

        folders = OrgFolders(self._root, delivery.recipient)
        folders.inbox.mkdir(parents=True, exist_ok=True)
        folders.tmp.mkdir(parents=True, exist_ok=True)
        name = delivery_name(message)
        target = folders.inbox / name
        if target.exists():  # written before a crash, or by a worker whose lease ran out
            return name
        with self._payloads.open(message.payload_hash) as source:
            write_atomically(source, folders.tmp, target)
        return name

    def _failed(self, delivery: Delivery, error: Exception, report: PassReport) -> None:
        if delivery.attempts >= self._max_attempts:
            detail = f"file drop gave up after {delivery.attempts} attempts: {error}"
            self._store.complete_delivery(delivery.id, self._event(delivery, State.UNDELIVERABLE, detail))
            report.undeliverable += 1
            log.error("filedrop_undeliverable", message_id=delivery.message_id, organisation=delivery.recipient,
                      attempts=delivery.attempts, error=str(error))
            return

        retry_at = self._retry_at(delivery.attempts)
        detail = f"file drop failed, next attempt at {retry_at.isoformat()}: {error}"
        self._store.retry_delivery(delivery.id, retry_at, self._event(delivery, State.PUSH_FAILED, detail))
        report.delivery_failures += 1
        log.warning("filedrop_delivery_failed", message_id=delivery.message_id, organisation=delivery.recipient,
                    attempt=delivery.attempts, retry_at=retry_at.isoformat(), error=str(error))

    def _retry_at(self, attempts: int) -> datetime:
        """Return when to try again: the base delay doubled per attempt, capped at the maximum."""
        delay = min(self._retry_base_seconds * 2 ** max(attempts - 1, 0), self._retry_max_seconds)
        return self._clock.now() + timedelta(seconds=delay)

    def _event(self, delivery: Delivery, state: State, detail: str) -> Event:
        return Event(delivery.message_id, self._clock.now(), state, detail=detail, actor=self.actor)
