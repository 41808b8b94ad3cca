"""Storage overhead of accept(): 1,000 small (7 KB) acceptances in batches of 100.

Run with ``-s`` to see the numbers. The target is about 0.3 ms per file with small
payloads inline. The assertion only guards against gross regressions, such as an
fsync per file, because shared CI machines vary too much for a tight bound.
"""

from __future__ import annotations

import os
import time

import pytest

from adapters.storage import accepting
from core.model import Channel
from tests.storage.support import acceptance, build_sql_store, message

FILES = 1000
BATCH = 100
PAYLOAD_SIZE = 7 * 1024
REGRESSION_BOUND_MS = 2.0

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def measure_accept(env) -> float:
    """Return the mean milliseconds per file that accept() takes, staging excluded."""
    items = [
        acceptance(env.payloads, message(identificatie=f"B{n}"), content=os.urandom(PAYLOAD_SIZE),
                   push=(Channel.WEBSERVICE,) if n % 2 else ())
        for n in range(FILES)
    ]
    elapsed = 0.0
    for start in range(0, FILES, BATCH):
        batch = items[start:start + BATCH]
        began = time.perf_counter()
        results = env.store.accept(batch)
        elapsed += time.perf_counter() - began
        assert results == [None] * len(batch)
    return elapsed / FILES * 1000


def one_savepoint_per_item(session, payloads, batch):
    """Write a batch the way the fallback path does, for comparison with the bulk path."""
    accepting.lock_dedup_keys(session, [item.message.dedup_key for item in batch])
    return [accepting.accept_item(session, payloads, item) for item in batch]


@pytest.mark.parametrize(
    ("variant", "inline_limit", "savepoints"),
    [
        ("bulk, payloads inline", 256 * 1024, False),
        ("bulk, payloads in fsynced files", 0, False),
        ("savepoint per item, payloads inline", 256 * 1024, True),
    ],
)
def test_accept_overhead_per_file(database_url, tmp_path, monkeypatch, record_property,
                                  variant, inline_limit, savepoints):
    if savepoints:
        monkeypatch.setattr(accepting, "accept_batch", one_savepoint_per_item)
    env = build_sql_store(database_url, tmp_path / "payloads", inline_limit=inline_limit)
    try:
        per_file_ms = measure_accept(env)
    finally:
        env.engine.dispose()

    backend = database_url.split(":", 1)[0]
    record_property("accept_ms_per_file", per_file_ms)
    print(f"\naccept() on {backend}, {variant}: {per_file_ms:.3f} ms per file")
    if variant == "bulk, payloads inline":
        assert per_file_ms < REGRESSION_BOUND_MS
