"""CPA use cases: who may do what, and the life cycle requested|imported -> active -> ended."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.cpa.errors import CpaInvalid, CpaNotActivatable, CpaNotForHub
from core.cpa.generator import CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.parser import CpaParser
from core.cpa.ports import CpaState
from core.cpa.service import CpaService, HubIdentity
from core.errors import Conflict, InvalidRequest, NotAuthorised, NotFound
from core.model import Channel, Organisation, OrgKind
from core.principal import Principal, Role
from tests.cpa.certificates import TestCa
from tests.cpa.memory import MemoryCpaRepository
from tests.cpa.reference import cpa_path, schema_folder
from tests.fakes import FixedClock

HUB_OIN = "00000001234567890000"
UTRECHT_OIN = "00000001111111111000"
OPERATOR = Principal.operator(user="7")
SECOND_OPERATOR = Principal.operator(user="8")
PRODUCTBEHEERDER = Principal(Channel.PORTAL, organisation="0344", user="31", roles=frozenset({Role.PRODUCTBEHEERDER}))
GEBRUIKER = Principal(Channel.PORTAL, organisation="0344", user="32", roles=frozenset({Role.GEBRUIKER}))
SOFTWARE = Principal.organisation_software("0344", Channel.WEBSERVICE)


class Organisations:
    def __init__(self, *organisations: Organisation):
        self._by_code = {organisation.code: organisation for organisation in organisations}

    def get_organisation(self, code: str) -> Organisation | None:
        return self._by_code.get(code)


@pytest.fixture(scope="module")
def identities():
    ca = TestCa()
    return ca.issue("ggk hub", HUB_OIN), ca.issue("gemeente Utrecht", UTRECHT_OIN)


@pytest.fixture
def service(identities):
    hub, _ = identities
    return CpaService(
        repository=MemoryCpaRepository(),
        parser=CpaParser(schema_folder()),
        hub=HubIdentity(HUB_OIN, frozenset({HUB_OIN, "00000000000000000000"}), "GGk",
                        "https://hub.example.nl/ebms", hub.certificate_pem.decode()),
        organisations=Organisations(
            Organisation("0344", OrgKind.GEMEENTE, "Utrecht", oin=UTRECHT_OIN),
            Organisation("0363", OrgKind.GEMEENTE, "Amsterdam"),
            Organisation("0599", OrgKind.GEMEENTE, "Rotterdam", oin="00000000000000000001"),
        ),
        clock=FixedClock(datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)),
    )


def request(service, identities, principal=PRODUCTBEHEERDER, profile=Profile.OSB_RM_S):
    _, organisation = identities
    return service.request_cpa(principal, "0344", profile, "https://utrecht.example.nl/ebms",
                               organisation.certificate_pem.decode())


def test_request_stores_generated_cpa(service, identities):
    view = request(service, identities)

    assert view.record.state == CpaState.REQUESTED
    assert view.record.organisation == "0344"
    assert view.record.party_oin == UTRECHT_OIN
    assert view.record.hub_oin == HUB_OIN
    assert view.record.profile == "osb-rm-s"
    assert view.record.created_by == "user:31@0344/portal"
    assert view.warnings == ()
    assert view.cpa.cpaid.startswith(f"ggk-{UTRECHT_OIN}-osb-rm-s-")


def test_request_needs_productbeheerder_of_organisation(service, identities):
    with pytest.raises(NotAuthorised):
        request(service, identities, principal=GEBRUIKER)
    with pytest.raises(NotAuthorised):
        request(service, identities, principal=Principal(Channel.PORTAL, organisation="0599", user="1",
                                                         roles=frozenset({Role.PRODUCTBEHEERDER})))


def test_request_needs_https_endpoint(service, identities):
    _, organisation = identities

    with pytest.raises(InvalidRequest):
        service.request_cpa(PRODUCTBEHEERDER, "0344", Profile.OSB_BE, "http://utrecht.example.nl/ebms",
                            organisation.certificate_pem.decode())


def test_request_needs_organisation_oin(service, identities):
    _, organisation = identities
    amsterdam = Principal(Channel.PORTAL, organisation="0363", user="5", roles=frozenset({Role.PRODUCTBEHEERDER}))

    with pytest.raises(InvalidRequest) as raised:
        service.request_cpa(amsterdam, "0363", Profile.OSB_BE, "https://a.example.nl/ebms",
                            organisation.certificate_pem.decode())

    assert "OIN" in raised.value.detail


def test_approve_activates_requested_cpa(service, identities):
    cpaid = request(service, identities).cpa.cpaid

    view = service.approve(OPERATOR, cpaid)

    assert view.record.state == CpaState.ACTIVE
    assert view.record.activated_by == "user:7@-/cli"
    assert service.active_cpa(SOFTWARE, cpaid).cpaid == cpaid


def test_approve_needs_operator(service, identities):
    cpaid = request(service, identities).cpa.cpaid

    with pytest.raises(NotAuthorised):
        service.approve(PRODUCTBEHEERDER, cpaid)


def test_importer_may_not_approve_own_import(service):
    xml = cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes()
    service.import_cpa(OPERATOR, "0599", xml)

    with pytest.raises(NotAuthorised):
        service.approve(OPERATOR, "cpaStubEBF.rm.http.unsigned")


def test_import_keeps_weak_cpa_but_approve_refuses(service):
    xml = cpa_path("cpaStubEBF.rm.https.signed.xml").read_bytes()

    view = service.import_cpa(OPERATOR, "0599", xml)

    assert view.record.state == CpaState.IMPORTED
    assert view.record.xml == xml
    assert view.record.hub_oin == "00000000000000000000"
    assert {warning.kind.value for warning in view.warnings} == {"sha1_signature", "sha1_digest", "outdated_tls"}
    with pytest.raises(CpaNotActivatable) as raised:
        service.approve(SECOND_OPERATOR, "cpaStubEBF.rm.https.signed")
    assert raised.value.code == "CPA003"
    assert service.show(OPERATOR, "cpaStubEBF.rm.https.signed").record.state == CpaState.IMPORTED


def test_import_checks_organisation_oin(service):
    xml = cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes()

    with pytest.raises(CpaNotForHub):
        service.import_cpa(OPERATOR, "0344", xml)


def test_import_needs_hub_oin(service, identities):
    hub, organisation = identities
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    foreign = generate_cpa(CpaRequest(
        "foreign", PartySpec("00000009999999999000", "Other hub", "https://o.example.nl", hub.certificate_pem.decode()),
        PartySpec(UTRECHT_OIN, "Utrecht", "https://u.example.nl", organisation.certificate_pem.decode()),
        Profile.OSB_BE, start, start + timedelta(days=30),
    ))

    with pytest.raises(CpaNotForHub):
        service.import_cpa(OPERATOR, "0344", foreign)


def test_import_rejects_invalid_xml(service):
    with pytest.raises(CpaInvalid):
        service.import_cpa(OPERATOR, "0599", b"<not-a-cpa/>")


def test_import_twice_conflicts(service):
    xml = cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes()
    service.import_cpa(OPERATOR, "0599", xml)

    with pytest.raises(Conflict):
        service.import_cpa(OPERATOR, "0599", xml)


def test_import_needs_operator(service):
    xml = cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes()

    with pytest.raises(NotAuthorised):
        service.import_cpa(PRODUCTBEHEERDER, "0599", xml)


def test_end_then_no_active_cpa(service, identities):
    cpaid = request(service, identities).cpa.cpaid
    service.approve(OPERATOR, cpaid)

    view = service.end(PRODUCTBEHEERDER, cpaid)

    assert view.record.state == CpaState.ENDED
    assert view.record.ended_by == "user:31@0344/portal"
    with pytest.raises(NotFound):
        service.active_cpa(SOFTWARE, cpaid)
    with pytest.raises(Conflict):
        service.end(OPERATOR, cpaid)


def test_active_cpa_hidden_from_other_organisation(service, identities):
    cpaid = request(service, identities).cpa.cpaid
    service.approve(OPERATOR, cpaid)

    with pytest.raises(NotFound):
        service.active_cpa(Principal.organisation_software("0599", Channel.WEBSERVICE), cpaid)


def test_pending_cpa_is_not_active(service, identities):
    cpaid = request(service, identities).cpa.cpaid

    with pytest.raises(NotFound):
        service.active_cpa(SOFTWARE, cpaid)


def test_list_and_show_by_role(service, identities):
    cpaid = request(service, identities).cpa.cpaid
    service.import_cpa(OPERATOR, "0599", cpa_path("cpaStubEBF.rm.http.unsigned.xml").read_bytes())

    assert [record.cpaid for record in service.list(PRODUCTBEHEERDER, "0344")] == [cpaid]
    assert len(service.list(OPERATOR)) == 2
    assert service.show(PRODUCTBEHEERDER, cpaid).cpa.cpaid == cpaid
    with pytest.raises(NotAuthorised):
        service.list(PRODUCTBEHEERDER)
    with pytest.raises(NotAuthorised):
        service.list(GEBRUIKER, "0344")
    with pytest.raises(NotFound):
        service.show(PRODUCTBEHEERDER, "cpaStubEBF.rm.http.unsigned")
