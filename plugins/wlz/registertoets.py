"""The registertoets: does a person have a Wlz indication on a peildatum, and in which period?

A gemeente requests one BSN or a batch (at most ``batch_limit``). Only a principal with
the grant (wlz, registertoets) of an organisation enrolled for wlz may ask, only for its
own organisation, and every question is audited: who, when, how many BSNs and the
peildatum, never the BSNs themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import structlog

from core import authz
from core.errors import NotAuthorised
from core.ports import Clock, Store
from core.principal import Action, Principal, Role
from plugins.wlz import fields
from plugins.wlz.access import OrganisationCache, require_enrolled_member
from plugins.wlz.bsn import is_valid_bsn
from plugins.wlz.dates import dutch_day
from plugins.wlz.errors import BatchSizeInvalid, InvalidBsn, InvalidPeildatum
from plugins.wlz.fields import FieldError
from plugins.wlz.model import ToetsAnswer, ToetsAudit, ToetsResult
from plugins.wlz.ports import WlzStore

log = structlog.get_logger(__name__)

DEFAULT_BATCH_LIMIT = 10_000
MAX_REPORTED_POSITIONS = 20
MAX_AUDIT_PAGE = 500


class RegistertoetsService:
    def __init__(self, store: WlzStore, hub: Store, clock: Clock, batch_limit: int = DEFAULT_BATCH_LIMIT):
        self._store = store
        self._organisations = OrganisationCache(hub)
        self._clock = clock
        self.batch_limit = batch_limit

    def toets(self, principal: Principal, bsns: Sequence[str], peildatum: date | str | None = None) -> ToetsAnswer:
        """Return for each BSN, in the order given, the indications that cover the peildatum (default: today).

        Raise NotAuthorised (GGK403) without the grant, BatchSizeInvalid (WLZ003) for no BSN
        or more than the limit, InvalidBsn (WLZ001) naming the positions of invalid BSNs,
        and InvalidPeildatum (WLZ002) for a peildatum that is not a date YYYY-MM-DD.
        """
        organisation = require_enrolled_member(principal, self._organisations, Action.REGISTERTOETS)
        self._check_size(len(bsns))
        wanted = [str(bsn).strip() for bsn in bsns]
        _check_bsns(wanted)
        day = self._peildatum(peildatum)

        audit = ToetsAudit(at=self._clock.now(), actor=principal.describe(), organisation=organisation.code,
                           channel=principal.channel.value, bsn_count=len(wanted), peildatum=day,
                           user_id=principal.user)
        found = self._store.toets(wanted, day, audit)
        log.info("wlz_registertoets", actor=audit.actor, organisation=organisation.code, bsn_count=len(wanted),
                 peildatum=day.isoformat(), found=len(found))
        results = tuple(ToetsResult(bsn, tuple(found.get(bsn, ()))) for bsn in wanted)
        return ToetsAnswer(day, results)

    def audit(self, principal: Principal, organisation: str | None = None, limit: int = 100) -> list[ToetsAudit]:
        """Return the newest audit records: the operator's of any (or every) organisation, a
        gebruikersbeheerder's or an organisation's software's only of its own."""
        page = max(1, min(limit, MAX_AUDIT_PAGE))
        if principal.is_operator and principal.organisation is None:
            return self._store.toets_audit(organisation, page)
        authz.require_member_or_operator(principal, organisation or principal.organisation or "")
        if principal.user is not None and Role.GEBRUIKERSBEHEERDER not in principal.roles:
            raise NotAuthorised(f"{principal.describe()} may not read the registertoets audit: only a gebruikersbeheerder may")
        return self._store.toets_audit(principal.organisation, page)

    def _check_size(self, count: int) -> None:
        if count == 0 or count > self.batch_limit:
            raise BatchSizeInvalid(f"a registertoets asks for 1 to {self.batch_limit} BSNs, not {count}",
                                   params={"count": count, "limit": self.batch_limit})

    def _peildatum(self, peildatum: date | str | None) -> date:
        if peildatum is None:
            return dutch_day(self._clock.now())
        if isinstance(peildatum, date):
            return peildatum
        try:
            return fields.day("peildatum", peildatum)
        except FieldError as error:
            raise InvalidPeildatum(f"invalid peildatum: {error.problem}", params={"peildatum": peildatum}) from None


def _check_bsns(bsns: list[str]) -> None:
    invalid = [position for position, bsn in enumerate(bsns, start=1) if not is_valid_bsn(bsn)]
    if not invalid:
        return
    positions = ", ".join(str(position) for position in invalid[:MAX_REPORTED_POSITIONS])
    more = f" and {len(invalid) - MAX_REPORTED_POSITIONS} more" if len(invalid) > MAX_REPORTED_POSITIONS else ""
    raise InvalidBsn(f"{len(invalid)} BSN(s) are not nine digits passing the elfproef, at position(s) {positions}{more}",
                     params={"positions": invalid[:MAX_REPORTED_POSITIONS], "count": len(invalid)})
