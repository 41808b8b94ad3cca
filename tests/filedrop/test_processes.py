"""Crash safety and concurrency with real hub processes on one root and one database.

Each test prepares the database here, then starts ``tests.filedrop.worker`` in child
processes that share the file-drop root, the payload folder and the database.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.model import State
from tests.filedrop.messages import AANBIEDER, GEMEENTE, REPO_ROOT, jw301
from tests.filedrop.stack import sql_stack

STARTUP_TIMEOUT = 60
DRAIN_TIMEOUT = 300


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """An empty database that child processes can open: a SQLite file or a PostgreSQL schema."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_schema_url")


def start_worker(workdir: Path, url: str, mode: str, log_name: str) -> tuple[subprocess.Popen, Path]:
    log = workdir / log_name
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.filedrop.worker", str(workdir), url, mode],
        cwd=REPO_ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )
    return process, log


def wait_for_line(process: subprocess.Popen, log: Path, prefix: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith(prefix):
                return line
        if process.poll() is not None:
            pytest.fail(f"worker exited with {process.returncode} before {prefix!r}:\n{log.read_text()}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"worker printed no {prefix!r} within {timeout} s:\n{log.read_text()}")


def drop_files(stack, count: int) -> list[str]:
    outbox = stack.folders(GEMEENTE).outbox
    names = []
    for number in range(count):
        name = f"bericht-{number:03}.xml"
        (outbox / name).write_bytes(jw301(f"FD{number:05}"))
        names.append(name)
    return names


def pushed_count(stack, message_id: str) -> int:
    return sum(1 for event in stack.store.events(message_id) if event.state == State.PUSHED)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["pause-before-submit", "pause-after-submit"])
def test_killed_worker_finished_without_double_send(tmp_path, database_url, mode):
    stack = sql_stack(tmp_path, database_url, prepare=True)
    stack.file_drop().run_once()  # creates the folders
    names = drop_files(stack, 5)
    process, log = start_worker(tmp_path, database_url, mode, "worker.log")
    wait_for_line(process, log, "CLAIMED" if mode == "pause-before-submit" else "SUBMITTED", STARTUP_TIMEOUT)
    gemeente = stack.folders(GEMEENTE)
    left_claimed = sorted(os.listdir(gemeente.claimed))

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    report = stack.file_drop().run_once()

    assert len(left_claimed) == 5
    assert report.recovered == 5
    assert report.accepted == 5
    assert sorted(os.listdir(gemeente.sent)) == names
    assert os.listdir(gemeente.claimed) == []
    assert os.listdir(gemeente.outbox) == []
    messages = stack.filedrop_messages()
    assert len(messages) == 5
    assert all(m.status != State.REJECTED for m in messages)
    inbox = sorted(os.listdir(stack.folders(AANBIEDER).inbox))
    assert inbox == sorted(f"JW301_{m.id}.xml" for m in messages)
    assert all(pushed_count(stack, m.id) == 1 for m in messages)


@pytest.mark.slow
def test_two_workers_send_each_file_once(tmp_path, database_url):
    stack = sql_stack(tmp_path, database_url, prepare=True)
    stack.file_drop().run_once()
    names = drop_files(stack, 200)

    workers = [start_worker(tmp_path, database_url, "drain", f"worker-{n}.log") for n in (1, 2)]
    totals = []
    for process, log in workers:
        process.wait(timeout=DRAIN_TIMEOUT)
        assert process.returncode == 0, log.read_text()
        done = wait_for_line(process, log, "DONE", 1)
        totals.append(json.loads(done.split(" ", 1)[1]))

    gemeente, aanbieder = stack.folders(GEMEENTE), stack.folders(AANBIEDER)
    assert sorted(os.listdir(gemeente.sent)) == names
    assert os.listdir(gemeente.rejected) == []
    assert os.listdir(gemeente.claimed) == []
    assert sum(t.get("accepted", 0) for t in totals) == 200
    assert sum(t.get("unmovable", 0) for t in totals) == 0  # no file was handled by both workers
    assert sum(t.get("submit_failures", 0) for t in totals) == 0
    assert sum(t.get("delivered", 0) for t in totals) == 200
    messages = stack.filedrop_messages()
    assert len(messages) == 200
    assert {m.identificatie for m in messages} == {f"FD{n:05}" for n in range(200)}
    assert all(m.status != State.REJECTED for m in messages)
    assert sorted(os.listdir(aanbieder.inbox)) == sorted(f"JW301_{m.id}.xml" for m in messages)
    assert stack.store.pending_deliveries() == []
    assert all(pushed_count(stack, m.id) == 1 for m in messages)
