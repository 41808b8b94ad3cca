"""Delivery: accepted messages for file-drop recipients are written into their in/ folder."""

from __future__ import annotations

import io
import os

import pytest

from core.model import State
from tests.filedrop.messages import AANBIEDER, GEMEENTE, jw301


def listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


def send_jw301(stack, drop, name="toewijzing.xml", identificatie="123456789012"):
    (stack.folders(GEMEENTE).outbox / name).write_bytes(jw301(identificatie))
    return drop.run_once()


def states(stack, message_id) -> list[State]:
    return [event.state for event in stack.store.events(message_id)]


class FailingCompletion:
    """Wrap a store so the first ``complete_delivery`` fails, as a crash right after the write would."""

    def __init__(self, store):
        self._store = store
        self.failures_left = 1

    def __getattr__(self, name):
        return getattr(self._store, name)

    def complete_delivery(self, delivery_id, event):
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("store went away")
        return self._store.complete_delivery(delivery_id, event)


class BreakingPayloads:
    """Wrap a payload store so every payload read fails after its first bytes."""

    def __init__(self, payloads):
        self._payloads = payloads

    def open(self, sha256):
        data = self._payloads.open(sha256).read()
        return _BreaksAfter(data[:100])


class _BreaksAfter(io.BytesIO):
    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            raise OSError("disk read error")
        return chunk


def test_redone_delivery_writes_same_file(stack):
    drop = stack.file_drop(store=FailingCompletion(stack.store), lease_seconds=60)
    drop.run_once()
    (stack.folders(GEMEENTE).outbox / "toewijzing.xml").write_bytes(jw301())

    with pytest.raises(RuntimeError):
        drop.run_once()
    stack.clock.advance(seconds=61)  # the lease of the crashed attempt ends
    redone = drop.run_once()

    [message] = stack.filedrop_messages()
    assert redone.delivered == 1
    assert listing(stack.folders(AANBIEDER).inbox) == [f"JW301_{message.id}.xml"]
    assert listing(stack.folders(AANBIEDER).tmp) == []
    assert stack.store.pending_deliveries() == []
    assert states(stack, message.id).count(State.PUSHED) == 1


def test_failed_write_retried_after_backoff(stack):
    drop = stack.file_drop(retry_base_seconds=30)
    drop.run_once()
    inbox = stack.folders(AANBIEDER).inbox
    inbox.rmdir()
    inbox.write_bytes(b"")  # a file where the folder should be: the write fails

    failed = send_jw301(stack, drop)
    too_early = drop.run_once()
    inbox.unlink()
    inbox.mkdir()
    stack.clock.advance(seconds=31)
    delivered = drop.run_once()

    [message] = stack.filedrop_messages()
    assert failed.delivery_failures == 1
    assert too_early.delivery_failures == 0
    assert too_early.delivered == 0
    assert delivered.delivered == 1
    assert listing(inbox) == [f"JW301_{message.id}.xml"]
    failures = [e for e in stack.store.events(message.id) if e.state == State.PUSH_FAILED]
    assert len(failures) == 1
    assert failures[0].detail.startswith("file drop failed, next attempt at ")


def test_undeliverable_after_max_attempts(stack):
    drop = stack.file_drop(max_attempts=2, retry_base_seconds=1, retry_max_seconds=1)
    drop.run_once()
    inbox = stack.folders(AANBIEDER).inbox
    inbox.rmdir()
    inbox.write_bytes(b"")

    first = send_jw301(stack, drop)
    stack.clock.advance(seconds=2)
    second = drop.run_once()

    [message] = stack.filedrop_messages()
    assert first.delivery_failures == 1
    assert second.undeliverable == 1
    assert stack.store.pending_deliveries() == []
    assert states(stack, message.id)[-1] == State.UNDELIVERABLE


def test_broken_copy_leaves_no_partial_file(stack):
    drop = stack.file_drop(payloads=BreakingPayloads(stack.payloads))
    drop.run_once()

    result = send_jw301(stack, drop)

    assert result.delivery_failures == 1
    assert listing(stack.folders(AANBIEDER).inbox) == []
    assert listing(stack.folders(AANBIEDER).tmp) == []
