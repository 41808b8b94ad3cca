"""Behaviour of the SQL store beyond the shared contract: time zones, guards and rollbacks."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from psycopg.errors import DeadlockDetected
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from adapters.storage import accepting
from core.errors import NotFound
from core.model import Channel, Event, Organisation, OrgKind, State
from tests.storage.support import acceptance, at, message, retour_for

AMSTERDAM_WINTER = timezone(timedelta(hours=1))


def test_timestamps_come_back_in_utc(sql_env):
    local = datetime(2026, 12, 1, 10, 30, 15, 123456, tzinfo=AMSTERDAM_WINTER)
    item = message(received_at=local)
    sql_env.store.accept([acceptance(sql_env.payloads, item)])

    stored = sql_env.store.get_message(item.id)

    assert stored.received_at == local
    assert stored.received_at.tzinfo == timezone.utc
    assert stored.received_at.hour == 9


def test_naive_timestamp_rejected(sql_env):
    item = message(received_at=datetime(2026, 12, 1, 9, 0))

    with pytest.raises(StatementError, match="naive datetime"):
        sql_env.store.accept([acceptance(sql_env.payloads, item)])

    assert sql_env.store.get_message(item.id) is None


def test_save_unknown_organisation_raises(sql_env):
    with pytest.raises(NotFound):
        sql_env.store.save_organisation(Organisation("9999", OrgKind.GEMEENTE, "Unknown"))


def test_delivery_completed_twice_recorded_once(sql_env):
    item = acceptance(sql_env.payloads, message(), push=(Channel.WEBSERVICE,))
    sql_env.store.accept([item])
    [delivery] = item.deliveries
    first = Event(delivery.message_id, at(10), State.PUSHED, actor="worker-1")
    late = Event(delivery.message_id, at(20), State.PUSHED, actor="worker-2")

    sql_env.store.complete_delivery(delivery.id, first)
    sql_env.store.complete_delivery(delivery.id, late)

    pushed = [e for e in sql_env.store.events(delivery.message_id) if e.state == State.PUSHED]
    assert pushed == [first]


def test_retry_after_completion_ignored(sql_env):
    item = acceptance(sql_env.payloads, message(), push=(Channel.WEBSERVICE,))
    sql_env.store.accept([item])
    [delivery] = item.deliveries
    sql_env.store.complete_delivery(delivery.id, Event(delivery.message_id, at(10), State.PUSHED))

    sql_env.store.retry_delivery(delivery.id, at(20), Event(delivery.message_id, at(11), State.PUSH_FAILED))

    assert sql_env.store.pending_deliveries() == []
    assert sql_env.store.events(delivery.message_id)[-1].state == State.PUSHED


def test_batch_rolled_back_on_other_integrity_error(sql_env):
    kept = message(source_ref="portal:1")
    sql_env.store.accept([acceptance(sql_env.payloads, kept)])
    fine = message()
    clash = message(source_ref="portal:1")
    batch = [acceptance(sql_env.payloads, fine, push=(Channel.WEBSERVICE,)), acceptance(sql_env.payloads, clash)]

    with pytest.raises(IntegrityError):
        sql_env.store.accept(batch)

    assert sql_env.store.get_message(fine.id) is None
    assert sql_env.store.pending_deliveries() == []
    with pytest.raises(KeyError):
        sql_env.payloads.open(batch[0].staged.sha256)


def test_retour_accepted_when_heen_is_missing(sql_env):
    heen = message()  # never stored
    retour = retour_for(heen)

    results = sql_env.store.accept([acceptance(sql_env.payloads, retour, heen=heen)])

    assert results == [None]
    assert sql_env.store.get_message(retour.id).heen_id == heen.id
    assert sql_env.store.events(heen.id) == []


def test_large_payload_durable_after_accept(sql_env):
    content = uuid.uuid4().bytes * 20_000  # 320 kB: above the inline limit
    item = acceptance(sql_env.payloads, message(), content=content)

    sql_env.store.accept([item])
    sql_env.payloads.discard(item.staged)

    assert sql_env.payloads.path_for(item.staged.sha256).read_bytes() == content


def test_accept_retried_after_deadlock(sql_env, monkeypatch):
    store = sql_env.store
    real_accept_once = store._accept_once
    calls = []

    def deadlock_once(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise OperationalError("INSERT INTO messages", {}, DeadlockDetected("deadlock detected"))
        return real_accept_once(batch)

    monkeypatch.setattr(store, "_accept_once", deadlock_once)
    item = message()

    results = store.accept([acceptance(sql_env.payloads, item)])

    assert results == [None]
    assert calls == [1, 1]
    assert store.get_message(item.id) is not None


def test_accept_gives_up_after_repeated_deadlocks(sql_env, monkeypatch):
    store = sql_env.store

    def always_deadlock(batch):
        raise OperationalError("INSERT INTO messages", {}, DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(store, "_accept_once", always_deadlock)

    with pytest.raises(OperationalError):
        store.accept([acceptance(sql_env.payloads, message())])


def test_unforeseen_duplicate_falls_back_to_savepoints(sql_env, monkeypatch):
    first = message(identificatie="ID1")
    sql_env.store.accept([acceptance(sql_env.payloads, first)])
    # Hide the taken key from the bulk path, as if another writer committed it unseen.
    monkeypatch.setattr(accepting, "_taken_dedup_keys", lambda session, keys: set())
    twin = message(identificatie="ID1", received_at=at(1))
    fresh = message(identificatie="ID2")
    batch = [acceptance(sql_env.payloads, fresh, push=(Channel.WEBSERVICE,)), acceptance(sql_env.payloads, twin)]

    results = sql_env.store.accept(batch)

    assert results == [None, "duplicate"]
    assert sql_env.store.get_message(fresh.id) is not None
    assert sql_env.store.get_message(twin.id) is None
    assert [d.message_id for d in sql_env.store.pending_deliveries()] == [fresh.id]
    with pytest.raises(KeyError):
        sql_env.payloads.open(batch[1].staged.sha256)
