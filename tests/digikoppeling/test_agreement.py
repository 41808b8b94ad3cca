"""The hub's side of a CPA: which terms apply when the hub sends, and when it gives up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from adapters.soap.agreement import BEST_EFFORT, Agreement, Reliability
from core.cpa import checks
from core.cpa.generator import GGK_SERVICE, CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.parser import CpaParser
from tests.cpa.certificates import TestCa
from tests.cpa.reference import schema_folder

HUB_OIN, ORGANISATION_OIN = "00000009990000000001", "00000001003840000000"
T0 = datetime(2026, 6, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def certificate() -> str:
    return TestCa().issue("test", HUB_OIN).certificate_pem.decode()


def agreement(certificate: str, profile: Profile, sync: str = "none") -> Agreement:
    xml = generate_cpa(CpaRequest("cpa-1", PartySpec(HUB_OIN, "GGk", "https://hub.example.nl/ebms", certificate),
                                  PartySpec(ORGANISATION_OIN, "Gemeente", "https://gemeente.example.nl/ebms",
                                            certificate), profile, T0, T0 + timedelta(days=365), sync))
    cpa = CpaParser(schema_folder()).parse(xml)
    hub = checks.hub_party(cpa, frozenset({HUB_OIN}))
    return Agreement("0384", cpa, hub, cpa.other_party(hub))


def test_reliable_profile_uses_cpa_values(certificate):
    reliability = agreement(certificate, Profile.OSB_RM).reliability(GGK_SERVICE, "ggk_Di01")

    assert reliability.ack_requested
    assert not reliability.sync_reply
    assert not reliability.ack_signed
    assert reliability.retries == 18
    assert reliability.retry_interval == timedelta(hours=4)
    assert reliability.persist_duration == timedelta(days=4)


def test_signed_synchronous_profile(certificate):
    terms = agreement(certificate, Profile.OSB_RM_S, "mshSignalsOnly")
    reliability = terms.reliability(GGK_SERVICE, "ggk_Du01")

    assert reliability.sync_reply
    assert reliability.ack_signed
    assert terms.outgoing(GGK_SERVICE, "ggk_Du01").signature_required
    assert terms.outgoing(None, None).signature_required
    assert terms.incoming_signals().signing_certificate is not None


def test_best_effort_gets_hub_policy(certificate):
    terms = agreement(certificate, Profile.OSB_BE)
    reliability = terms.reliability(GGK_SERVICE, "Fo01")

    assert not reliability.ack_requested
    assert reliability.retries == BEST_EFFORT.retries
    assert reliability.retry_interval == BEST_EFFORT.retry_interval
    assert not terms.outgoing(GGK_SERVICE, "Fo01").signature_required


def test_endpoint_is_the_organisations(certificate):
    assert agreement(certificate, Profile.OSB_RM).endpoint() == "https://gemeente.example.nl/ebms"


@pytest.mark.parametrize("sends, since, gives_up", [
    (1, timedelta(0), False),
    (2, timedelta(minutes=30), False),
    (3, timedelta(minutes=30), True),  # Retries 2: the first send and two resends
    (1, timedelta(hours=2), True),  # PersistDuration of one hour has passed
])
def test_gives_up_after_retries_or_persist_duration(sends, since, gives_up):
    reliability = Reliability(True, False, retries=2, retry_interval=timedelta(minutes=10),
                              persist_duration=timedelta(hours=1))

    assert reliability.gives_up(sends, T0, T0 + since) is gives_up
