"""Two OS processes share one database: every delivery completes exactly once, and a
worker killed while holding leases loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.model import Channel, Event, State
from tests.storage.support import acceptance, message

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("store_worker.py")
DELIVERIES = 500
TIMEOUT_SECONDS = 120

pytestmark = pytest.mark.timeout(300)


def start_worker(mode: str, url: str, payload_root: Path, name: str, *args) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, str(WORKER), mode, url, str(payload_root), name, *map(str, args)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environment, cwd=REPO_ROOT)


def release(*workers: subprocess.Popen) -> None:
    """Let the workers start together: each waits for one line on stdin."""
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()


def result_of(worker: subprocess.Popen) -> tuple[dict, str]:
    """Wait for the worker and return its JSON result and its log lines."""
    stdout, stderr = worker.communicate(timeout=TIMEOUT_SECONDS)
    assert worker.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1]), stderr


def add_deliveries(env, count: int) -> list:
    """Accept ``count`` messages that each need one webservice push, due a minute ago."""
    received_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    created = []
    for start in range(0, count, 100):
        items = [acceptance(env.payloads, message(received_at=received_at, identificatie=f"E{n}"),
                            push=(Channel.WEBSERVICE,)) for n in range(start, min(start + 100, count))]
        assert env.store.accept(items) == [None] * len(items)
        created += [item.deliveries[0] for item in items]
    return created


def pushes_per_message(env, deliveries) -> Counter:
    return Counter({d.message_id: sum(e.state == State.PUSHED for e in env.store.events(d.message_id))
                    for d in deliveries})


def test_two_processes_complete_each_delivery_once(sql_env, database_url, tmp_path):
    created = add_deliveries(sql_env, DELIVERIES)
    workers = [start_worker("drain", database_url, tmp_path / "payloads", f"worker-{n}", 60, 5) for n in (1, 2)]

    release(*workers)
    claims = [result_of(worker)[0]["claimed"] for worker in workers]

    all_claims = claims[0] + claims[1]
    assert len(all_claims) == DELIVERIES
    assert set(all_claims) == {d.id for d in created}
    assert all(len(c) > 0 for c in claims), f"one worker did all the work: {[len(c) for c in claims]}"
    assert sql_env.store.pending_deliveries() == []
    assert set(pushes_per_message(sql_env, created).values()) == {1}


def test_killed_worker_deliveries_return_after_lease(sql_env, database_url, tmp_path):
    created = add_deliveries(sql_env, 20)
    lease_seconds = 30
    crashing = start_worker("claim-and-hang", database_url, tmp_path / "payloads", "crashing", lease_seconds, 5)
    release(crashing)
    leased = json.loads(crashing.stdout.readline())["claimed"]
    crashing.kill()
    crashing.wait(timeout=TIMEOUT_SECONDS)
    store = sql_env.store

    now = datetime.now(timezone.utc)
    before_expiry = store.claim_deliveries(Channel.WEBSERVICE, "survivor", now, lease_seconds, 100)
    for delivery in before_expiry:
        store.complete_delivery(delivery.id, _pushed(delivery, now))
    after_expiry = store.claim_deliveries(Channel.WEBSERVICE, "survivor", now + timedelta(seconds=lease_seconds + 1),
                                          lease_seconds, 100)
    for delivery in after_expiry:
        store.complete_delivery(delivery.id, _pushed(delivery, now))

    assert len(leased) == 5
    assert not set(leased) & {d.id for d in before_expiry}
    assert len(before_expiry) == 15
    assert sorted(d.id for d in after_expiry) == sorted(leased)
    assert {d.attempts for d in after_expiry} == {2}
    assert store.pending_deliveries() == []
    assert set(pushes_per_message(sql_env, created).values()) == {1}


def test_concurrent_accepts_keep_one_per_dedup_key(sql_env, database_url, tmp_path):
    count = 200
    forward = start_worker("accept", database_url, tmp_path / "payloads", "forward", count, 20, "forward")
    backward = start_worker("accept", database_url, tmp_path / "payloads", "backward", count, 20, "reverse")

    release(forward, backward)
    (forward_output, forward_log), (backward_output, backward_log) = map(result_of, (forward, backward))
    forward_results, backward_results = forward_output["results"], backward_output["results"]

    for n in range(count):
        key = f"C{n}"
        pair = (forward_results[key], backward_results[key])
        assert pair in ((None, "duplicate"), ("duplicate", None)), (key, pair)
        assert sql_env.store.find_by_dedup_key(message(identificatie=key).dedup_key) is not None
    assert "accept_retried" not in forward_log + backward_log


def _pushed(delivery, now):
    return Event(delivery.message_id, now, State.PUSHED, actor="survivor")
