"""The Digikoppeling reference messages sent to the endpoint over HTTPS: as they are, each is
answered with the error its expired TimeToLive (or missing attachment) calls for; re-stamped,
each is accepted and answered synchronously, as their CPA's syncReplyMode signalsAndResponse
asks. The hub plays the CPA's party Overheid, the client the party Logius."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from lxml import etree

from adapters.soap.ebms.mime import Attachment, package, parse_mime
from adapters.soap.ebms.model import NS
from adapters.soap.sender import EbmsSender
from core.cpa.ports import CpaState
from core.model import Channel, Enrolment, Organisation, OrgKind
from tests.cpa.reference import cpa_path
from tests.digikoppeling.peer import acknowledged_id, error_codes, reply_action
from tests.digikoppeling.support import OPERATOR, make_pki, start_hub
from tests.soap.messages import SAMPLES, edit, restamp, sample

LOGIUS_OIN = "00000000000000000000"
OVERHEID_OIN = "00000000000000000001"
CPAID = "cpaStubEBF.rm.http.unsigned.sync"
SYNC_CPA = "cpaStubEBF.rm.http.unsigned.sync.xml"
EBXML = {"SOAPAction": '"ebXML"'}


@pytest.fixture
def hub(tmp_path, database_url):
    pki = make_pki(tmp_path / "pki")
    logius = pki.ca.issue("Logius", LOGIUS_OIN, hosts=("127.0.0.1",))
    logius.write(pki.folder, "logius")
    hub = start_hub(tmp_path / "hub", database_url, pki, hub_oins=[OVERHEID_OIN])
    hub.store.add_organisation(Organisation("LOGIUS", OrgKind.KETENPARTNER, "Logius",
                                            [Enrolment("wmo", Channel.WEBSERVICE)], oin=LOGIUS_OIN))
    hub.parts.cpas.import_cpa(OPERATOR, "LOGIUS", cpa_path(SYNC_CPA).read_bytes())
    # The CPA's endpoints are plain HTTP, so no operator may approve it; the test activates it directly.
    hub.parts.cpa_repository.transition(CPAID, frozenset({CpaState.IMPORTED}), CpaState.ACTIVE,
                                        datetime.now(timezone.utc), "test")
    yield hub
    hub.stop()


@pytest.fixture
def client(hub):
    key, certificate = hub.pki.paths("logius")
    return EbmsSender(15.0, certificate, key, hub.pki.ca_file)


def post_xml(client, hub, envelope: bytes):
    return client.post(hub.url, {"Content-Type": 'text/xml; charset="UTF-8"', **EBXML}, envelope)


def with_part(envelope: bytes):
    packaged = package(envelope, (Attachment("payload-1@localhost", "application/xml", b"<afleveren/>"),))
    return packaged.headers, packaged.body


def now():
    return datetime.now(timezone.utc)


@pytest.mark.parametrize("name", ["EbMSMessage.xml", "EbMSMessageStatus.xml", "EbMSPing.xml"])
def test_sample_as_is_has_expired(hub, client, name):
    result = post_xml(client, hub, sample(name))

    assert result.status == 200
    assert reply_action(result) == "MessageError"
    assert error_codes(result) == ["TimeToLiveExpired"]


def test_attachment_sample_as_is_lacks_its_part(hub, client):
    result = post_xml(client, hub, sample("EbMSMessageWithAttachments.xml"))

    assert reply_action(result) == "MessageError"
    assert error_codes(result) == ["MimeProblem"]


def test_attachment_sample_with_part_has_expired(hub, client):
    headers, body = with_part(sample("EbMSMessageWithAttachments.xml"))

    assert error_codes(client.post(hub.url, headers, body)) == ["TimeToLiveExpired"]


@pytest.mark.parametrize("name", ["EbMSMessage.xml", "EbMSMessageWithAttachments.xml"])
def test_restamped_message_is_acknowledged_synchronously(hub, client, name):
    envelope = restamp(sample(name), now())
    message_id = etree.fromstring(envelope).findtext(".//eb:MessageId", None, NS)
    headers, body = with_part(envelope)

    result = client.post(hub.url, headers, body)

    assert result.status == 200
    assert error_codes(result) == []
    assert acknowledged_id(result) == message_id


def test_restamped_ping_gets_pong(hub, client):
    result = post_xml(client, hub, restamp(sample("EbMSPing.xml"), now()))

    assert reply_action(result) == "Pong"


def test_restamped_status_request_of_unknown_message(hub, client):
    result = post_xml(client, hub, restamp(sample("EbMSMessageStatus.xml"), now()))

    assert reply_action(result) == "StatusResponse"
    assert status_of(result) == ("NotRecognized", "11111111-2222-3333-4444-555555555555@localhost")


def test_status_request_of_received_message_is_processed(hub, client):
    envelope = restamp(sample("EbMSMessage.xml"), now())
    message_id = etree.fromstring(envelope).findtext(".//eb:MessageId", None, NS)
    post_xml(client, hub, envelope)
    request = edit(restamp(sample("EbMSMessageStatus.xml"), now()), {"//eb:StatusRequest/eb:RefToMessageId": message_id})

    result = post_xml(client, hub, request)

    assert status_of(result) == ("Processed", message_id)


def test_shared_message_id_with_other_content_is_inconsistent(hub, client):
    shared = f"{uuid.uuid4()}@localhost"
    first = edit(restamp(sample("EbMSMessage.xml"), now()), {"//eb:MessageData/eb:MessageId": shared})
    other = edit(restamp(sample("EbMSMessageWithAttachments.xml"), now()), {"//eb:MessageData/eb:MessageId": shared})
    assert acknowledged_id(post_xml(client, hub, first)) == shared

    headers, body = with_part(other)
    result = client.post(hub.url, headers, body)

    assert error_codes(result) == ["Inconsistent"]


def test_resent_message_gets_the_original_acknowledgment(hub, client):
    envelope = restamp(sample("EbMSMessage.xml"), now())
    message_id = etree.fromstring(envelope).findtext(".//eb:MessageId", None, NS)
    first = post_xml(client, hub, envelope)
    resent = edit(envelope, {"//eb:MessageData/eb:Timestamp": "2099-01-01T00:00:00.000Z"})

    again = post_xml(client, hub, resent)

    assert acknowledged_id(again) == message_id
    assert ack_message_id(again) == ack_message_id(first)
    assert envelope_of(again) == envelope_of(first)


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_need_the_ebxml_soap_action(hub, client, name):
    result = client.post(hub.url, {"Content-Type": "text/xml"}, sample(name))

    assert result.status == 500
    assert error_codes(result) == ["NotSupported"]


def envelope_of(result) -> bytes:
    return parse_mime(result.content_type, result.body).envelope


def status_of(result):
    root = etree.fromstring(envelope_of(result))
    response = root.find(".//eb:StatusResponse", NS)
    return response.get(f"{{{NS['eb']}}}messageStatus"), response.findtext("eb:RefToMessageId", None, NS)


def ack_message_id(result):
    root = etree.fromstring(envelope_of(result))
    return root.findtext(".//eb:MessageHeader/eb:MessageData/eb:MessageId", None, NS)
