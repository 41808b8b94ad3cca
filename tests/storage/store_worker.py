"""A separate OS process that works on a shared database, for the multi-process storage tests.

Run as ``python store_worker.py MODE URL PAYLOAD_ROOT NAME [ARGS...]`` with the repository
root on PYTHONPATH. The worker waits for a line on stdin before it starts, so that the
test can start several workers together, and prints one JSON line with its results.

Modes:
  drain LEASE LIMIT       claim and complete webservice deliveries until none is pending
  claim-and-hang LEASE N  claim up to N deliveries, report them, then wait to be killed
  accept COUNT BATCH ORDER  accept COUNT messages with fixed dedup keys, BATCH per call;
                          ORDER ``reverse`` turns each batch around
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import structlog

from core.model import Channel, Event, State
from tests.storage.support import acceptance, build_sql_store, message

IDLE_SECONDS = 0.02


def drain(env, name: str, lease_seconds: int, limit: int) -> dict:
    claimed: list[str] = []
    while True:
        batch = env.store.claim_deliveries(Channel.WEBSERVICE, name, datetime.now(timezone.utc), lease_seconds, limit)
        for delivery in batch:
            claimed.append(delivery.id)
            pushed = Event(delivery.message_id, datetime.now(timezone.utc), State.PUSHED, actor=name)
            env.store.complete_delivery(delivery.id, pushed)
        if not batch:
            if not env.store.pending_deliveries():
                return {"claimed": claimed}
            time.sleep(IDLE_SECONDS)


def claim_and_hang(env, name: str, lease_seconds: int, count: int) -> None:
    batch = env.store.claim_deliveries(Channel.WEBSERVICE, name, datetime.now(timezone.utc), lease_seconds, count)
    print(json.dumps({"claimed": [d.id for d in batch]}), flush=True)
    time.sleep(3600)


def accept(env, name: str, count: int, batch_size: int, order: str) -> dict:
    received_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    results: dict[str, str | None] = {}
    for start in range(0, count, batch_size):
        chunk = list(range(start, min(start + batch_size, count)))
        if order == "reverse":
            chunk.reverse()
        items = [message(id=str(uuid.uuid4()), identificatie=f"C{n}", received_at=received_at) for n in chunk]
        outcomes = env.store.accept([acceptance(env.payloads, item) for item in items])
        results.update({f"C{n}": outcome for n, outcome in zip(chunk, outcomes)})
    return {"results": results}


def main(arguments: list[str]) -> None:
    mode, url, payload_root, name, *rest = arguments
    # Log lines go to stderr, so stdout carries only the JSON result.
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
    env = build_sql_store(url, Path(payload_root), run_migrations=False)
    sys.stdin.readline()

    if mode == "drain":
        print(json.dumps(drain(env, name, int(rest[0]), int(rest[1]))), flush=True)
    elif mode == "claim-and-hang":
        claim_and_hang(env, name, int(rest[0]), int(rest[1]))
    elif mode == "accept":
        print(json.dumps(accept(env, name, int(rest[0]), int(rest[1]), rest[2])), flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    env.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
