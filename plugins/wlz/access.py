"""Authorisation rules of the Wlz use cases, on top of ``core.authz``."""

from __future__ import annotations

import time
from collections.abc import Callable

from core import authz
from core.errors import NotAuthorised
from core.model import Organisation
from core.ports import Store
from core.principal import Action, Principal
from plugins.wlz.model import SERVICE


class OrganisationCache:
    """Organisations read through from the hub's store and kept for ``seconds``.

    The registertoets checks the asking organisation on every question, so a change of an
    organisation's enrolment or active flag takes effect after at most ``seconds``.
    """

    def __init__(self, hub: Store, seconds: float = 5.0, monotonic: Callable[[], float] = time.monotonic):
        self._hub = hub
        self._seconds = seconds
        self._monotonic = monotonic
        self._kept: dict[str, tuple[float, Organisation | None]] = {}

    def get_organisation(self, code: str) -> Organisation | None:
        now = self._monotonic()
        kept = self._kept.get(code)
        if kept is not None and now - kept[0] < self._seconds:
            return kept[1]
        organisation = self._hub.get_organisation(code)
        self._kept[code] = (now, organisation)
        return organisation


def require_enrolled_member(principal: Principal, hub: "Store | OrganisationCache", action: Action) -> Organisation:
    """Return the principal's organisation when it is active, enrolled for wlz and the principal has the grant for ``action``.

    Raise NotAuthorised otherwise, also for the hub operator acting for no organisation,
    because a Wlz question is always asked for an organisation.
    """
    if principal.organisation is None:
        raise NotAuthorised(f"{principal.describe()} acts for no organisation; act as the organisation (--as CODE)")
    organisation = hub.get_organisation(principal.organisation)
    if organisation is None or not organisation.active or SERVICE not in organisation.services():
        raise NotAuthorised(f"organisation {principal.organisation} is unknown, inactive or not enrolled for wlz",
                            params={"organisation": principal.organisation, "service": SERVICE})
    authz.require_act_for(principal, organisation.code, SERVICE, action)
    return organisation


def require_operator_or_partner(principal: Principal, hub: Store, partners: tuple[str, ...]) -> None:
    """Allow the hub operator, or one of the chain partners ``partners`` acting for itself with wlz send."""
    if principal.is_operator and principal.organisation is None:
        return
    if principal.organisation not in partners:
        raise NotAuthorised(f"{principal.describe()} may not do this; only the hub operator or "
                            f"{' or '.join(partners)} may", params={"service": SERVICE})
    require_enrolled_member(principal, hub, Action.SEND)
