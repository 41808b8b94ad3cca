"""Failures while handing in, and the polling loop."""

from __future__ import annotations

import os
import threading
import time

from core.ingest import IngestService
from core.plugins import PluginHost
from tests.filedrop.messages import GEMEENTE, jw301


class FailingAccept:
    """Wrap a store so committing fails while ``down`` is set, or for one Identificatie."""

    def __init__(self, store, poisoned: str | None = None):
        self._store = store
        self.down = poisoned is None
        self.poisoned = poisoned

    def __getattr__(self, name):
        return getattr(self._store, name)

    def accept(self, batch):
        if self.down or any(item.message.identificatie == self.poisoned for item in batch):
            raise ConnectionError("database unavailable")
        return self._store.accept(batch)


def ingest_on(stack, store) -> IngestService:
    return IngestService(store, stack.payloads, PluginHost().load(), stack.catalog, stack.clock)


def listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


def test_failed_hand_in_retried_next_pass(stack):
    failing = FailingAccept(stack.store)
    drop = stack.file_drop(ingest=ingest_on(stack, failing))
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "toewijzing.xml").write_bytes(jw301())

    during = drop.run_once()
    failing.down = False
    after = drop.run_once()

    assert during.submit_failures == 1
    assert during.accepted == 0
    assert after.recovered == 1
    assert after.accepted == 1
    assert listing(gemeente.sent) == ["toewijzing.xml"]
    assert len(stack.filedrop_messages()) == 1


def test_one_failing_file_does_not_block_batch(stack):
    drop = stack.file_drop(ingest=ingest_on(stack, FailingAccept(stack.store, poisoned="BOOM")))
    gemeente = stack.folders(GEMEENTE)
    drop.run_once()
    (gemeente.outbox / "goed.xml").write_bytes(jw301("GOED"))
    (gemeente.outbox / "fout.xml").write_bytes(jw301("BOOM"))

    result = drop.run_once()

    assert result.claimed == 2
    assert result.accepted == 1
    assert result.submit_failures == 1
    assert listing(gemeente.sent) == ["goed.xml"]
    assert len(listing(gemeente.claimed)) == 1
    assert listing(gemeente.claimed)[0].endswith("__fout.xml")


def test_loop_runs_until_stopped(stack):
    drop = stack.file_drop(poll_seconds=0.05)
    gemeente = stack.folders(GEMEENTE)
    stop = threading.Event()
    loop = threading.Thread(target=drop.run, args=(stop,))
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while not gemeente.outbox.is_dir() and time.monotonic() < deadline:
            time.sleep(0.02)
        (gemeente.outbox / "toewijzing.xml").write_bytes(jw301())
        while not (gemeente.sent / "toewijzing.xml").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        loop.join(timeout=10)

    assert not loop.is_alive()
    assert listing(gemeente.sent) == ["toewijzing.xml"]
