"""Geometry of the dashboard's volume chart: stacked bars per day, drawn as SVG by a template."""

from __future__ import annotations

import math
from dataclasses import dataclass

from adapters.web.statistics import DayVolume

WIDTH = 720
HEIGHT = 240
LEFT = 48  # room for the y-axis labels
BOTTOM = 28  # room for the x-axis labels
TOP = 12
GAP = 4


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    received_y: float
    received_height: float
    sent_y: float
    sent_height: float
    volume: DayVolume
    label: str | None  # the day under the bar, on every seventh day


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    total_received: int
    total_sent: int


def nice_maximum(value: int) -> int:
    """Round ``value`` up to 1, 2 or 5 times a power of ten, so the axis has round ticks."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _labelled(index: int, count: int) -> bool:
    """Label every seventh day, and the last day when it is not too close to the previous label."""
    if index % 7 == 0:
        return True
    return index == count - 1 and index % 7 >= 4


def volume_chart(days: list[DayVolume], day_label) -> Chart:
    """Lay out one stacked bar per day; ``day_label(date)`` formats the x-axis labels."""
    top = nice_maximum(max((d.received + d.sent for d in days), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(len(days), 1)
    bars = []
    for index, volume in enumerate(days):
        received_height = plot_height * volume.received / top
        sent_height = plot_height * volume.sent / top
        bars.append(Bar(
            x=round(LEFT + index * slot + GAP / 2, 2),
            width=round(slot - GAP, 2),
            received_y=round(baseline - received_height, 2),
            received_height=round(received_height, 2),
            sent_y=round(baseline - received_height - sent_height, 2),
            sent_height=round(sent_height, 2),
            volume=volume,
            label=day_label(volume.day) if _labelled(index, len(days)) else None,
        ))
    ticks = [Tick(round(baseline - plot_height * step / 4, 2), top * step // 4) for step in range(5)]
    return Chart(WIDTH, HEIGHT, LEFT, baseline, bars, ticks,
                 sum(d.received for d in days), sum(d.sent for d in days))
