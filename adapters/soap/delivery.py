"""Building the ebMS message that pushes a core message to its recipient's software.

The file goes into a ggk_Di01 (heenbericht) or ggk_Du01 (retourbericht) envelope of the
StUF version configured for the recipient, with the hub as zender applicatie. Each core
message travels under one referentienummer: the one its sender's envelope carried when
it came in over the webservice, else a new version 4 UUID that is stored at the first
attempt. A Du01's crossRefnummer is the referentienummer of the heenbericht it answers.

Every value that varies (MessageId, ConversationId, Timestamp, referentienummer) is fixed
at the first attempt, so each resend is the same message.
"""

from __future__ import annotations

import time
import uuid

import structlog
from lxml import etree

from adapters.soap.agreement import Agreement
from adapters.soap.ebms import builders
from adapters.soap.ebms.builders import Stamp
from adapters.soap.ebms.mime import Attachment, Packaged, package
from adapters.soap.fo01 import HUB_APPLICATION
from adapters.soap.ports import EbmsStore, OutboxItem, StufReference
from adapters.soap.replies import Signer, derived_uuid
from adapters.soap.stuf.builder import Bericht, build_envelope, tijdstip
from adapters.soap.stuf.model import DI01, DU01, Parameters, StufVersion, Stuurgegevens, Systeem
from core.cpa.generator import GGK_SERVICE
from core.model import Channel, Direction, Message
from core.ports import PayloadStore

log = structlog.get_logger(__name__)

RECEIVING_APPLICATION = "GGk"  # the StUF-GGk specification fixes ontvanger applicatie to "GGk"
HUB_VERSION = ("0001", "0000")  # applicatieVersie and -Subversie the specification lists for GGKWebservice
HEADER_READ_LIMIT = 64 * 1024
INBOUND_REFERENCE_WAIT = 5.0  # seconds; longer means the endpoint stopped between core's commit and its own


def action_of(message: Message) -> str:
    return "ggk_Du01" if message.direction == Direction.RETOUR else "ggk_Di01"


class DeliveryBuilder:
    def __init__(self, payloads: PayloadStore, ebms: EbmsStore, signer: Signer, hub_oins: frozenset[str],
                 default_version: StufVersion, host: str):
        self._payloads = payloads
        self._ebms = ebms
        self._signer = signer
        self._hub_oins = hub_oins
        self._default_version = default_version
        self._host = host

    def build(self, item: OutboxItem, message: Message, agreement: Agreement) -> Packaged:
        """Return the packaged ebMS message of delivery ``item``; raise EbmsError when the CPA does not agree it."""
        with self._payloads.open(message.payload_hash) as stream:
            payload = stream.read()
        envelope = self._envelope(item, message, payload, agreement.organisation)

        attachment = Attachment(f"{item.id}@{self._host}", "application/xml", envelope)
        action = action_of(message)
        outgoing = builders.outgoing_for_cpa(
            agreement.cpa, agreement.hub_oin(self._hub_oins), GGK_SERVICE, action, (attachment,),
            Stamp(item.ebms_message_id, item.stamped_at), conversation_id=item.conversation_id,
        )
        soap = builders.user_message(outgoing)
        if agreement.outgoing(GGK_SERVICE, action).signature_required:
            soap = self._signer.sign(soap, (attachment,))
        return package(soap, (attachment,))

    def _envelope(self, item: OutboxItem, message: Message, payload: bytes, organisation: str) -> bytes:
        configured = self._ebms.stuf_version(organisation)
        version = StufVersion(configured) if configured else self._default_version
        kind = DU01 if message.direction == Direction.RETOUR else DI01
        reference = self._reference(message, item)
        versie, subversie = _functie_version(payload)
        stuurgegevens = Stuurgegevens(
            berichtcode=kind,
            zender=Systeem(message.sender, HUB_APPLICATION),
            ontvanger=Systeem(message.recipient, RECEIVING_APPLICATION),
            referentienummer=reference.referentienummer,
            tijdstip_bericht=tijdstip(item.stamped_at),
            functie=message.message_type,
            cross_refnummer=self._cross_reference(message, reference) if kind == DU01 else None,
        )
        parameters = Parameters(HUB_VERSION[0], HUB_VERSION[1], versie, subversie)
        bericht = Bericht(payload, True, message.filename or f"{message.message_type}.xml")
        return build_envelope(version, stuurgegevens, parameters, bericht)

    def _reference(self, message: Message, item: OutboxItem) -> StufReference:
        found = self._inbound_reference(message)
        if found is not None:
            return found
        return self._ebms.add_reference(StufReference(
            organisation=message.sender, referentienummer=str(uuid.uuid4()), direction="out",
            created_at=item.stamped_at, message_id=message.id, ebms_message_id=item.ebms_message_id,
        ))

    def _inbound_reference(self, message: Message) -> StufReference | None:
        """Return the message's referentienummer; for one that came in over the webservice, wait for it.

        The endpoint stores an envelope's referentienummer just after core accepted the
        file, so the worker may see the delivery a moment earlier.
        """
        deadline = time.monotonic() + (INBOUND_REFERENCE_WAIT if message.channel == Channel.WEBSERVICE else 0)
        while True:
            found = self._ebms.reference_of_message(message.id)
            if found is not None or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)

    def _cross_reference(self, message: Message, reference: StufReference) -> str:
        """Return the referentienummer of the heenbericht a retour answers."""
        if message.heen_id:
            heen = self._ebms.reference_of_message(message.heen_id)
            if heen is not None:
                return heen.referentienummer
        if reference.cross_refnummer:
            return reference.cross_refnummer
        # NOTE: the hub never saw an envelope of this retour's heenbericht, so the
        # crossRefnummer (required by the Du01 XSD) is a stable UUID the recipient cannot match.
        log.info("stuf_cross_reference_made_up", message_id=message.id, heen_id=message.heen_id)
        return derived_uuid(f"crossRefnummer|{message.id}")


def _functie_version(payload: bytes) -> tuple[str, str]:
    """Return the file's BerichtVersie and BerichtSubversie as StUF versions (``3`` -> ``0003``)."""
    found: dict[str, str] = {}
    parser = etree.XMLPullParser(events=("end",), resolve_entities=False, no_network=True, load_dtd=False)
    try:
        parser.feed(payload[:HEADER_READ_LIMIT])
        for _, element in parser.read_events():
            name = etree.QName(element).localname
            if name in ("BerichtVersie", "BerichtSubversie") and element.text:
                found[name] = element.text.strip()
            if name == "Header" or len(found) == 2:
                break
    except etree.XMLSyntaxError:
        pass
    return _four_digits(found.get("BerichtVersie"), "0001"), _four_digits(found.get("BerichtSubversie"), "0000")


def _four_digits(value: str | None, default: str) -> str:
    return value.zfill(4) if value and value.isdigit() and len(value) <= 4 else default
