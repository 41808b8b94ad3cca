"""Dashboard figures: per service the mailbox counts, and the message volume of the last 30 days.

The figures come from ``MailboxService.summary``, which counts exactly what the
principal may see with grouped, indexed queries, so they hold for any mailbox size.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.web.rendering import LOCAL_TIME
from core.mailbox import DayVolume, MailboxService, ServiceSummary
from core.principal import Principal

DAYS = 30

__all__ = ["DAYS", "DayVolume", "Overview", "ServiceFigures", "build_overview"]


@dataclass(frozen=True)
class ServiceFigures:
    service: str
    name: str
    new: int  # arrived in the last 24 hours
    waiting: int  # delivered, not yet downloaded
    rejected: int  # own files rejected in the last 30 days


@dataclass(frozen=True)
class Overview:
    services: list[ServiceFigures]
    days: list[DayVolume]


def build_overview(mailbox: MailboxService, principal: Principal, organisation: str,
                   services: dict[str, str]) -> Overview:
    """Return the figures of each service in ``services`` (code -> name) that ``principal`` may see in ``organisation``."""
    summary = mailbox.summary(principal, organisation, days=DAYS, zone=LOCAL_TIME)
    figures = []
    for code, name in sorted(services.items()):
        counted = summary.services.get(code, ServiceSummary(code))
        figures.append(ServiceFigures(code, name, counted.new, counted.waiting, counted.rejected))
    return Overview(figures, summary.days)
