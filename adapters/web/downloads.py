"""Download message files: one file as it is, or a selection packed in a ZIP.

A rejected file in the selection gets a rejection report beside it in the ZIP
(``<file>.afkeuring.json``) with the code, the explanation and the position in the
file, the way the GGk packs its error messages for portal users. Every file fetched
through core's ``MailboxService.fetch`` is marked downloaded when the caller is its
recipient, and stays retrievable.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import BinaryIO

import structlog

from adapters.i18n import explain_code
from adapters.web.rendering import LOCAL_TIME
from core.errors import NotFound
from core.mailbox import MailboxService
from core.model import Message, State
from core.principal import Principal

log = structlog.get_logger(__name__)

MAX_SELECTION = 200
SPOOL_MEMORY = 8 * 1024 * 1024


@dataclass
class Archive:
    stream: BinaryIO
    size: int
    files: int


def download_name(message: Message) -> str:
    """Return the file name to offer: the name it was sent with, else one made from its type and id."""
    if message.filename:
        return message.filename
    return f"{message.message_type or 'bericht'}-{message.id}.xml"


def rejection_report(message: Message, language: str) -> dict:
    return {
        "message_id": message.id,
        "file": message.filename,
        "received_at": message.received_at.isoformat(),
        "status": "rejected",
        "code": message.reject_code,
        "explanation": explain_code(message.reject_code, {}, language),
        "detail": message.reject_detail,
        "line": message.reject_line,
        "column": message.reject_column,
    }


def build_zip(mailbox: MailboxService, principal: Principal, message_ids: list[str], language: str) -> Archive:
    """Pack the selected messages the principal may see; raise NotFound when none of them is visible."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
    names = _UniqueNames()
    count = 0
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for message_id in dict.fromkeys(message_ids):
            count += _add_message(archive, mailbox, principal, message_id, names, language)
    if count == 0:
        spool.close()
        raise NotFound("none of the selected messages is visible", params={"count": len(message_ids)})
    size = spool.tell()
    spool.seek(0)
    log.info("web_zip_built", actor=principal.describe(), files=count, bytes=size)
    return Archive(spool, size, count)


def _add_message(archive: zipfile.ZipFile, mailbox: MailboxService, principal: Principal, message_id: str,
                 names: "_UniqueNames", language: str) -> int:
    try:
        message = mailbox.get(principal, message_id)
    except NotFound:
        log.info("web_zip_skipped", message_id=message_id, actor=principal.describe())
        return 0
    added = 0
    name = names.claim(download_name(message))
    if message.status == State.REJECTED:
        report = json.dumps(rejection_report(message, language), ensure_ascii=False, indent=2)
        archive.writestr(_entry(f"{name}.afkeuring.json", message.received_at), report)
        added += 1
    try:
        fetched, stream = mailbox.fetch(principal, message_id)
    except NotFound:
        return added  # a rejected file whose bytes the hub did not keep
    with stream, archive.open(_entry(name, fetched.received_at), "w") as target:
        shutil.copyfileobj(stream, target)
    return added + 1


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.astimezone(LOCAL_TIME).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


class _UniqueNames:
    """Give each file in the ZIP its own name: a second ``JW301.xml`` becomes ``JW301 (2).xml``."""

    def __init__(self):
        self._taken: set[str] = set()

    def claim(self, name: str) -> str:
        path = PurePosixPath(name.replace("\\", "_").replace("/", "_"))
        candidate, number = str(path), 1
        while candidate.lower() in self._taken:
            number += 1
            candidate = f"{path.stem} ({number}){path.suffix}"
        self._taken.add(candidate.lower())
        return candidate
