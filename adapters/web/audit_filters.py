"""Audit log filters from a query string, and the words the audit page shows for a record.

Pages are keyset-paginated by record id: ``before`` is the id of the last record of the
previous page, which core returns as ``AuditPage.next_before_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import falcon

from adapters.i18n import gettext_for
from adapters.i18n.catalog import N_
from adapters.web.rendering import LOCAL_TIME, format_moment
from core.errors import NotFound
from core.identity.model import AuditEvent, AuditQuery, AuditRecord

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ORGANISATION = re.compile(r"^[A-Z0-9]{2,16}$")
ACTOR = re.compile(r"^(user:[^@]+|org|operator)@([^/]+)/(\w+)$")  # Principal.describe()
MOMENTS = ("expires_at", "until")
PARAMETERS = ("event", "user", "message", "from", "to", "org", "before", "limit")
DETAIL_LABELS = {
    "roles": N_("roles"), "grants": N_("services"), "before": N_("before"), "after": N_("after"),
    "sessions_ended": N_("sessions ended"), "left": N_("recovery codes left"), "factor": N_("factor"),
    "failures": N_("failed attempts"), "until": N_("until"), "expires_at": N_("valid until"),
    "mailed": N_("e-mailed"), "revoked": N_("earlier links revoked"), "service": N_("service"),
    "channel": N_("channel"), "status": N_("status"), "services": N_("services"), "channels": N_("channels"),
    "reason": N_("reason"),
}


@dataclass
class AuditFilters:
    """The filter form's values as entered, the errors in them, and the query they make."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> untranslated message
    query: AuditQuery = field(default_factory=AuditQuery)


def parse_audit_filters(req: falcon.Request, find_user) -> AuditFilters:
    """Read the filters; ``find_user(username)`` returns an account's id or raises NotFound."""
    filters = AuditFilters(values={name: (req.get_param(name) or "").strip() for name in PARAMETERS})
    values, errors, query = filters.values, filters.errors, {}
    if values["event"]:
        try:
            query["events"] = (AuditEvent(values["event"]),)
        except ValueError:
            errors["event"] = N_("Choose one of the listed events.")
    if values["user"]:
        query["user_id"] = _user_id(values["user"], find_user, errors)
    if values["message"]:
        if UUID.match(values["message"]):
            query["message_id"] = values["message"].lower()
        else:
            errors["message"] = N_("A message id looks like 3f2c1a9e-…: 36 characters with dashes.")
    if values["org"]:
        if ORGANISATION.match(values["org"].upper()):
            query["organisation"] = values["org"].upper()
        else:
            errors["org"] = N_("Enter a gemeentecode, an AGB code or a chain partner such as CAK.")
    query.update(_period(values, errors))
    query.update(_page(values, errors))
    filters.query = AuditQuery(**query)
    return filters


def _user_id(value: str, find_user, errors: dict) -> str | None:
    if UUID.match(value):
        return value.lower()
    try:
        return find_user(value)
    except NotFound:
        errors["user"] = N_("No account with this username among the accounts you manage.")
        return None


def _period(values: dict, errors: dict) -> dict:
    found = {}
    days = {}
    for name in ("from", "to"):
        if not values[name]:
            continue
        try:
            days[name] = date.fromisoformat(values[name])
        except ValueError:
            errors[name] = N_("Enter a date as YYYY-MM-DD, for example 2026-12-01.")
    if "from" in days and "to" in days and days["to"] < days["from"]:
        errors["to"] = N_("The end date lies before the start date.")
        return found
    if "from" in days:
        found["since"] = datetime.combine(days["from"], time.min, LOCAL_TIME)
    if "to" in days:
        found["until"] = datetime.combine(days["to"] + timedelta(days=1), time.min, LOCAL_TIME)
    return found


def _page(values: dict, errors: dict) -> dict:
    found = {"limit": PAGE_SIZE}
    if values["before"]:
        if values["before"].isdigit():
            found["before_id"] = int(values["before"])
        else:
            errors["before"] = N_("The page link is not valid. Start again from the first page.")
    if values["limit"]:
        if values["limit"].isdigit() and 1 <= int(values["limit"]) <= MAX_PAGE_SIZE:
            found["limit"] = int(values["limit"])
        else:
            errors["limit"] = N_("Enter a page size from 1 to 500.")
    return found


def detail_items(record: AuditRecord, language: str) -> list[tuple[str, str]]:
    """Return (label, value) pairs of a record's details, in the reader's language."""
    _ = gettext_for(language)
    items = []
    for key, value in sorted(record.details.items()):
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, (list, tuple)):
            shown = ", ".join(str(item) for item in value) or "–"
        elif key in MOMENTS and isinstance(value, str):
            shown = _moment(value, language)
        else:
            shown = "–" if value is None else str(value)
        items.append((_(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key, shown))
    return items


def actor_text(record: AuditRecord, usernames: dict[str, str], language: str) -> str:
    """Name who acted: an account the reader manages, the hub operator, an organisation's software, or anonymous."""
    _ = gettext_for(language)
    if record.actor_user_id and record.actor_user_id in usernames:
        return usernames[record.actor_user_id]
    found = ACTOR.match(record.actor)
    if found is None:
        return _("Anonymous") if record.actor.startswith("anonymous") else record.actor
    who, organisation, channel = found.groups()
    if organisation == "-":
        return _("Hub operator")
    if who == "org":
        return _("Software of %(organisation)s (%(channel)s)") % {"organisation": organisation, "channel": channel}
    return _("A user of %(organisation)s") % {"organisation": organisation}


def _moment(value: str, language: str) -> str:
    try:
        return format_moment(datetime.fromisoformat(value), language)
    except ValueError:
        return value
