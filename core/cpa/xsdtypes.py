"""XML Schema date-times and durations (``2031-01-01T00:00:00Z``, ``PT5M``) as Python values."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

DURATION = re.compile(
    r"^(?P<sign>-)?P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)

# NOTE: a year or month has no fixed length, so this treats a year as 365 days and a month
# as 30 days. The CPA text is kept beside the value.
DAYS_PER_YEAR = 365
DAYS_PER_MONTH = 30


def parse_duration(text: str) -> timedelta:
    """Convert an ``xs:duration`` such as ``PT5M`` to a timedelta; raise ValueError when malformed."""
    match = DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"invalid ISO 8601 duration {text!r}; expected a form such as PT5M or P1DT2H")

    parts = {name: float(value) for name, value in match.groupdict().items() if value and name != "sign"}
    days = parts.get("years", 0) * DAYS_PER_YEAR + parts.get("months", 0) * DAYS_PER_MONTH + parts.get("days", 0)
    duration = timedelta(
        days=days,
        hours=parts.get("hours", 0),
        minutes=parts.get("minutes", 0),
        seconds=parts.get("seconds", 0),
    )
    return -duration if match.group("sign") else duration


def format_duration(duration: timedelta) -> str:
    """Write a non-negative timedelta as an ``xs:duration`` in days, hours, minutes and seconds."""
    if duration < timedelta(0):
        raise ValueError(f"negative duration {duration} has no meaning in a CPA")

    days = duration.days
    hours, rest = divmod(duration.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    date_part = f"{days}D" if days else ""
    time_part = "".join(
        f"{amount}{unit}" for amount, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if amount
    )
    if not date_part and not time_part:
        return "PT0S"
    return f"P{date_part}" + (f"T{time_part}" if time_part else "")


def parse_datetime(text: str) -> datetime:
    """Convert an ``xs:dateTime`` to an aware datetime; one without a zone is taken as UTC.

    Raise ValueError when the text is no date-time.
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        # NOTE: xs:dateTime allows no zone; ebMS and CPPA expect UTC, so a zoneless value is read as UTC.
        return value.replace(tzinfo=timezone.utc)
    return value


def format_datetime(moment: datetime) -> str:
    """Write an aware datetime as UTC with millisecond precision, such as ``2026-01-01T12:00:00.000Z``."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no defined instant; pass an aware datetime")
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
