"""Decide when a file in uit/ has settled: its size and mtime unchanged for ``settle_seconds``.

On first sight a file's mtime shows how long it has been unchanged, measured against
the wall clock, so a file that has lain there for a while is taken at once (also after a
hub restart). Once seen, any change of size or mtime restarts the wait from the scan
that noticed it, measured on the monotonic clock; this holds back a writer that sets an
old mtime on a file it has just changed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Seen:
    size: int
    mtime_ns: int
    unchanged_since: float  # monotonic seconds


class SettleTracker:
    def __init__(
        self,
        settle_seconds: float,
        wall_time: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._settle_seconds = settle_seconds
        self._wall_time = wall_time
        self._monotonic = monotonic
        self._seen: dict[str, _Seen] = {}

    def is_settled(self, path: str, stat: os.stat_result) -> bool:
        """Record this observation of ``path`` and return whether it has been unchanged long enough."""
        now = self._monotonic()
        signature = (stat.st_size, stat.st_mtime_ns)
        previous = self._seen.get(path)
        if previous is None:
            # NOTE: an mtime set in the past by the writer (or a clock that runs behind the
            # hub's, as on a network share) makes a file seen for the first time look settled early.
            age = max(0.0, self._wall_time() - stat.st_mtime_ns / 1e9)
            previous = _Seen(*signature, unchanged_since=now - age)
            self._seen[path] = previous
        elif (previous.size, previous.mtime_ns) != signature:
            previous = _Seen(*signature, unchanged_since=now)
            self._seen[path] = previous
        return now - previous.unchanged_since >= self._settle_seconds

    def forget_except(self, folder_prefix: str, present: set[str]) -> None:
        """Drop observations of files below ``folder_prefix`` that are no longer present."""
        gone = [path for path in self._seen if path.startswith(folder_prefix) and path not in present]
        for path in gone:
            del self._seen[path]
