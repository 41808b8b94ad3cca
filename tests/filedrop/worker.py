"""A hub process with a file drop, started by the crash and two-process tests.

    python -m tests.filedrop.worker WORKDIR DATABASE_URL MODE

MODE is one of:
  pause-before-submit  claim one batch, print "CLAIMED <n>", then wait to be killed
  pause-after-submit   claim and hand in one batch, print "SUBMITTED <n>", then wait to be killed
  drain                run passes until nothing is left to do, then print "DONE <json report>"

The test prepares the database, the schema release and the organisations first.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from adapters.filedrop import FileDrop, FileDropSettings
from adapters.filedrop.layout import OrgFolders
from tests.filedrop.messages import GEMEENTE
from tests.filedrop.stack import sql_stack

PAUSE_SECONDS = 600


class PausingIngest:
    """Wrap the ingest service so the process stops at a chosen step, for the test to kill it there."""

    def __init__(self, ingest, pause_before: bool):
        self._ingest = ingest
        self._pause_before = pause_before

    def submit_many(self, principal, submissions):
        if self._pause_before:
            _announce_and_wait("CLAIMED", len(submissions))
        outcomes = self._ingest.submit_many(principal, submissions)
        _announce_and_wait("SUBMITTED", len(outcomes))
        return outcomes

    def submit(self, principal, submission):
        return self.submit_many(principal, [submission])[0]


def _announce_and_wait(step: str, count: int) -> None:
    print(step, count, flush=True)
    time.sleep(PAUSE_SECONDS)
    raise SystemExit(f"not killed within {PAUSE_SECONDS} seconds")


def _nothing_left(folders: OrgFolders) -> bool:
    return not any(folders.outbox.iterdir()) and not any(folders.claimed.iterdir())


def drain(drop: FileDrop, folders: OrgFolders) -> dict:
    totals: dict[str, int] = {}
    while True:
        report = drop.run_once()
        for key, value in report.as_dict().items():
            if isinstance(value, int) and not isinstance(value, bool):
                totals[key] = totals.get(key, 0) + value
        if not report.made_progress() and _nothing_left(folders):
            return totals
        if not report.made_progress():
            time.sleep(0.05)


def main(workdir: str, url: str, mode: str) -> None:
    stack = sql_stack(Path(workdir), url, prepare=False)
    settings = FileDropSettings(settle_seconds=0.0, batch_size=10, lease_seconds=60)
    ingest = stack.ingest
    if mode.startswith("pause-"):
        ingest = PausingIngest(stack.ingest, pause_before=mode == "pause-before-submit")
    drop = FileDrop(ingest, stack.store, stack.payloads, stack.clock, stack.root, settings)
    if mode == "drain":
        print("DONE", json.dumps(drain(drop, stack.folders(GEMEENTE))), flush=True)
        return
    drop.run_once()
    raise SystemExit("the pass ended without pausing: were there files to claim?")


if __name__ == "__main__":
    main(*sys.argv[1:4])
