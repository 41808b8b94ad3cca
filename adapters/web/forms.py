"""Reading URL-encoded forms and JSON bodies, and the role and grant choices of the account forms.

A grant travels as ``service:action`` (``jw:send``), in checkbox values and in JSON alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import falcon

from adapters.i18n.catalog import N_
from adapters.web.errors import PortalError
from core.model import Organisation
from core.principal import Action, Grant, Role

MAX_FIELD = 1024  # longer values are cut before they reach core, whose own limits are lower


class Form:
    """The fields of a URL-encoded form; a repeated name (checkboxes) gives a list."""

    def __init__(self, fields: dict):
        self._fields = fields

    @classmethod
    def read(cls, req: falcon.Request) -> "Form":
        media = req.get_media(default_when_empty={})
        return cls(media if isinstance(media, dict) else {})

    def text(self, name: str) -> str:
        value = self._fields.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return value.strip()[:MAX_FIELD] if isinstance(value, str) else ""

    def secret(self, name: str) -> str:
        """Return a password field as typed: spaces count."""
        value = self._fields.get(name, "")
        return value if isinstance(value, str) else ""

    def texts(self, name: str) -> list[str]:
        value = self._fields.get(name, [])
        values = [value] if isinstance(value, str) else list(value)
        return [item.strip() for item in values if isinstance(item, str) and item.strip()]


def json_body(req: falcon.Request) -> dict:
    """Return the JSON object of the request; anything else is a 400 problem."""
    body = req.get_media(default_when_empty={})
    if not isinstance(body, dict):
        raise PortalError(400, "GGK400", N_("Send a JSON object."))
    return body


def json_strings(body: dict, name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PortalError(400, "GGK400", N_("%(name)s must be a list of strings."), {"name": name},
                          fields={name: N_("Give a list of strings.")})
    return value


def json_text(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise PortalError(400, "GGK400", N_("%(name)s must be a string."), {"name": name},
                          fields={name: N_("Give a string.")})
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_roles(values: list[str]) -> tuple[frozenset[Role], list[str]]:
    """Return the roles named in ``values`` and the names that are no role."""
    roles, unknown = set(), []
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError:
            unknown.append(value)
    return frozenset(roles), unknown


def parse_grants(values: list[str]) -> tuple[frozenset[Grant], list[str]]:
    """Return the grants named as ``service:action`` in ``values`` and the values that are no grant."""
    grants, unknown = set(), []
    for value in values:
        service, _, action = value.partition(":")
        try:
            grants.add(Grant(service.strip().lower(), Action(action.strip().lower())))
        except ValueError:
            unknown.append(value)
        else:
            if not service.strip():
                unknown.append(value)
    return frozenset(grants), unknown


def grant_value(grant: Grant) -> str:
    return f"{grant.service}:{grant.action.value}"


@dataclass(frozen=True)
class GrantRow:
    """One service's row of checkboxes in the grant matrix."""

    service: str
    name: str
    values: tuple[tuple[Action, str], ...]  # (action, checkbox value)


def grant_matrix(organisation: Organisation | None, service_names: dict[str, str]) -> list[GrantRow]:
    """Return a row per service ``organisation`` is enrolled for, with a checkbox per action."""
    if organisation is None:
        return []
    return [
        GrantRow(service, service_names.get(service, service),
                 tuple((action, grant_value(Grant(service, action))) for action in Action))
        for service in sorted(organisation.services())
    ]
