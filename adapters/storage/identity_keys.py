"""The key that seals TOTP secrets: read from a file, or created there on first use.

The file contains the 32-byte key as base64 text and is created with mode 0600. Losing it
makes every enrolled TOTP app useless (each user then needs a second-factor reset),
so back it up with the database, but store it apart from database dumps.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import structlog

from core.identity.sealing import KEY_BYTES

log = structlog.get_logger(__name__)


class KeyFileError(Exception):
    """The key file exists but does not contain a valid key."""


def load_or_create_key(path: Path) -> bytes:
    """Return the key stored in ``path``, creating the file with a random key when it is missing."""
    if not path.exists():
        _create(path)
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise KeyFileError(f"key file {path} is not valid base64: restore it from a backup") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"key file {path} contains {len(key)} bytes, expected {KEY_BYTES}: restore it from a backup")
    return key


def _create(path: Path) -> None:
    """Write a new key to a temporary file, then link it into place, so no reader sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
        log.info("secret_key_created", path=str(path))
    except FileExistsError:
        pass  # another process created it first, and that key is the one to use
    finally:
        temporary.unlink(missing_ok=True)
