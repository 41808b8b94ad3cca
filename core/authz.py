"""Authorisation rules, checked by every core use case before it acts."""

from __future__ import annotations

from core.errors import NotAuthorised
from core.principal import Action, Grant, Principal


def may_act_for(principal: Principal, organisation: str, service: str, action: Action) -> bool:
    """Return whether ``principal`` may do ``action`` on ``service`` messages of ``organisation``."""
    if principal.is_operator and principal.organisation is None:
        return True
    if principal.organisation != organisation:
        return False
    if principal.grants is None:
        return True
    return Grant(service, action) in principal.grants


def require_act_for(principal: Principal, organisation: str, service: str, action: Action) -> None:
    if not may_act_for(principal, organisation, service, action):
        raise NotAuthorised(
            f"{principal.describe()} may not {action.value} {service} messages of {organisation}",
            params={"organisation": organisation, "service": service, "action": action.value},
        )


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise NotAuthorised(f"{principal.describe()} is not a hub operator")


def require_member_or_operator(principal: Principal, organisation: str) -> None:
    if principal.is_operator and principal.organisation is None:
        return
    if principal.organisation != organisation:
        raise NotAuthorised(f"{principal.describe()} does not act for {organisation}")
