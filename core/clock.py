"""The wall clock used outside tests."""

from __future__ import annotations

from datetime import datetime, timezone

from core.ports import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(timezone.utc)
