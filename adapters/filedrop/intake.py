"""Intake: take settled files from an organisation's uit/ folder and hand them to the hub.

    recover files left in .ggk/claimed/   (a crash, a failed move or a failed hand-in)
    claim settled files from uit/         rename into .ggk/claimed/<token>__<name>
    IngestService.submit_many             one batch per organisation, source_ref per file
    move each file                        verzonden/, or afgekeurd/ with NAME.fout.json

A claimed file is read and moved under an exclusive lock, so two hub processes never
handle it at once. Its source_ref names the claimed file, so handing it in again after a
crash returns the earlier outcome instead of a second message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

import structlog

from adapters.filedrop.files import folder_lock, move_without_overwrite, open_locked, place_with_report
from adapters.filedrop.layout import OrgFolders, is_candidate, new_claim_name, original_name, source_ref
from adapters.filedrop.passreport import PassReport
from adapters.filedrop.report import Explain, build_report, report_owner, write_report
from adapters.filedrop.settle import SettleTracker
from core.ingest import IngestService, Outcome, Submission
from core.model import Channel
from core.ports import Store
from core.principal import Principal

log = structlog.get_logger(__name__)


@dataclass
class ClaimedFile:
    """A file in .ggk/claimed/, open and locked by this process until it is moved."""

    folders: OrgFolders
    claim_name: str
    handle: BinaryIO
    size: int

    @property
    def path(self):
        return self.folders.claimed / self.claim_name

    @property
    def name(self) -> str:
        return original_name(self.claim_name)

    def close(self) -> None:
        self.handle.close()


class Intake:
    def __init__(
        self, ingest: IngestService, store: Store, tracker: SettleTracker, batch_size: int,
        explain: Explain | None = None,
    ):
        self._ingest = ingest
        self._store = store
        self._tracker = tracker
        self._batch_size = batch_size
        self._explain = explain
        self._move_failures: dict[str, int] = {}

    def process(self, folders: OrgFolders, report: PassReport) -> None:
        """Hand in up to one batch of the organisation's files and move each to its folder."""
        files = self._recover(folders, report)
        files += self._claim(folders, report, self._batch_size - len(files))
        if not files:
            return

        try:
            outcomes = self._submit(folders.code, files, report)
            for file, outcome in zip(files, outcomes):
                if outcome is not None:
                    self._finish(file, outcome, report)
        finally:
            for file in files:
                file.close()

    # -- taking files ------------------------------------------------------------------

    def _recover(self, folders: OrgFolders, report: PassReport) -> list[ClaimedFile]:
        try:
            names = sorted(os.listdir(folders.claimed))
        except FileNotFoundError:
            return []
        files: list[ClaimedFile] = []
        for name in names:
            if len(files) >= self._batch_size:
                report.more_waiting = True
                break
            path = folders.claimed / name
            if name.startswith(".") or not path.is_file() or path.is_symlink():
                continue
            handle = self._lock(folders, name, report)
            if handle is None:
                continue
            files.append(ClaimedFile(folders, name, handle, os.fstat(handle.fileno()).st_size))
            report.recovered += 1
            log.info("filedrop_recovered", organisation=folders.code, file=original_name(name), claim=name)
        return files

    def _claim(self, folders: OrgFolders, report: PassReport, room: int) -> list[ClaimedFile]:
        files: list[ClaimedFile] = []
        for name in self._settled_files(folders, report):
            if len(files) >= room:
                report.more_waiting = True
                break
            claim_name = new_claim_name(name)
            try:
                os.rename(folders.outbox / name, folders.claimed / claim_name)
            except FileNotFoundError:  # another hub process claimed it first
                continue
            except OSError as error:
                report.claim_failures += 1
                log.warning("filedrop_claim_failed", organisation=folders.code, file=name, error=str(error))
                continue

            handle = self._lock(folders, claim_name, report)
            if handle is None:  # another hub process took it up from .ggk/claimed/ already
                continue
            files.append(ClaimedFile(folders, claim_name, handle, os.fstat(handle.fileno()).st_size))
            report.claimed += 1
            log.info("filedrop_claimed", organisation=folders.code, file=name, claim=claim_name)
        return files

    def _lock(self, folders: OrgFolders, claim_name: str, report: PassReport) -> BinaryIO | None:
        try:
            handle = open_locked(folders.claimed / claim_name)
        except OSError as error:  # the filesystem refuses the lock: leave the file claimed
            report.lock_failures += 1
            log.warning("filedrop_lock_failed", organisation=folders.code, claim=claim_name, error=str(error))
            return None
        if handle is None:
            report.busy_elsewhere += 1
        return handle

    def _settled_files(self, folders: OrgFolders, report: PassReport) -> list[str]:
        """Return the names of files in uit/ ready to claim, oldest first."""
        try:
            entries = list(os.scandir(folders.outbox))
        except FileNotFoundError:
            return []
        present: set[str] = set()
        settled = []
        for entry in entries:
            if not is_candidate(entry.name):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            present.add(entry.path)
            if self._tracker.is_settled(entry.path, stat):
                settled.append((stat.st_mtime_ns, entry.name))
            else:
                report.waiting += 1
        self._tracker.forget_except(str(folders.outbox) + os.sep, present)
        return [name for _, name in sorted(settled)]

    # -- handing in --------------------------------------------------------------------

    def _submit(self, code: str, files: list[ClaimedFile], report: PassReport) -> list[Outcome | None]:
        """Hand the files in as one batch; after a failure, try them one by one so one file cannot block the rest."""
        principal = Principal.organisation_software(code, Channel.FILEDROP)
        try:
            return self._ingest.submit_many(principal, [self._submission(file) for file in files])
        except Exception as error:  # the store or a plugin failed: the files stay claimed
            log.error("filedrop_submit_failed", organisation=code, files=len(files), error=repr(error))
        if len(files) == 1:
            report.submit_failures += 1
            return [None]
        return [self._submit_one(principal, file, report) for file in files]

    def _submit_one(self, principal: Principal, file: ClaimedFile, report: PassReport) -> Outcome | None:
        try:
            return self._ingest.submit(principal, self._submission(file))
        except Exception as error:  # this file stays claimed and is tried again next pass
            report.submit_failures += 1
            log.error("filedrop_submit_failed", organisation=file.folders.code, file=file.name,
                      claim=file.claim_name, error=repr(error))
            return None

    def _submission(self, file: ClaimedFile) -> Submission:
        file.handle.seek(0)
        return Submission(
            stream=file.handle, filename=file.name, declared_size=file.size,
            source_ref=source_ref(file.folders.code, file.claim_name),
        )

    # -- moving ------------------------------------------------------------------------

    def _finish(self, file: ClaimedFile, outcome: Outcome, report: PassReport) -> None:
        folders = file.folders
        try:
            with folder_lock(folders.lock_file):
                if outcome.accepted:
                    target = move_without_overwrite(file.path, folders.sent, file.name)
                else:
                    target = self._place_rejected(file, outcome)
        except OSError as error:
            self._move_failed(file, error, report)
            return

        self._move_failures.pop(file.claim_name, None)
        if outcome.accepted:
            report.accepted += 1
            log.info("filedrop_sent", organisation=folders.code, message_id=outcome.message_id,
                     file=file.name, moved_to=target.name)
        else:
            report.rejected += 1
            log.info("filedrop_rejected", organisation=folders.code, message_id=outcome.message_id,
                     code=outcome.code, file=file.name, moved_to=target.name)

    def _place_rejected(self, file: ClaimedFile, outcome: Outcome):
        message = self._store.get_message(outcome.message_id)
        content = build_report(file.name, outcome, message.received_at if message else None, self._explain)

        def write(path):
            write_report(content, file.folders.tmp, path)

        return place_with_report(file.path, file.folders.rejected, file.name, outcome.message_id, write, report_owner)

    def _move_failed(self, file: ClaimedFile, error: OSError, report: PassReport) -> None:
        report.unmovable += 1
        failures = self._move_failures.get(file.claim_name, 0) + 1
        self._move_failures[file.claim_name] = failures
        if failures & (failures - 1) == 0:  # log the 1st, 2nd, 4th, 8th ... failure of one file
            log.warning("filedrop_move_failed", organisation=file.folders.code, file=file.name,
                        claim=file.claim_name, failures=failures, error=str(error))
