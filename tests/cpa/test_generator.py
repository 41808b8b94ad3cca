"""Generated CPAs validate against CPPA 2.0, round-trip through the parser and use strong algorithms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.cpa.checks import hub_party, warnings
from core.cpa.errors import CpaInvalid, CpaNotForHub
from core.cpa.generator import GGK_ACTIONS, GGK_SERVICE, CpaRequest, PartySpec, Profile, generate_cpa
from core.cpa.parser import CpaParser
from tests.cpa.certificates import TestCa
from tests.cpa.reference import schema_folder

HUB_OIN = "00000001234567890000"
ORG_OIN = "00000001111111111000"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def identities():
    ca = TestCa()
    return ca.issue("ggk hub", HUB_OIN), ca.issue("gemeente Utrecht", ORG_OIN)


def make_request(identities, profile: Profile, **changes) -> CpaRequest:
    hub, organisation = identities
    values = dict(
        cpaid=f"ggk-{ORG_OIN}-{profile.value}-1",
        hub=PartySpec(HUB_OIN, "GGk", "https://hub.example.nl/ebms", hub.certificate_pem.decode()),
        organisation=PartySpec(ORG_OIN, "Gemeente Utrecht", "https://utrecht.example.nl/ebms",
                               organisation.certificate_pem.decode()),
        profile=profile, start=START, end=START + timedelta(days=365),
    )
    values.update(changes)
    return CpaRequest(**values)


@pytest.mark.parametrize("profile", list(Profile), ids=lambda profile: profile.value)
def test_generated_cpa_round_trips(identities, profile):
    xml = generate_cpa(make_request(identities, profile))

    cpa = CpaParser(schema_folder()).parse(xml)

    assert cpa.cpaid == f"ggk-{ORG_OIN}-{profile.value}-1"
    assert cpa.start == START
    assert cpa.end == START + timedelta(days=365)
    assert warnings(cpa) == []
    hub = hub_party(cpa, {HUB_OIN})
    organisation = cpa.other_party(hub)
    assert hub.oins() == (HUB_OIN,)
    assert organisation.oins() == (ORG_OIN,)
    assert hub.endpoints() == ("https://hub.example.nl/ebms",)
    assert organisation.endpoints() == ("https://utrecht.example.nl/ebms",)
    for party in (hub, organisation):
        binding = party.roles[0].service_binding
        assert binding.service == GGK_SERVICE
        assert binding.service_type is None
        assert tuple(action.action for action in binding.can_send) == GGK_ACTIONS
        assert tuple(action.action for action in binding.can_receive) == GGK_ACTIONS


@pytest.mark.parametrize("profile", list(Profile), ids=lambda profile: profile.value)
def test_generated_cpa_follows_profile(identities, profile):
    cpa = CpaParser(schema_folder()).parse(generate_cpa(make_request(identities, profile)))

    for party in cpa.parties:
        channel = party.delivery_channels[0]
        exchange = party.doc_exchange(channel.doc_exchange_id)
        transport = party.transport(channel.transport_id)
        expected = "always" if profile.reliable else "never"
        assert channel.characteristics.ack_requested == expected
        assert channel.characteristics.duplicate_elimination == expected
        assert channel.characteristics.sync_reply_mode == "none"
        assert (exchange.sender_binding.reliable_messaging is not None) == profile.reliable
        assert (exchange.sender_binding.non_repudiation is not None) == profile.signed
        assert transport.client_security.protocol == "TLS"
        assert transport.client_security.version == "1.2"
        assert transport.server_security.version == "1.2"
        assert party.certificates[0].x509_certificates


def test_signed_profile_uses_sha256(identities):
    cpa = CpaParser(schema_folder()).parse(generate_cpa(make_request(identities, Profile.OSB_RM_S)))

    sender = cpa.parties[0].doc_exchanges[0].sender_binding
    receiver = cpa.parties[0].doc_exchanges[0].receiver_binding
    assert sender.non_repudiation.signature_algorithms == ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",)
    assert sender.non_repudiation.hash_function == "http://www.w3.org/2001/04/xmlenc#sha256"
    assert receiver.non_repudiation.security_details_ref == "HUB_trust"
    assert cpa.parties[0].delivery_channels[0].characteristics.ack_signature_requested == "always"


def test_reliable_values_are_written(identities):
    cpa = CpaParser(schema_folder()).parse(generate_cpa(make_request(identities, Profile.OSB_RM)))

    binding = cpa.parties[1].doc_exchanges[0].sender_binding
    assert binding.reliable_messaging.retries == 18
    assert binding.reliable_messaging.retry_interval == timedelta(hours=4)
    assert binding.reliable_messaging.retry_interval_text == "PT4H"
    assert binding.reliable_messaging.message_order_semantics == "NotGuaranteed"
    assert binding.persist_duration == timedelta(days=4)
    assert binding.persist_duration >= (1 + 18) * timedelta(hours=4)


def test_sync_reply_mode_is_written(identities):
    request = make_request(identities, Profile.OSB_RM, sync_reply_mode="mshSignalsOnly")

    cpa = CpaParser(schema_folder()).parse(generate_cpa(request))

    assert {p.delivery_channels[0].characteristics.sync_reply_mode for p in cpa.parties} == {"mshSignalsOnly"}


def test_bad_certificate_is_rejected(identities):
    request = make_request(identities, Profile.OSB_BE)
    broken = make_request(identities, Profile.OSB_BE, organisation=PartySpec(ORG_OIN, "x", "https://x", "no pem"))

    with pytest.raises(CpaInvalid):
        generate_cpa(broken)
    assert generate_cpa(request)


def test_end_before_start_is_rejected(identities):
    with pytest.raises(CpaInvalid):
        generate_cpa(make_request(identities, Profile.OSB_BE, end=START))


def test_hub_party_requires_hub_oin(identities):
    cpa = CpaParser(schema_folder()).parse(generate_cpa(make_request(identities, Profile.OSB_BE)))

    with pytest.raises(CpaNotForHub) as raised:
        hub_party(cpa, {"99999999999999999999"})

    assert raised.value.code == "CPA002"
    with pytest.raises(CpaNotForHub):
        hub_party(cpa, {HUB_OIN, ORG_OIN})
