"""Pgb files the hub rejects, and the code each one gets.

Content rules (GGK601-GGK604) come from the plugin's ``ggk_check_message``. XSD faults are
StUF055, and a party sending a message type that is not its own gets IB234.
"""

from __future__ import annotations

import pytest

from core import codes
from core.model import Channel, Enrolment
from tests.pgb.messages import (
    BAB_NS, GEMEENTE, INVALID_BSN, OTHER_GEMEENTE, SVB, VALID_BSN, Afsluiting, Bedrag, Toekenning, bab,
    replace_text, retour_on, sourceline, tkb,
)


def test_tkb_end_before_start_is_ggk601(hub):
    data = tkb(Toekenning(beschikkingsnummer="B1"),
               Toekenning(beschikkingsnummer="B2", ingangsdatum="2027-06-01", einddatum="2027-05-31"))

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == "GGK601"
    assert outcome.line == sourceline(data, "Einddatum", 2)
    assert "Toekenning 2" in outcome.detail
    assert outcome.message_type == "PGB101"


def test_tkb_ending_on_start_day_is_accepted(hub):
    outcome = hub.send(GEMEENTE, tkb(Toekenning(ingangsdatum="2027-06-01", einddatum="2027-06-01")))

    assert outcome.accepted, outcome


def test_bab_end_before_start_is_ggk601(hub):
    data = bab(Afsluiting(ingangsdatum="2027-01-01", einddatum="2026-12-31"))

    outcome = hub.send(SVB, data)

    assert outcome.code == "GGK601"
    assert outcome.line == sourceline(data, "Einddatum")
    assert "Afsluiting 1" in outcome.detail


@pytest.mark.parametrize("sender, build", [
    (GEMEENTE, lambda bsn: tkb(Toekenning(beschikkingsnummer="B1"), Toekenning(beschikkingsnummer="B2", bsn=bsn))),
    (SVB, lambda bsn: bab(Afsluiting(beschikkingsnummer="B1"), Afsluiting(beschikkingsnummer="B2", bsn=bsn))),
])
def test_bsn_failing_elfproef_is_ggk602(hub, sender, build):
    data = build(INVALID_BSN)

    outcome = hub.send(sender, data)

    assert outcome.code == "GGK602"
    assert outcome.line == sourceline(data, "Bsn", 2)
    assert INVALID_BSN not in outcome.detail


def test_bsn_of_zeros_is_ggk602(hub):
    outcome = hub.send(GEMEENTE, tkb(Toekenning(bsn="000000000")))

    assert outcome.code == "GGK602"


def test_bsn_of_eight_digits_is_stuf055(hub):
    outcome = hub.send(GEMEENTE, tkb(Toekenning(bsn=VALID_BSN[:8])))

    assert outcome.code == codes.STUF055


@pytest.mark.parametrize("budget", [Bedrag(0, "D"), Bedrag(100, "C")])
def test_tkb_budget_not_positive_is_ggk603(hub, budget):
    data = tkb(Toekenning(budget=budget))

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == "GGK603"
    assert outcome.line == sourceline(data, "Budget")


def test_bab_toegekend_budget_zero_is_ggk603(hub):
    data = bab(Afsluiting(toegekend=Bedrag(0), besteed=Bedrag(0), restant=Bedrag(0)))

    outcome = hub.send(SVB, data)

    assert outcome.code == "GGK603"
    assert outcome.line == sourceline(data, "ToegekendBudget")


@pytest.mark.parametrize("einddatum", ["-2027-01-01", "12027-01-01", "2027-12-31+01:00"])
def test_date_outside_four_digit_years_is_stuf055(hub, einddatum):
    data = tkb(Toekenning(einddatum=einddatum))

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == codes.STUF055
    assert outcome.line == sourceline(data, "Einddatum")


def test_negative_bedrag_is_stuf055(hub):
    data = replace_text(tkb(), "Bedrag", "-5")

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == codes.STUF055
    assert outcome.line == sourceline(data, "Bedrag")


def test_bab_restant_not_toegekend_minus_besteed_is_ggk604(hub):
    data = bab(Afsluiting(toegekend=Bedrag(1000), besteed=Bedrag(400), restant=Bedrag(500)))

    outcome = hub.send(SVB, data)

    assert outcome.code == "GGK604"
    assert outcome.line == sourceline(data, "Restant")


def test_bab_overspent_restant_is_credit(hub):
    data = bab(Afsluiting(toegekend=Bedrag(1000), besteed=Bedrag(1200), restant=Bedrag(200, "C")))

    outcome = hub.send(SVB, data)

    assert outcome.accepted, outcome


def test_first_fault_in_document_order_wins(hub):
    data = tkb(Toekenning(beschikkingsnummer="B1", einddatum="2026-01-01"),
               Toekenning(beschikkingsnummer="B2", bsn=INVALID_BSN))

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == "GGK601"


def test_same_beschikkingsnummer_twice_in_tkb_is_stuf055(hub):
    data = tkb(Toekenning(beschikkingsnummer="B1"), Toekenning(beschikkingsnummer="B1"))

    outcome = hub.send(GEMEENTE, data)

    assert outcome.code == codes.STUF055


def test_tkb_to_other_ontvanger_than_svb_is_stuf055(hub):
    outcome = hub.send(GEMEENTE, tkb(ontvanger="CAK"))

    assert outcome.code == codes.STUF055


def test_wrong_berichtcode_is_stuf055(hub):
    outcome = hub.send(GEMEENTE, replace_text(tkb(), "BerichtCode", "414"))

    assert outcome.code == codes.STUF055


def test_tkb_without_toekenning_is_stuf055(hub):
    data = tkb()
    without_records = data[:data.index(b"<tkb:Toekenning>")] + b"</tkb:Bericht>\n"

    outcome = hub.send(GEMEENTE, without_records)

    assert outcome.code == codes.STUF055


def test_gemeente_sending_bab_is_ib234(hub):
    outcome = hub.send(GEMEENTE, bab(afzender=SVB, ontvanger=GEMEENTE))

    assert outcome.code == codes.IB234


def test_svb_sending_tkb_is_ib234(hub):
    outcome = hub.send(SVB, tkb(), channel=Channel.WEBSERVICE)

    assert outcome.code == codes.IB234


def test_gemeente_sending_tkb_retour_is_ib234(hub):
    heen_data = tkb()
    hub.send(GEMEENTE, heen_data)

    outcome = hub.send(GEMEENTE, retour_on(heen_data))

    assert outcome.code == codes.IB234


def test_svb_sending_bab_retour_is_ib234(hub):
    heen_data = bab()
    hub.send(SVB, heen_data)

    outcome = hub.send(SVB, retour_on(heen_data))

    assert outcome.code == codes.IB234


def test_other_gemeente_answering_bab_is_ib234(hub):
    heen_data = bab(ontvanger=GEMEENTE)
    hub.send(SVB, heen_data)

    outcome = hub.send(OTHER_GEMEENTE, retour_on(heen_data))

    assert outcome.code == codes.IB234


def test_tkb_naming_other_gemeente_as_afzender_is_ib234(hub):
    outcome = hub.send(OTHER_GEMEENTE, tkb(afzender=GEMEENTE))

    assert outcome.code == codes.IB234


def test_bab_for_gemeente_outside_hub_is_ib210(hub):
    outcome = hub.send(SVB, bab(ontvanger="0014"))

    assert outcome.code == codes.IB210


def test_gemeente_not_enrolled_for_pgb_is_ib234(hub):
    gemeente = hub.store.get_organisation(OTHER_GEMEENTE)
    gemeente.enrolments = [Enrolment("wmo", Channel.PORTAL)]
    hub.store.save_organisation(gemeente)

    outcome = hub.send(OTHER_GEMEENTE, tkb(afzender=OTHER_GEMEENTE))

    assert outcome.code == codes.IB234


def test_inactive_svb_is_ib102(hub):
    partner = hub.store.get_organisation(SVB)
    partner.active = False
    hub.store.save_organisation(partner)

    outcome = hub.send(GEMEENTE, tkb())

    assert outcome.code == codes.IB102


def test_unknown_ipgb_namespace_is_ggk004(hub):
    data = bab().replace(BAB_NS.encode(), b"urn:ggk:ipgb:1_0:onbekend")

    outcome = hub.send(SVB, data)

    assert outcome.code == codes.GGK004
