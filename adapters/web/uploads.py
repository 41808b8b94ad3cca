"""Receive uploaded message files: stream the multipart parts to spool files, then hand them to core.

Each part is read once, in chunks, into a spool file (kept in memory up to
``SPOOL_MEMORY`` bytes, on disk beyond), because the parts of one request arrive one
after the other and core takes the whole batch under one commit. A part larger than
the hub's maximum is not stored: its remaining bytes are counted and dropped, and core
rejects it with IB007 from the declared size, so the rejection shows in track & trace.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

import falcon
import structlog

from adapters.i18n import explain_code
from adapters.i18n.catalog import N_
from adapters.web.errors import PortalError
from adapters.web.security import CSRF_FIELD, CsrfError, CsrfGuard
from core import codes
from core.ingest import IngestService, Outcome, Submission
from core.principal import Principal

log = structlog.get_logger(__name__)

CHUNK = 64 * 1024
SPOOL_MEMORY = 1024 * 1024
FILE_FIELD = "files"
MAX_NAME_BYTES = 255
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers on top of the files themselves
UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class ReceivedFile:
    name: str | None
    spool: BinaryIO | None  # None when the part was larger than the maximum and was dropped
    size: int


def safe_filename(raw: str | None) -> str | None:
    """Return the base name of an uploaded file name, without control characters; None when nothing is left.

    Browsers may send a full path (``C:\\Users\\...\\JW301.xml``); only the part after the
    last slash or backslash is kept. The name is shown on pages (escaped) and stored as
    the message's file name, never used as a path on disk.
    """
    if not raw:
        return None
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", raw))[-1]
    name = UNSAFE_NAME_CHARACTERS.sub("", name).strip()
    if name in ("", ".", ".."):
        return None
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name


def check_request_size(req: falcon.Request, max_files: int, max_size: int) -> None:
    """Refuse, before reading it, a request body that cannot fit ``max_files`` files of ``max_size`` bytes."""
    if req.content_length is not None and req.content_length > max_files * max_size + MULTIPART_OVERHEAD:
        raise PortalError(413, codes.IB007, N_("The upload is larger than %(files)s files of at most %(size)s each."),
                          {"files": max_files, "size": f"{max_size // (1024 * 1024)} MB"})


def read_files(req: falcon.Request, guard: CsrfGuard, stack: ExitStack, max_files: int, max_size: int) -> list[ReceivedFile]:
    """Read the ``files`` parts of a multipart form; the CSRF token must come first unless a header carried it."""
    parts = iter(req.get_media())
    if not req.context.csrf_checked:
        first = next(parts, None)
        if first is None or first.name != CSRF_FIELD:
            raise CsrfError("the first form field is not the CSRF token")
        guard.verify(req, first.get_text())

    received: list[ReceivedFile] = []
    for part in parts:
        if part.name != FILE_FIELD or not part.filename:
            part.stream.pipe()  # skip other fields, and the empty part a file input left blank sends
            continue
        if len(received) >= max_files:
            raise PortalError(413, "GGK413-FILES", N_("Send at most %(count)s files at once."), {"count": max_files})
        received.append(_spool(part, stack, max_size))
    return received


def _spool(part, stack: ExitStack, max_size: int) -> ReceivedFile:
    name = safe_filename(part.filename)
    spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY))
    size = 0
    while chunk := part.stream.read(CHUNK):
        size += len(chunk)
        if size <= max_size:
            spool.write(chunk)
    if size > max_size:
        spool.close()
        return ReceivedFile(name, None, size)
    spool.seek(0)
    return ReceivedFile(name, spool, size)


def submit(ingest: IngestService, principal: Principal, files: list[ReceivedFile]) -> list[Outcome]:
    """Hand the readable files to core in one batch; a file without a usable name is rejected here (GGK006)."""
    usable = [item for item in files if item.name is not None]
    submissions = [
        Submission(stream=item.spool or _Empty(), filename=item.name, declared_size=item.size)
        for item in usable
    ]
    outcomes = iter(ingest.submit_many(principal, submissions) if submissions else [])
    results = []
    for item in files:
        if item.name is None:
            results.append(Outcome(message_id="", status="rejected", code=codes.GGK006,
                                   detail="the uploaded file has no usable file name"))
        else:
            results.append(next(outcomes))
    log.info("web_upload_submitted", actor=principal.describe(), files=len(files),
             accepted=sum(1 for o in results if o.accepted))
    return results


class _Empty:
    """Stands in for a dropped oversized part; core rejects it from its declared size before reading."""

    def read(self, size: int = -1) -> bytes:
        return b""


def result_dict(outcome: Outcome, language: str) -> dict:
    """Return an outcome as the API and the upload page show it, with the explanation for people."""
    result = outcome.as_dict()
    result["message_id"] = outcome.message_id or None
    result["explanation"] = explain_code(outcome.code, outcome.params, language)
    return result


def upload_status(outcomes: list[Outcome]) -> int:
    """201 when every file was accepted, 200 when some were, else 413 (all too large) or 422."""
    accepted = sum(1 for outcome in outcomes if outcome.accepted)
    if outcomes and accepted == len(outcomes):
        return 201
    if accepted:
        return 200
    if outcomes and all(outcome.code == codes.IB007 for outcome in outcomes):
        return 413
    return 422
