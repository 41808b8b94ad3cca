"""The file-drop folder layout and the rules for names inside it.

    <root>/<code>/uit/            files the organisation puts there to send
    <root>/<code>/in/             files the hub delivers to the organisation
    <root>/<code>/verzonden/      sent files, accepted by the hub
    <root>/<code>/afgekeurd/      rejected files, each with NAME.fout.json beside it
    <root>/<code>/.ggk/claimed/   files a hub process has taken from uit/ and not yet moved
    <root>/<code>/.ggk/tmp/       files being written, renamed into place when complete
    <root>/<code>/.ggk/lock       lock file that serialises moves into verzonden/ and afgekeurd/
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import structlog

from core.model import AGB_CODE, GEMEENTECODE, KETENPARTNER_NAME, Channel
from core.ports import Store

log = structlog.get_logger(__name__)

OUTBOX = "uit"
INBOX = "in"
SENT = "verzonden"
REJECTED = "afgekeurd"
WORK = ".ggk"
REPORT_SUFFIX = ".fout.json"

TEMPORARY_SUFFIXES = (".part", ".tmp")
NAME_MAX_BYTES = 255
CLAIM_SEPARATOR = "__"
CLAIM_NAME = re.compile(r"^(?P<token>[0-9a-f]{32})__(?P<name>.+)$")


@dataclass(frozen=True)
class OrgFolders:
    """The folders of one organisation below the file-drop root."""

    root: Path
    code: str

    @property
    def base(self) -> Path:
        return self.root / self.code

    @property
    def outbox(self) -> Path:
        return self.base / OUTBOX

    @property
    def inbox(self) -> Path:
        return self.base / INBOX

    @property
    def sent(self) -> Path:
        return self.base / SENT

    @property
    def rejected(self) -> Path:
        return self.base / REJECTED

    @property
    def claimed(self) -> Path:
        return self.base / WORK / "claimed"

    @property
    def tmp(self) -> Path:
        return self.base / WORK / "tmp"

    @property
    def lock_file(self) -> Path:
        return self.base / WORK / "lock"

    def all_folders(self) -> tuple[Path, ...]:
        return (self.outbox, self.inbox, self.sent, self.rejected, self.claimed, self.tmp)


def is_valid_code(code: str) -> bool:
    """Return whether ``code`` is a gemeentecode, an AGB code or a chain partner name.

    Only such codes become folder names, so a code can never climb out of the root.
    """
    return any(pattern.fullmatch(code) for pattern in (GEMEENTECODE, AGB_CODE, KETENPARTNER_NAME))


def filedrop_organisations(store: Store) -> list[str]:
    """Return the codes of active organisations enrolled for any service through file drop."""
    codes = []
    for organisation in store.list_organisations():
        if not organisation.active:
            continue
        if not any(Channel.FILEDROP in organisation.channels_for(s) for s in organisation.services()):
            continue
        if not is_valid_code(organisation.code):
            log.warning("filedrop_code_not_usable", organisation=organisation.code)
            continue
        codes.append(organisation.code)
    return codes


def ensure_folders(folders: OrgFolders) -> bool:
    """Create the organisation's folders; return False (and log) when one cannot be made."""
    complete = True
    for folder in folders.all_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            complete = False
            log.warning("filedrop_folder_not_created", organisation=folders.code, folder=str(folder),
                        error=str(error))
    return complete


def is_candidate(name: str) -> bool:
    """Return whether a name in uit/ may be a file to send: not hidden and not a temporary file."""
    if name.startswith((".", "~")):
        return False
    return not name.lower().endswith(TEMPORARY_SUFFIXES)


def fit_name(name: str, reserve: int) -> str:
    """Shorten ``name`` so that ``reserve`` more bytes still fit in one file name, keeping its extension."""
    limit = NAME_MAX_BYTES - reserve
    if len(name.encode()) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode()) > 16:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = limit - len(suffix.encode())
    shortened = stem.encode()[:room].decode(errors="ignore")
    return shortened + suffix


def new_claim_name(name: str) -> str:
    """Return a unique name for a file in .ggk/claimed/: ``<32 hex>__<name>``."""
    token = uuid.uuid4().hex
    reserve = len(token) + len(CLAIM_SEPARATOR) + len(REPORT_SUFFIX)
    return f"{token}{CLAIM_SEPARATOR}{fit_name(name, reserve)}"


def original_name(claim_name: str) -> str:
    """Return the name the organisation gave a claimed file; a name not made by the hub is kept."""
    match = CLAIM_NAME.match(claim_name)
    return match["name"] if match else claim_name


def source_ref(code: str, claim_name: str) -> str:
    """Return the idempotency reference of a claimed file, stable across hub restarts."""
    return f"filedrop:{code}:{claim_name}"


def numbered_names(name: str):
    """Yield ``name``, then ``stem-1.ext``, ``stem-2.ext``, ... for a target folder that has ``name``."""
    yield name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    number = 1
    while True:
        yield f"{stem}-{number}{suffix}"
        number += 1
