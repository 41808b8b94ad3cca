"""CPA use cases: import, request, approve (activate), end, list and show.

    operator          import_cpa  approve  end  list  show
    productbeheerder  request_cpa          end  list  show   (own organisation only)
    organisation software                  active_cpa        (own organisation only)

A CPA that declares SHA-1 or TLS older than 1.2 can be imported and shown, never
approved. Nobody approves a CPA they requested or imported themselves.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import structlog

from core.cpa import checks
from core.cpa.errors import CpaNotActivatable, CpaNotForHub
from core.cpa.generator import CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.model import Cpa
from core.cpa.parser import CpaParser
from core.cpa.ports import CpaRecord, CpaRepository, CpaState
from core.errors import InvalidRequest, NotAuthorised, NotFound
from core.model import Organisation
from core.ports import Clock
from core.principal import Principal, Role

log = structlog.get_logger(__name__)

PENDING = frozenset({CpaState.REQUESTED, CpaState.IMPORTED})
NOT_ENDED = frozenset({CpaState.REQUESTED, CpaState.IMPORTED, CpaState.ACTIVE})
DEFAULT_VALIDITY = timedelta(days=3 * 365)
PARSED_CACHE_SIZE = 256  # parsed CPAs kept per service, by the SHA-256 of their XML


@dataclass(frozen=True)
class HubIdentity:
    """The hub's side of its CPAs. ``oins`` lists every OIN of the hub, and ``oin`` goes into new CPAs."""

    oin: str
    oins: frozenset[str]
    name: str
    endpoint_url: str
    certificate_pem: str


@dataclass(frozen=True)
class CpaView:
    """A stored CPA with its parsed content and the reasons it cannot be activated, if any."""

    record: CpaRecord
    cpa: Cpa
    warnings: tuple[checks.CpaWarning, ...]


class OrganisationLookup(Protocol):
    """The part of ``core.ports.Store`` the CPA use cases read."""

    def get_organisation(self, code: str) -> Organisation | None: ...


class CpaService:
    def __init__(
        self,
        repository: CpaRepository,
        parser: CpaParser,
        hub: HubIdentity,
        organisations: OrganisationLookup,
        clock: Clock,
        validity: timedelta = DEFAULT_VALIDITY,
    ):
        self._repository = repository
        self._parser = parser
        self._hub = hub
        self._organisations = organisations
        self._clock = clock
        self._validity = validity
        self._parsed: dict[str, Cpa] = {}

    def import_cpa(self, principal: Principal, organisation: str, xml: bytes) -> CpaView:
        """Store a CPA made elsewhere for ``organisation``; it waits for approval in state IMPORTED."""
        _require_operator(principal)
        party_oin = self._organisation_oin(organisation)

        cpa = self._parser.parse(xml)
        hub = checks.hub_party(cpa, self._hub.oins)
        counterpart = cpa.other_party(hub)
        if party_oin not in counterpart.oins():
            raise CpaNotForHub(
                f"CPA {cpa.cpaid} names {', '.join(map(str, counterpart.party_ids))} as the other party, "
                f"not the OIN {party_oin} of organisation {organisation}",
                params={"cpaid": cpa.cpaid, "organisation": organisation},
            )

        hub_oin = next(oin for oin in hub.oins() if oin in self._hub.oins)
        record = self._record(cpa, xml, organisation, CpaState.IMPORTED, hub_oin, party_oin, principal, None)
        self._repository.add(record)
        found = checks.warnings(cpa)
        log.info("cpa_imported", cpaid=cpa.cpaid, organisation=organisation, warnings=len(found),
                 actor=principal.describe())
        return CpaView(record, cpa, tuple(found))

    def request_cpa(
        self,
        principal: Principal,
        organisation: str,
        profile: Profile,
        endpoint_url: str,
        certificate_pem: str,
        sync_reply_mode: str = "none",
    ) -> CpaView:
        """Generate a CPA between the hub and ``organisation``; it waits for approval in state REQUESTED."""
        _require_manager(principal, organisation)
        party_oin = self._organisation_oin(organisation)
        if not endpoint_url.lower().startswith("https://"):
            raise InvalidRequest(f"endpoint {endpoint_url!r} is not an HTTPS URL; Digikoppeling requires TLS",
                                 params={"endpoint_url": endpoint_url})
        if sync_reply_mode not in ("none", "mshSignalsOnly"):
            raise InvalidRequest(f"syncReplyMode {sync_reply_mode!r} is not supported; use none or mshSignalsOnly")

        start = self._clock.now()
        name = self._organisations.get_organisation(organisation).name
        request = CpaRequest(
            cpaid=f"ggk-{party_oin}-{profile.value}-{uuid.uuid4().hex[:12]}",
            hub=PartySpec(self._hub.oin, self._hub.name, self._hub.endpoint_url, self._hub.certificate_pem),
            organisation=PartySpec(party_oin, name, endpoint_url, certificate_pem),
            profile=profile, start=start, end=start + self._validity, sync_reply_mode=sync_reply_mode,
        )
        xml = generate_cpa(request)
        cpa = self._parser.parse(xml)

        record = self._record(cpa, xml, organisation, CpaState.REQUESTED, self._hub.oin, party_oin, principal, profile)
        self._repository.add(record)
        log.info("cpa_requested", cpaid=cpa.cpaid, organisation=organisation, profile=profile.value,
                 actor=principal.describe())
        return CpaView(record, cpa, tuple(checks.warnings(cpa)))

    def approve(self, principal: Principal, cpaid: str) -> CpaView:
        """Activate a requested or imported CPA; raise CpaNotActivatable while it has warnings."""
        _require_operator(principal)
        view = self._view(cpaid)
        if view.record.created_by == principal.describe():
            raise NotAuthorised(f"{principal.describe()} created CPA {cpaid} and may not approve it as well",
                                params={"cpaid": cpaid})
        if view.warnings:
            reasons = "; ".join(f"{warning.party}: {warning.detail}" for warning in view.warnings)
            raise CpaNotActivatable(f"CPA {cpaid} cannot be activated: {reasons}",
                                    params={"cpaid": cpaid, "warnings": [w.kind.value for w in view.warnings]})
        now = self._clock.now()
        if not view.cpa.in_force(now):
            raise InvalidRequest(f"CPA {cpaid} is valid from {view.cpa.start} to {view.cpa.end}, not now",
                                 params={"cpaid": cpaid})

        record = self._repository.transition(cpaid, PENDING, CpaState.ACTIVE, now, principal.describe())
        log.info("cpa_activated", cpaid=cpaid, organisation=record.organisation, actor=principal.describe())
        return CpaView(record, view.cpa, view.warnings)

    def end(self, principal: Principal, cpaid: str) -> CpaView:
        """End a CPA in any state but ENDED; messages under it are refused from now on."""
        view = self._view(cpaid)
        _require_manager(principal, view.record.organisation)

        record = self._repository.transition(cpaid, NOT_ENDED, CpaState.ENDED, self._clock.now(), principal.describe())
        log.info("cpa_ended", cpaid=cpaid, organisation=record.organisation, actor=principal.describe())
        return CpaView(record, view.cpa, view.warnings)

    def list(self, principal: Principal, organisation: str | None = None) -> list[CpaRecord]:
        """Return the CPAs of ``organisation``; an operator may pass None for every organisation."""
        if organisation is None:
            _require_operator(principal)
        else:
            _require_manager(principal, organisation)
        return self._repository.list(organisation)

    def show(self, principal: Principal, cpaid: str) -> CpaView:
        view = self._view(cpaid)
        try:
            _require_manager(principal, view.record.organisation)
        except NotAuthorised:
            raise NotFound(f"CPA {cpaid} not found", params={"cpaid": cpaid}) from None
        return view

    def active_cpa(self, principal: Principal, cpaid: str) -> Cpa:
        """Return the active CPA ``cpaid`` of the principal's organisation, for checking an incoming message.

        Raise NotFound when it is unknown, not active, or belongs to another organisation,
        so that a sender learns nothing about other organisations' CPAs.
        """
        record = self._repository.get(cpaid)
        if record is None or record.state != CpaState.ACTIVE or record.organisation != principal.organisation:
            raise NotFound(f"no active CPA {cpaid} for {principal.describe()}", params={"cpaid": cpaid})
        return self._parse(record)

    def _parse(self, record: CpaRecord) -> Cpa:
        """Parse the record's XML once; the webservice checks every message against its CPA."""
        cpa = self._parsed.get(record.sha256)
        if cpa is None:
            cpa = self._parser.parse(record.xml)
            if len(self._parsed) >= PARSED_CACHE_SIZE:
                self._parsed.clear()
            self._parsed[record.sha256] = cpa
        return cpa

    def _view(self, cpaid: str) -> CpaView:
        record = self._repository.get(cpaid)
        if record is None:
            raise NotFound(f"CPA {cpaid} not found", params={"cpaid": cpaid})
        cpa = self._parse(record)
        return CpaView(record, cpa, tuple(checks.warnings(cpa)))

    def _organisation_oin(self, code: str) -> str:
        organisation = self._organisations.get_organisation(code)
        if organisation is None:
            raise NotFound(f"organisation {code} not found", params={"organisation": code})
        if not organisation.oin:
            raise InvalidRequest(f"organisation {code} has no OIN; set its OIN before adding a CPA",
                                 params={"organisation": code})
        return organisation.oin

    def _record(
        self, cpa: Cpa, xml: bytes, organisation: str, state: CpaState, hub_oin: str, party_oin: str,
        principal: Principal, profile: Profile | None,
    ) -> CpaRecord:
        return CpaRecord(
            cpaid=cpa.cpaid, organisation=organisation, state=state, xml=xml,
            sha256=hashlib.sha256(xml).hexdigest(), hub_oin=hub_oin, party_oin=party_oin,
            start=cpa.start, end=cpa.end, created_at=self._clock.now(), created_by=principal.describe(),
            profile=profile.value if profile else None,
        )


def _require_operator(principal: Principal) -> None:
    if not (principal.is_operator and principal.organisation is None):
        raise NotAuthorised(f"{principal.describe()} is not a hub operator")


def _require_manager(principal: Principal, organisation: str) -> None:
    """Let the hub operator through, and a productbeheerder of ``organisation``."""
    if principal.is_operator and principal.organisation is None:
        return
    if principal.organisation != organisation or Role.PRODUCTBEHEERDER not in principal.roles:
        raise NotAuthorised(
            f"{principal.describe()} is not a productbeheerder of {organisation}",
            params={"organisation": organisation},
        )
