"""Use cases for organisations: register, enrol for services, set the OIN, deactivate."""

from __future__ import annotations

import re

import structlog

from core import authz
from core.errors import InvalidRequest, NotFound
from core.model import AGB_CODE, ENROLMENT_CHANNELS, GEMEENTECODE, KETENPARTNER_NAME, Channel, Enrolment, OrgKind, Organisation
from core.ports import Store
from core.principal import Principal

log = structlog.get_logger(__name__)

OIN_PATTERN = r"^[0-9]{20}$"


def check_code(kind: OrgKind, code: str) -> None:
    """Raise InvalidRequest unless ``code`` fits the organisation kind."""
    patterns = {
        OrgKind.GEMEENTE: (GEMEENTECODE, "a gemeentecode has 4 digits"),
        OrgKind.AANBIEDER: (AGB_CODE, "an AGB code has 8 digits"),
        OrgKind.KETENPARTNER: (KETENPARTNER_NAME, "a chain partner name is 2-16 capitals or digits, such as CAK"),
    }
    pattern, rule = patterns[kind]
    if not pattern.match(code) or code.strip("0") == "":
        raise InvalidRequest(f"invalid {kind.value} code {code!r}: {rule}, not all zeros",
                             params={"code": code, "kind": kind.value})


def check_oin(oin: str) -> None:
    if not re.match(OIN_PATTERN, oin):
        raise InvalidRequest(f"invalid OIN {oin!r}: an OIN has 20 digits", params={"oin": oin})


class OrganisationService:
    def __init__(self, store: Store, known_services: set[str]):
        self._store = store
        self._known_services = known_services

    def add(
        self, principal: Principal, kind: OrgKind, code: str, name: str, services: list[str],
        channels: list[Channel], oin: str | None = None,
    ) -> Organisation:
        authz.require_operator(principal)
        check_code(kind, code)
        if not name.strip():
            raise InvalidRequest("an organisation needs a name")
        if oin is not None:
            check_oin(oin)
        organisation = Organisation(code, kind, name.strip(), self._enrolments(services, channels), oin=oin)
        self._store.add_organisation(organisation)
        log.info("organisation_added", organisation=code, kind=kind.value, services=services, actor=principal.describe())
        return organisation

    def enrol(self, principal: Principal, code: str, services: list[str], channels: list[Channel]) -> Organisation:
        authz.require_operator(principal)
        organisation = self.get(principal, code)
        wanted = set(organisation.enrolments) | set(self._enrolments(services, channels))
        organisation.enrolments = sorted(wanted, key=lambda e: (e.service, e.channel.value))
        self._store.save_organisation(organisation)
        log.info("organisation_enrolled", organisation=code, services=services, actor=principal.describe())
        return organisation

    def set_oin(self, principal: Principal, code: str, oin: str) -> Organisation:
        authz.require_operator(principal)
        check_oin(oin)
        organisation = self.get(principal, code)
        organisation.oin = oin
        self._store.save_organisation(organisation)
        return organisation

    def set_active(self, principal: Principal, code: str, active: bool) -> Organisation:
        authz.require_operator(principal)
        organisation = self.get(principal, code)
        organisation.active = active
        self._store.save_organisation(organisation)
        return organisation

    def get(self, principal: Principal, code: str) -> Organisation:
        authz.require_member_or_operator(principal, code)
        organisation = self._store.get_organisation(code)
        if organisation is None:
            raise NotFound(f"organisation {code} not found", params={"code": code})
        return organisation

    def list(self, principal: Principal) -> list[Organisation]:
        authz.require_operator(principal)
        return self._store.list_organisations()

    def _enrolments(self, services: list[str], channels: list[Channel]) -> list[Enrolment]:
        if not services:
            raise InvalidRequest("name at least one service (dienst)")
        unknown = sorted(set(services) - self._known_services)
        if unknown:
            known = ", ".join(sorted(self._known_services))
            raise InvalidRequest(f"unknown service {', '.join(unknown)}; known services: {known}",
                                 params={"services": unknown})
        for channel in channels:
            if channel not in ENROLMENT_CHANNELS:
                raise InvalidRequest(f"{channel.value} is not an enrolment channel")
        return [Enrolment(service, channel) for service in services for channel in (channels or [Channel.PORTAL])]
