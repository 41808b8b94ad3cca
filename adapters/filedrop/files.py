"""File operations the file drop relies on: locks, atomic writes and moves that never overwrite.

Locks are ``flock`` locks, which the kernel releases when the holding process dies, so a
crashed hub process never leaves a file locked. They need a filesystem where ``flock``
works between the hub processes that share the root: a local disk, or NFS from Linux
2.6.12 on, where the kernel maps ``flock`` to NFS locks (flock(2), "NFS details").
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from adapters.filedrop.layout import REPORT_SUFFIX, numbered_names

CHUNK = 1024 * 1024


@contextlib.contextmanager
def folder_lock(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if missing), blocking until it is free."""
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def open_locked(path: Path) -> BinaryIO | None:
    """Open ``path`` for reading under an exclusive, non-blocking lock.

    Return None when another process holds the lock or the file is gone. After locking,
    the path must still name the locked file: another process may have moved it away
    between our open and our lock. Raise OSError when the filesystem refuses the lock.
    """
    try:
        handle = _open_for_lock(path)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.stat(path).st_ino != os.fstat(handle.fileno()).st_ino:
            handle.close()
            return None
    except (BlockingIOError, FileNotFoundError):
        handle.close()
        return None
    except OSError:
        handle.close()
        raise
    return handle


def _open_for_lock(path: Path) -> BinaryIO:
    """Open read-write where allowed, because NFS grants an exclusive flock only on a file open for writing."""
    try:
        return open(path, "r+b")
    except PermissionError:
        return open(path, "rb")


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(source: BinaryIO, tmp_folder: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a synced file in ``tmp_folder``; ``target`` is never partial."""
    tmp = tmp_folder / f"{uuid.uuid4().hex}.{target.name}.part"
    try:
        with open(tmp, "xb") as handle:
            shutil.copyfileobj(source, handle, CHUNK)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


def move_without_overwrite(source: Path, folder: Path, name: str) -> Path:
    """Rename ``source`` into ``folder`` as ``name``, or as ``name`` with a number when taken.

    The caller holds the folder's lock, so no other hub process picks the same free name
    between the check and the rename.
    """
    for candidate in numbered_names(name):
        target = folder / candidate
        if not os.path.lexists(target):
            os.rename(source, target)
            return target
    raise AssertionError("numbered_names is endless")


def place_with_report(
    source: Path, folder: Path, name: str, message_id: str, write_report: Callable[[Path], None],
    report_owner: Callable[[Path], str | None],
) -> Path:
    """Move ``source`` into ``folder`` with a report beside it; the report is written first.

    A free name needs both the file and ``NAME.fout.json`` free, unless that report is
    ours (``report_owner`` returns our ``message_id``): then a crash came between the
    report and the move, and the retry finishes at the same name. The caller holds the
    folder's lock.
    """
    for candidate in numbered_names(name):
        target = folder / candidate
        report = folder / f"{candidate}{REPORT_SUFFIX}"
        if os.path.lexists(target):
            continue
        if os.path.lexists(report) and report_owner(report) != message_id:
            continue
        write_report(report)
        os.rename(source, target)
        return target
    raise AssertionError("numbered_names is endless")
