"""Helpers that copy a reference ebMS envelope with changes, for tests only."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

from lxml import etree

from adapters.soap.ebms.model import EB_NS, NS
from core.cpa.model import Cpa
from core.cpa.xsdtypes import format_datetime
from tests.cpa.reference import message_path

SAMPLES = ("EbMSMessage.xml", "EbMSMessageWithAttachments.xml", "EbMSMessageStatus.xml", "EbMSPing.xml")


def sample(name: str) -> bytes:
    return message_path(name).read_bytes()


def edit(envelope: bytes, changes: dict[str, str | None]) -> bytes:
    """Return ``envelope`` with the text of each XPath (eb/soap prefixes) replaced, or the element removed for None."""
    root = etree.fromstring(envelope)
    for path, value in changes.items():
        found = root.xpath(path, namespaces=NS)
        assert found, f"{path} not found in the envelope"
        for item in found:
            if value is None:
                item.getparent().remove(item)
            elif isinstance(item, etree._Element):
                item.text = value
            else:
                item.getparent().set(item.attrname, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def restamp(envelope: bytes, now: datetime, time_to_live: timedelta = timedelta(minutes=30)) -> bytes:
    """Give ``envelope`` a new MessageId, a Timestamp of ``now`` and a TimeToLive after it."""
    return edit(envelope, {
        "//eb:MessageData/eb:MessageId": f"{uuid.uuid4()}@test.example",
        "//eb:MessageData/eb:Timestamp": format_datetime(now),
        "//eb:MessageData/eb:TimeToLive": format_datetime(now + time_to_live),
    })


def add_header_block(envelope: bytes, xml: str) -> bytes:
    root = etree.fromstring(envelope)
    root.find("soap:Header", NS).append(etree.fromstring(xml))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def with_characteristics(cpa: Cpa, **changes: str) -> Cpa:
    """Return ``cpa`` with ``changes`` applied to the MessagingCharacteristics of every channel."""
    parties = tuple(
        dataclasses.replace(party, delivery_channels=tuple(
            dataclasses.replace(channel, characteristics=dataclasses.replace(channel.characteristics, **changes))
            for channel in party.delivery_channels
        ))
        for party in cpa.parties
    )
    return dataclasses.replace(cpa, parties=parties)


ACK_REQUESTED = (
    f'<eb:AckRequested xmlns:eb="{EB_NS}" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'eb:version="2.0" eb:signed="false" soap:mustUnderstand="1" '
    'soap:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"/>'
)
