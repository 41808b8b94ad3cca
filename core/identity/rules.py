"""Who may manage which accounts, grant what, and read which audit records.

The rules, checked by every identity use case:

- The hub operator (a principal with the operator role and no organisation) manages
  every account. It grants the operator role to accounts without an organisation and
  the gebruikersbeheerder, productbeheerder and gebruiker roles to accounts of an
  organisation.
- A gebruikersbeheerder manages the accounts of their own organisation only, and only
  accounts whose roles they could have granted: gebruiker and productbeheerder. So a
  gebruikersbeheerder cannot create, change or disable another gebruikersbeheerder;
  the hub operator appoints those (at sign-up approval or later).
- A principal that may manage an organisation's accounts may grant (service, action)
  pairs for the services that organisation is enrolled for, and no others.
- Nobody changes their own roles, grants or status.
- Organisation software (a principal without a user) manages no accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import NotAuthorised
from core.identity.model import User
from core.model import Organisation
from core.principal import Action, Grant, Principal, Role

ORGANISATION_ROLES = frozenset({Role.GEBRUIKERSBEHEERDER, Role.PRODUCTBEHEERDER, Role.GEBRUIKER})
COLLEAGUE_ROLES = frozenset({Role.PRODUCTBEHEERDER, Role.GEBRUIKER})
OPERATOR_ROLES = frozenset({Role.OPERATOR})


def is_hub_operator(principal: Principal) -> bool:
    return principal.is_operator and principal.organisation is None


def is_user_admin_of(principal: Principal, organisation: str | None) -> bool:
    """Return whether ``principal`` is a gebruikersbeheerder acting for ``organisation``."""
    return (
        principal.user is not None
        and organisation is not None
        and principal.organisation == organisation
        and Role.GEBRUIKERSBEHEERDER in principal.roles
    )


def may_manage_accounts_of(principal: Principal, organisation: str | None) -> bool:
    """Return whether ``principal`` may list, create and manage accounts of ``organisation`` (None: operators)."""
    return is_hub_operator(principal) or is_user_admin_of(principal, organisation)


def grantable_roles(principal: Principal, organisation: str | None) -> frozenset[Role]:
    """Return the roles ``principal`` may give to an account of ``organisation``."""
    if is_hub_operator(principal):
        return OPERATOR_ROLES if organisation is None else ORGANISATION_ROLES
    if is_user_admin_of(principal, organisation):
        return COLLEAGUE_ROLES
    return frozenset()


def grantable_grants(principal: Principal, organisation: Organisation | None) -> frozenset[Grant]:
    """Return every (service, action) pair ``principal`` may grant within ``organisation``."""
    if organisation is None or not may_manage_accounts_of(principal, organisation.code):
        return frozenset()
    return frozenset(Grant(service, action) for service in organisation.services() for action in Action)


def require_manage_accounts_of(principal: Principal, organisation: str | None) -> None:
    if not may_manage_accounts_of(principal, organisation):
        target = organisation or "the hub operators"
        raise NotAuthorised(f"{principal.describe()} may not manage accounts of {target}",
                            params={"organisation": organisation})


def require_manage_user(principal: Principal, user: User) -> None:
    """Raise NotAuthorised unless ``principal`` may change ``user``'s roles, grants, status or second factor."""
    if principal.user is not None and principal.user == user.id:
        raise NotAuthorised("nobody may change their own roles, grants or account status",
                            params={"user_id": user.id})
    require_manage_accounts_of(principal, user.organisation)
    beyond = user.roles - grantable_roles(principal, user.organisation)
    if beyond:
        raise NotAuthorised(
            f"{principal.describe()} may not manage an account holding {_names(beyond)}",
            params={"user_id": user.id, "roles": sorted(r.value for r in beyond)},
        )


def require_grantable(principal: Principal, org_code: str | None, enrolled: Organisation | None,
                      roles: Iterable[Role], grants: Iterable[Grant]) -> None:
    """Raise NotAuthorised when ``roles`` or ``grants`` hold something ``principal`` may not give.

    ``enrolled`` is the organisation record of ``org_code``; it may be None when ``grants`` is empty.
    """
    extra_roles = set(roles) - grantable_roles(principal, org_code)
    if extra_roles:
        raise NotAuthorised(f"{principal.describe()} may not grant {_names(extra_roles)} in {org_code or 'the hub'}",
                            params={"roles": sorted(r.value for r in extra_roles)})
    extra_grants = set(grants) - grantable_grants(principal, enrolled)
    if extra_grants:
        listed = ", ".join(sorted(f"{g.service}:{g.action.value}" for g in extra_grants))
        raise NotAuthorised(f"{principal.describe()} may not grant {listed} in {org_code or 'the hub'}",
                            params={"grants": sorted(f"{g.service}:{g.action.value}" for g in extra_grants)})


def audit_scope(principal: Principal) -> str | None:
    """Return the organisation whose audit records ``principal`` reads (None: every one); raise when none."""
    if is_hub_operator(principal):
        return None
    if is_user_admin_of(principal, principal.organisation):
        return principal.organisation
    raise NotAuthorised(f"{principal.describe()} may not read the audit log")


def capabilities(principal: Principal) -> frozenset[str]:
    """Return the identity pages ``principal`` may open: "users", "audit" and "signups"."""
    granted = set()
    if may_manage_accounts_of(principal, principal.organisation):
        granted.update({"users", "audit"})
    if is_hub_operator(principal):
        granted.add("signups")
    return frozenset(granted)


def _names(roles: Iterable[Role]) -> str:
    return ", ".join(sorted(role.value for role in roles))
