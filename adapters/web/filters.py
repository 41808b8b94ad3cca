"""Mailbox filters from a query string, and the keyset cursor of the next page.

The listings never count the whole table: a page asks core for one row more than it
shows, and that extra row tells whether a next page exists. The cursor is the
(received_at, id) of the last row shown, encoded so it travels in a URL.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import falcon

from adapters.i18n.catalog import N_
from adapters.web.rendering import LOCAL_TIME
from core.model import State
from core.ports import MessageQuery

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MESSAGE_TYPE = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
PARTNER = re.compile(r"^[A-Z0-9]{2,16}$")
IDENTIFICATIE = re.compile(r"^[^\x00-\x1f]{1,12}$")


@dataclass
class Filters:
    """The filter form's values as entered, the errors found in them, and the query they make."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> untranslated message
    service: str | None = None
    message_type: str | None = None
    partner: str | None = None
    status: State | None = None
    since: datetime | None = None
    until: datetime | None = None
    identificatie: str | None = None
    before: tuple[datetime, str] | None = None
    limit: int = PAGE_SIZE

    def query(self, organisation: str) -> MessageQuery:
        """Return the core query; it asks for one row more than a page to learn whether more follow."""
        return MessageQuery(
            organisation=organisation, services=(self.service,) if self.service else None,
            message_type=self.message_type, partner=self.partner, status=self.status, since=self.since,
            until=self.until, identificatie=self.identificatie, before=self.before, limit=self.limit + 1,
        )


def encode_cursor(received_at: datetime, message_id: str) -> str:
    raw = f"{received_at.isoformat()}|{message_id}".encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(token: str) -> tuple[datetime, str] | None:
    """Return the cursor's position, or None when it is not one this module made."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
        moment, message_id = raw.split("|", 1)
        parsed = datetime.fromisoformat(moment)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if parsed.tzinfo is None or not message_id:
        return None
    return parsed, message_id


def parse_filters(req: falcon.Request, services: set[str]) -> Filters:
    """Read the filter parameters; a wrong value is reported in ``errors`` and left out of the query."""
    filters = Filters()
    read = lambda name: (req.get_param(name) or "").strip()  # noqa: E731 - a one-line accessor
    for name in ("service", "type", "partner", "status", "from", "to", "identificatie", "after", "limit"):
        filters.values[name] = read(name)
    _service(filters, services)
    _patterns(filters)
    _status(filters)
    _period(filters)
    _page(filters)
    return filters


def _service(filters: Filters, services: set[str]) -> None:
    value = filters.values["service"]
    if value and value not in services:
        filters.errors["service"] = N_("Choose one of the listed services.")
    elif value:
        filters.service = value


def _patterns(filters: Filters) -> None:
    message_type = filters.values["type"].upper()
    if message_type and not MESSAGE_TYPE.match(message_type):
        filters.errors["type"] = N_("Enter a message type such as JW301 or WMO302.")
    elif message_type:
        filters.message_type = message_type
    partner = filters.values["partner"].upper()
    if partner and not PARTNER.match(partner):
        filters.errors["partner"] = N_("Enter a gemeentecode (4 digits), an AGB code (8 digits) or a chain partner such as CAK.")
    elif partner:
        filters.partner = partner
    identificatie = filters.values["identificatie"]
    if identificatie and not IDENTIFICATIE.match(identificatie):
        filters.errors["identificatie"] = N_("An Identificatie has 1 to 12 characters.")
    elif identificatie:
        filters.identificatie = identificatie


def _status(filters: Filters) -> None:
    value = filters.values["status"]
    if not value:
        return
    try:
        filters.status = State(value)
    except ValueError:
        filters.errors["status"] = N_("Choose one of the listed statuses.")


def _period(filters: Filters) -> None:
    start = _date(filters, "from")
    end = _date(filters, "to")
    if start and end and end < start:
        filters.errors["to"] = N_("The end date lies before the start date.")
        return
    if start:
        filters.since = datetime.combine(start, time.min, LOCAL_TIME)
    if end:
        filters.until = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TIME)


def _date(filters: Filters, name: str) -> date | None:
    value = filters.values[name]
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        filters.errors[name] = N_("Enter a date as YYYY-MM-DD, for example 2026-12-01.")
        return None


def _page(filters: Filters) -> None:
    cursor = filters.values["after"]
    if cursor:
        filters.before = decode_cursor(cursor)
        if filters.before is None:
            filters.errors["after"] = N_("The page link is not valid. Start again from the first page.")
    limit = filters.values["limit"]
    if limit:
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE_SIZE:
            filters.errors["limit"] = N_("Enter a page size from 1 to 500.")
        else:
            filters.limit = int(limit)
