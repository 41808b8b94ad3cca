"""The registertoets: one BSN or a batch, on a peildatum, for granted users only, always audited."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotAuthorised
from core.model import Channel, OrgKind
from core.principal import Action, Grant, Principal, Role
from plugins.wlz.errors import BatchSizeInvalid, InvalidBsn, InvalidPeildatum
from plugins.wlz.model import IndicationKind
from tests.wlz.builders import bsns, invalid_bsn, register_csv
from tests.wlz.hub import OPERATOR

PEOPLE = bsns(4)
GEMEENTE = "0363"
TOETS = Grant("wlz", Action.REGISTERTOETS)


@pytest.fixture
def toets_hub(hub, tmp_path):
    hub.add(OrgKind.GEMEENTE, GEMEENTE)
    hub.add(OrgKind.GEMEENTE, "0599", services=("wmo",))
    rows = [
        ("B1", PEOPLE[0], "VV", "2026-01-01", None),
        ("B2", PEOPLE[1], "VG", "2025-03-01", "2026-06-30"),
        ("B3", PEOPLE[1], "LG", "2026-07-01", None),
        ("B4", PEOPLE[2], "GGZ", "2026-02-01", "2026-02-28"),
    ]
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "register.csv", rows))
    return hub


def user(grants=frozenset({TOETS}), organisation=GEMEENTE, roles=frozenset({Role.GEBRUIKER})) -> Principal:
    return Principal(Channel.PORTAL, organisation=organisation, user="u-1", roles=roles, grants=frozenset(grants))


def test_single_bsn_with_indication_on_peildatum(toets_hub):
    answer = toets_hub.services.registertoets.toets(user(), [PEOPLE[1]], "2026-05-01")

    result = answer.results[0]
    assert answer.peildatum == date(2026, 5, 1)
    assert result.indicatie is True
    assert [(p.soort, p.ingangsdatum, p.einddatum) for p in result.perioden] == [
        (IndicationKind.VG, date(2025, 3, 1), date(2026, 6, 30))]


def test_batch_answers_in_order_with_duplicates(toets_hub):
    asked = [PEOPLE[2], PEOPLE[0], PEOPLE[3], PEOPLE[0], PEOPLE[1]]

    answer = toets_hub.services.registertoets.toets(user(), asked, date(2026, 7, 1))

    assert [r.bsn for r in answer.results] == asked
    assert [r.indicatie for r in answer.results] == [False, True, False, True, True]
    assert answer.results[4].perioden[0].soort == IndicationKind.LG
    assert answer.results[4].perioden[0].einddatum is None


def test_peildatum_on_boundaries(toets_hub):
    service = toets_hub.services.registertoets

    assert service.toets(user(), [PEOPLE[2]], "2026-02-01").results[0].indicatie is True
    assert service.toets(user(), [PEOPLE[2]], "2026-02-28").results[0].indicatie is True
    assert service.toets(user(), [PEOPLE[2]], "2026-03-01").results[0].indicatie is False
    assert service.toets(user(), [PEOPLE[0]], "2025-12-31").results[0].indicatie is False


def test_peildatum_defaults_to_dutch_today(toets_hub):
    toets_hub.clock.current = toets_hub.clock.current.replace(month=12, day=31, hour=23, minute=30)  # 00:30 in NL

    answer = toets_hub.services.registertoets.toets(user(), [PEOPLE[0]])

    assert answer.peildatum == date(2027, 1, 1)


def test_every_question_is_audited_without_bsns(toets_hub):
    service = toets_hub.services.registertoets
    service.toets(user(), [PEOPLE[0]], "2026-05-01")
    service.toets(Principal.organisation_software(GEMEENTE, Channel.WEBSERVICE), PEOPLE, "2026-06-01")

    records = service.audit(OPERATOR, GEMEENTE)

    assert [(r.bsn_count, r.peildatum, r.channel) for r in records] == [
        (4, date(2026, 6, 1), "webservice"), (1, date(2026, 5, 1), "portal")]
    assert records[1].actor == "user:u-1@0363/portal"
    assert records[1].user_id == "u-1"
    assert all(bsn not in repr(record) for record in records for bsn in PEOPLE)


def test_audit_is_read_by_own_gebruikersbeheerder_only(toets_hub):
    service = toets_hub.services.registertoets
    service.toets(user(), [PEOPLE[0]], "2026-05-01")
    beheerder = user(grants=(), roles=frozenset({Role.GEBRUIKERSBEHEERDER}))

    own = service.audit(beheerder)

    assert [r.organisation for r in own] == [GEMEENTE]
    with pytest.raises(NotAuthorised):
        service.audit(beheerder, "0599")
    with pytest.raises(NotAuthorised):
        service.audit(user())


@pytest.mark.parametrize("principal", [
    user(grants={Grant("wlz", Action.SEND)}),
    user(organisation="0599"),
    OPERATOR,
    Principal.organisation_software("0599", Channel.WEBSERVICE),
], ids=["no-grant", "org-not-enrolled", "operator-without-org", "software-not-enrolled"])
def test_refused_without_grant_or_enrolment(toets_hub, principal):
    with pytest.raises(NotAuthorised) as raised:
        toets_hub.services.registertoets.toets(principal, [PEOPLE[0]])

    assert raised.value.code == "GGK403"
    assert toets_hub.services.registertoets.audit(OPERATOR) == []


def test_invalid_bsns_are_named_by_position(toets_hub):
    asked = [PEOPLE[0], invalid_bsn(PEOPLE[1]), "12345678", PEOPLE[2], "abcdefghi"]

    with pytest.raises(InvalidBsn) as raised:
        toets_hub.services.registertoets.toets(user(), asked)

    assert raised.value.code == "WLZ001"
    assert raised.value.params["positions"] == [2, 3, 5]
    assert invalid_bsn(PEOPLE[1]) not in raised.value.detail
    assert toets_hub.services.registertoets.audit(OPERATOR) == []


@pytest.mark.parametrize("peildatum", ["2026-13-01", "01-12-2026", "2026-02-30", "morgen"])
def test_impossible_peildatum_is_wlz002(toets_hub, peildatum):
    with pytest.raises(InvalidPeildatum) as raised:
        toets_hub.services.registertoets.toets(user(), [PEOPLE[0]], peildatum)

    assert raised.value.code == "WLZ002"


@pytest.mark.parametrize("count", [0, 10_001])
def test_batch_size_outside_limit_is_wlz003(toets_hub, count):
    with pytest.raises(BatchSizeInvalid) as raised:
        toets_hub.services.registertoets.toets(user(), bsns(count))

    assert raised.value.code == "WLZ003"
    assert raised.value.params["limit"] == 10_000


def test_batch_of_limit_is_answered(toets_hub):
    asked = bsns(10_000, start=20_000_000) + [PEOPLE[0]]

    answer = toets_hub.services.registertoets.toets(user(), asked[-10_000:], "2026-05-01")

    assert len(answer.results) == 10_000
    assert answer.results[-1].indicatie is True
    assert sum(r.indicatie for r in answer.results) == 1
