"""Helpers of the account pages: the identity component, form choices, and core's refusals as page errors."""

from __future__ import annotations

from dataclasses import dataclass, field

import falcon

from adapters.web.errors import PortalError
from adapters.web.forms import grant_matrix
from adapters.web.identity_text import Explanation, explain
from adapters.web.portal import Portal
from core.errors import GgkError
from core.identity import rules
from core.identity.model import User
from core.model import Organisation
from core.principal import Grant, Principal, Role


def identity_of(portal: Portal):
    """Return the identity component; the account routes exist only when one is wired in."""
    if portal.identity is None:
        raise PortalError(404, "GGK404")
    return portal.identity


def service_names(portal: Portal) -> dict[str, str]:
    return {code: spec.name for code, spec in portal.plugins.services().items()}


@dataclass
class PageErrors:
    """Field errors and one general refusal, translated, for a form page and its error summary."""

    fields: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 200

    def add(self, explanation: Explanation, _) -> None:
        text = _(explanation.message) % explanation.params if explanation.params else _(explanation.message)
        self.status = explanation.status
        if explanation.field:
            self.fields[explanation.field] = text
        else:
            self.refusal = text

    def add_field(self, name: str, message: str, _, status: int = 400) -> None:
        self.fields[name] = _(message)
        self.status = status

    def __bool__(self) -> bool:
        return bool(self.fields or self.refusal)


def refused(error: GgkError, principal: Principal, subject_user_id: str | None = None,
            fields: dict[str, str] | None = None) -> PortalError:
    """Turn a core refusal into an API problem with the same plain-language text as the pages."""
    explanation = explain(error, principal, subject_user_id, fields)
    named = {explanation.field: (explanation.message, explanation.params)} if explanation.field else None
    return PortalError(explanation.status, explanation.code, explanation.message, explanation.params, fields=named)


@dataclass(frozen=True)
class AccountChoices:
    """The roles and grants a principal may give within an organisation, for checkboxes."""

    organisation: Organisation | None
    roles: list[Role]
    grants: list  # GrantRow


def account_choices(portal: Portal, principal: Principal, organisation: str | None) -> AccountChoices:
    """Return what ``principal`` may give in ``organisation`` (None: hub operator accounts).

    The page only offers these; core checks every change again.
    """
    record = portal.organisations.get(principal, organisation) if organisation is not None else None
    order = [Role.GEBRUIKER, Role.PRODUCTBEHEERDER, Role.GEBRUIKERSBEHEERDER, Role.OPERATOR]
    grantable = rules.grantable_roles(principal, organisation)
    roles = [role for role in order if role in grantable]
    grants = grant_matrix(record, service_names(portal)) if rules.grantable_grants(principal, record) else []
    return AccountChoices(record, roles, grants)


def change_access(portal: Portal, principal: Principal, user: User, roles: frozenset[Role],
                  grants: frozenset[Grant]) -> User:
    """Replace the account's roles and grants; both changes are checked before either is saved.

    Core checks each change again, so a refusal found only there can still leave the
    roles saved and the grants not.
    """
    users = identity_of(portal).users
    added_grants = grants - user.grants
    rules.require_manage_user(principal, user)
    enrolled = portal.organisations.get(principal, user.organisation) if added_grants else None
    rules.require_grantable(principal, user.organisation, enrolled, roles - user.roles, added_grants)
    if roles != user.roles:
        user = users.set_roles(principal, user.id, roles)
    if grants != user.grants:
        user = users.set_grants(principal, user.id, grants)
    return user
