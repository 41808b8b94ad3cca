from datetime import datetime, timedelta, timezone

import pytest

from core.cpa.xsdtypes import format_datetime, format_duration, parse_datetime, parse_duration


@pytest.mark.parametrize("text, expected", [
    ("PT5M", timedelta(minutes=5)),
    ("PT30M", timedelta(minutes=30)),
    ("P2D", timedelta(days=2)),
    ("P1DT2H3M4.5S", timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
    ("P1Y", timedelta(days=365)),
    ("P1M", timedelta(days=30)),
    ("-PT1H", -timedelta(hours=1)),
])
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "5M", "P1H", "PT1D"])
def test_parse_duration_rejects_malformed(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("duration", [timedelta(minutes=15), timedelta(days=1), timedelta(days=1, seconds=61), timedelta(0)])
def test_format_duration_round_trips(duration):
    assert parse_duration(format_duration(duration)) == duration


def test_datetimes_are_utc():
    assert parse_datetime("2025-01-01T12:30:00.000Z") == datetime(2025, 1, 1, 12, 30, tzinfo=timezone.utc)
    assert parse_datetime("2025-01-01T13:30:00+01:00") == datetime(2025, 1, 1, 12, 30, tzinfo=timezone.utc)
    assert parse_datetime("2025-01-01T12:30:00") == datetime(2025, 1, 1, 12, 30, tzinfo=timezone.utc)
    assert format_datetime(datetime(2025, 1, 1, 13, 30, tzinfo=timezone(timedelta(hours=1)))) == "2025-01-01T12:30:00.000Z"
