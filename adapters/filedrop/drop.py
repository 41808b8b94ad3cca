"""The file-drop adapter: organisations send and receive message files through folders.

``FileDrop.run_once()`` makes one pass: it creates the folders of every organisation
enrolled through file drop, hands in the settled files of each uit/ folder and writes due
deliveries into in/ folders. ``FileDrop.run(stop_event)`` repeats passes until stopped.
Several hub processes may run on the same root and store; see docs/filedrop.md.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from adapters.filedrop.delivery import Deliverer
from adapters.filedrop.intake import Intake
from adapters.filedrop.layout import OrgFolders, ensure_folders, filedrop_organisations
from adapters.filedrop.passreport import PassReport
from adapters.filedrop.report import Explain
from adapters.filedrop.settle import SettleTracker
from core.ingest import IngestService
from core.ports import Clock, PayloadStore, Store

log = structlog.get_logger(__name__)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class FileDropSettings:
    """Timing and size settings of the file drop; times are in seconds."""

    settle_seconds: float = 2.0  # a file is claimed once its size and mtime are unchanged this long
    poll_seconds: float = 5.0  # pause between two passes
    batch_size: int = 100  # files handed in per organisation per pass, and deliveries per pass
    worker_id: str = field(default_factory=default_worker_id)  # names this process in delivery leases
    lease_seconds: int = 300  # how long a leased delivery is reserved for this process
    retry_base_seconds: float = 30.0  # delay after the first failed delivery, doubled per attempt
    retry_max_seconds: float = 3600.0  # longest delay between two delivery attempts
    max_attempts: int = 20  # delivery attempts before the message is marked undeliverable

    def __post_init__(self):
        if self.settle_seconds < 0:
            raise ValueError(f"settle_seconds must be 0 or more, got {self.settle_seconds}")
        if self.poll_seconds <= 0:
            raise ValueError(f"poll_seconds must be more than 0, got {self.poll_seconds}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be 1 or more, got {self.batch_size}")
        if self.lease_seconds < 1:
            raise ValueError(f"lease_seconds must be 1 or more, got {self.lease_seconds}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be 1 or more, got {self.max_attempts}")


class FileDrop:
    def __init__(
        self,
        ingest: IngestService,
        store: Store,
        payloads: PayloadStore,
        clock: Clock,
        root: Path,
        settings: FileDropSettings | None = None,
        explain: Explain | None = None,
    ):
        self.settings = settings or FileDropSettings()
        self.root = Path(root)
        self._store = store
        self._intake = Intake(ingest, store, SettleTracker(self.settings.settle_seconds),
                              self.settings.batch_size, explain)
        self._deliverer = Deliverer(
            store, payloads, clock, self.root, self.settings.worker_id, self.settings.lease_seconds,
            self.settings.batch_size, self.settings.retry_base_seconds, self.settings.retry_max_seconds,
            self.settings.max_attempts,
        )

    def run_once(self) -> PassReport:
        """Make one pass over every organisation's folders, then write due deliveries."""
        report = PassReport()
        for code in filedrop_organisations(self._store):
            folders = OrgFolders(self.root, code)
            ensure_folders(folders)
            report.organisations += 1
            try:
                self._intake.process(folders, report)
            except Exception:  # one organisation's trouble must not stop the others
                log.exception("filedrop_intake_failed", organisation=code)

        self._deliverer.deliver_due(report)
        return report

    def run(self, stop_event: threading.Event) -> None:
        """Repeat passes until ``stop_event`` is set; a pass that hit a batch limit is followed at once."""
        log.info("filedrop_started", root=str(self.root), worker=self.settings.worker_id)
        while not stop_event.is_set():
            try:
                report = self.run_once()
            except Exception:  # the store may be down: wait and try again
                log.exception("filedrop_pass_failed", worker=self.settings.worker_id)
                report = None
            if report is not None and report.more_waiting and report.made_progress():
                continue
            stop_event.wait(self.settings.poll_seconds)
        log.info("filedrop_stopped", worker=self.settings.worker_id)
