"""The calendar day in the Netherlands, which decides 'today' for a peildatum and a signal run."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def dutch_day(moment: datetime) -> date:
    return moment.astimezone(DUTCH_TIME).date()
