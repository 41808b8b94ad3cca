"""Reliable sending to an aanbieder's MSH on loopback: retries with the same MessageId,
timeouts, MessageErrors, undeliverable messages with their alert, restarts and several
workers sharing one queue."""

from __future__ import annotations

import io
import multiprocessing
import threading
import time
from datetime import timedelta

import pytest
import structlog

from adapters.soap.ebms.errors import ErrorCode
from adapters.soap.ports import OutboxState
from adapters.soap.wiring import build_digikoppeling
from config.container import build_container
from core.cpa.generator import Profile, Reliability
from core.ingest import Submission
from core.model import Channel, State
from core.ports import MessageQuery
from core.principal import Principal
from tests.digikoppeling import files
from tests.digikoppeling.peer import PeerMsh, SilentServer
from tests.digikoppeling.worker_process import run_passes
from tests.digikoppeling.support import (
    AANBIEDER, FAST, GEMEENTE, add_parties, agree, import_istandaarden, make_pki, parse_cpa, start_hub,
)

GEMEENTE_PORTAL = Principal.organisation_software(GEMEENTE, Channel.PORTAL)


@pytest.fixture
def hub(tmp_path, database_url):
    hub = start_hub(tmp_path / "hub", database_url, make_pki(tmp_path / "pki"), http_timeout=1.0,
                    ack_wait_seconds=1, batch_size=2)
    import_istandaarden(hub)
    add_parties(hub)
    yield hub
    hub.stop()


@pytest.fixture
def aanbieder(hub):
    peer = PeerMsh(hub.pki, AANBIEDER, "async").start()
    yield peer
    peer.stop()


def connect(hub, peer, profile=Profile.OSB_RM, sync="none", reliability=None, url=None):
    xml = agree(hub, AANBIEDER, url or peer.url, profile, sync, reliability or FAST)
    if peer is not None:
        peer.connect(hub.url, parse_cpa(xml))


def hand_in(hub, count: int = 1) -> list[str]:
    """Hand WMO301s in through the core API as the gemeente; each gets a webservice delivery to the aanbieder."""
    outcomes = hub.container.ingest().submit_many(
        GEMEENTE_PORTAL, [Submission(io.BytesIO(files.wmo301()), "wmo301.xml") for _ in range(count)])
    assert all(outcome.accepted for outcome in outcomes), [outcome.detail for outcome in outcomes]
    return [outcome.message_id for outcome in outcomes]


def states(hub, message_id: str) -> list[State]:
    return [event.state for event in hub.store.events(message_id)]


def drive(hub, done, timeout: float = 30.0) -> bool:
    """Run worker passes until ``done()`` holds; return whether it did within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hub.parts.worker.run_once()
        if done():
            return True
        time.sleep(0.2)
    return False


def test_failed_attempt_is_retried_with_same_message_id(hub, aanbieder):
    connect(hub, aanbieder)
    aanbieder.mode = "http500"
    [message_id] = hand_in(hub)

    hub.parts.worker.run_once()
    assert states(hub, message_id)[-1] == State.PUSH_FAILED
    aanbieder.mode = "async"

    assert drive(hub, lambda: State.PUSHED in states(hub, message_id))
    arrivals = aanbieder.wait_for_action("ggk_Di01", 2)
    assert len({arrival.message_id for arrival in arrivals}) == 1
    assert hub.store.pending_deliveries(AANBIEDER) == []


def test_peer_that_never_answers_times_out_until_undeliverable(hub):
    silent = SilentServer()
    try:
        connect(hub, None, url=silent.url, reliability=Reliability(1, timedelta(seconds=1), timedelta(seconds=30)))
        [message_id] = hand_in(hub)

        with structlog.testing.capture_logs() as events:
            started = time.monotonic()
            assert drive(hub, lambda: State.UNDELIVERABLE in states(hub, message_id))
            elapsed = time.monotonic() - started
    finally:
        silent.stop()

    history = states(hub, message_id)
    assert history.count(State.PUSH_FAILED) == 1
    assert history[-1] == State.UNDELIVERABLE
    failed = [e for e in hub.store.events(message_id) if e.state == State.PUSH_FAILED][0]
    assert "within 1.0 seconds" in failed.detail
    assert elapsed < 20
    assert_alerted(hub, message_id, events)


def assert_alerted(hub, message_id, events):
    alerts = hub.parts.ebms.alerts(AANBIEDER)
    assert [alert.message_id for alert in alerts] == [message_id]
    assert alerts[0].kind == "undeliverable"
    warnings = [e for e in events if e["event"] == "digikoppeling_undeliverable"]
    assert warnings[0]["message_id"] == message_id
    assert warnings[0]["log_level"] == "warning"
    mailbox = hub.store.list_messages(MessageQuery(organisation=AANBIEDER))
    assert message_id in [message.id for message in mailbox]


def test_unacknowledged_message_is_resent_then_undeliverable(hub, aanbieder):
    connect(hub, aanbieder)
    aanbieder.mode = "silent-ack"
    [message_id] = hand_in(hub)

    with structlog.testing.capture_logs() as events:
        assert drive(hub, lambda: State.UNDELIVERABLE in states(hub, message_id), timeout=60)

    arrivals = aanbieder.wait_for_action("ggk_Di01", 3)
    assert len(arrivals) == 3  # the first send and Retries (2) resends
    assert len({arrival.message_id for arrival in arrivals}) == 1
    assert states(hub, message_id).count(State.PUSH_FAILED) == 2
    assert_alerted(hub, message_id, events)


def test_message_error_delivery_failure_is_retried(hub, aanbieder):
    connect(hub, aanbieder, sync="mshSignalsOnly")
    aanbieder.mode = "error"
    [message_id] = hand_in(hub)

    hub.parts.worker.run_once()
    failed = [e for e in hub.store.events(message_id) if e.state == State.PUSH_FAILED]
    aanbieder.mode = "sync"

    assert "DeliveryFailure" in failed[0].detail
    assert drive(hub, lambda: State.PUSHED in states(hub, message_id))


def test_other_message_error_is_undeliverable_at_once(hub, aanbieder):
    connect(hub, aanbieder, sync="mshSignalsOnly")
    aanbieder.mode = "error"
    aanbieder.error_code = ErrorCode.VALUE_NOT_RECOGNIZED
    [message_id] = hand_in(hub)

    hub.parts.worker.run_once()

    assert states(hub, message_id)[-1] == State.UNDELIVERABLE
    assert len(aanbieder.wait_for_action("ggk_Di01")) == 1
    assert "ValueNotRecognized" in hub.parts.ebms.alerts(AANBIEDER)[0].detail


def test_best_effort_needs_no_acknowledgement(hub, aanbieder):
    connect(hub, aanbieder, profile=Profile.OSB_BE)
    [message_id] = hand_in(hub)

    hub.parts.worker.run_once()

    assert states(hub, message_id)[-1] == State.PUSHED
    assert aanbieder.wait_for_action("ggk_Di01")[0].message.envelope.ack_requested is None


def test_recipient_without_cpa_waits(hub):
    [message_id] = hand_in(hub)

    hub.parts.worker.run_once()

    failed = [e for e in hub.store.events(message_id) if e.state == State.PUSH_FAILED]
    assert "no active CPA" in failed[0].detail
    assert hub.store.claim_deliveries(Channel.WEBSERVICE, "other", hub.container.clock().now(), 60, 10) == []


def test_restarted_hub_resends_with_stored_message_id(hub, aanbieder):
    connect(hub, aanbieder)
    aanbieder.mode = "silent-ack"
    [message_id] = hand_in(hub)
    hub.parts.worker.run_once()
    first = aanbieder.wait_for_action("ggk_Di01")[0]

    restarted = build_digikoppeling(build_container(hub.container.settings()))
    aanbieder.mode = "async"
    deadline = time.monotonic() + 30
    while State.PUSHED not in states(hub, message_id) and time.monotonic() < deadline:
        restarted.worker.run_once()
        time.sleep(0.2)

    arrivals = aanbieder.wait_for_action("ggk_Di01", 2)
    assert [arrival.message_id for arrival in arrivals] == [first.message_id, first.message_id]
    assert arrivals[1].payload() == first.payload()
    assert State.PUSHED in states(hub, message_id)


def test_workers_of_several_hubs_send_each_message_once(hub, aanbieder):
    connect(hub, aanbieder, profile=Profile.OSB_BE)
    message_ids = hand_in(hub, 12)
    workers = [build_digikoppeling(build_container(hub.container.settings())).worker for _ in range(3)]

    threads = [threading.Thread(target=lambda w=w: [w.run_once() for _ in range(10)]) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    arrivals = aanbieder.wait_for_action("ggk_Di01", 12)
    assert len(arrivals) == 12
    assert len({arrival.message_id for arrival in arrivals}) == 12
    for message_id in message_ids:
        assert states(hub, message_id).count(State.PUSHED) == 1


@pytest.mark.slow
def test_separate_hub_processes_send_each_message_once(hub, aanbieder):
    connect(hub, aanbieder, profile=Profile.OSB_BE)
    message_ids = hand_in(hub, 12)
    context = multiprocessing.get_context("spawn")
    data_dir = str(hub.container.settings().data_dir)
    processes = [context.Process(target=run_passes, args=(data_dir, hub.flags, 8, 0.1)) for _ in range(3)]

    for process in processes:
        process.start()
    for process in processes:
        process.join(120)

    assert [process.exitcode for process in processes] == [0, 0, 0]
    arrivals = aanbieder.wait_for_action("ggk_Di01", 12)
    assert len(arrivals) == 12
    assert len({arrival.message_id for arrival in arrivals}) == 12
    for message_id in message_ids:
        assert states(hub, message_id).count(State.PUSHED) == 1


def test_acknowledged_item_state(hub, aanbieder):
    connect(hub, aanbieder)
    [message_id] = hand_in(hub)

    assert drive(hub, lambda: State.PUSHED in states(hub, message_id))

    delivered = aanbieder.wait_for_action("ggk_Di01")[0]
    item = hub.parts.ebms.find_by_ebms_id(delivered.message_id)
    assert item.state == OutboxState.ACKNOWLEDGED
    assert item.sends == 1

