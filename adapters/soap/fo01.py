"""Fo01 foutberichten: the hub's answer to an envelope it refuses, sent as an ebMS message
with Action ``Fo01`` under the CPA the envelope came in under.

The Fo01's ebMS MessageId and StUF referentienummer are derived from the refused message,
so processing the same message twice queues one Fo01, not two. Its RefToMessageId and
ConversationId are those of the refused message; its crossRefnummer is the refused
envelope's referentienummer, or the nil UUID when that could not be read.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime

import structlog
from lxml import etree

from adapters.i18n import explain_code
from adapters.soap.agreement import Agreement
from adapters.soap.ebms import builders
from adapters.soap.ebms.builders import Stamp
from adapters.soap.ebms.errors import EbmsError
from adapters.soap.ebms.mime import Attachment, package
from adapters.soap.ebms.model import MessageHeader
from adapters.soap.ports import OutboxItem, OutboxKind
from adapters.soap.replies import Signer, derived_message_id, derived_uuid
from adapters.soap.stuf.builder import Fout, build_fo01
from adapters.soap.stuf.model import ANY_UUID, FO01, NIL_UUID, PartialEnvelope, Systeem
from core.cpa.generator import GGK_SERVICE
from core.errors import Rejected
from core.xmlread import check_prolog

log = structlog.get_logger(__name__)

HUB_APPLICATION = "GGKWebservice"  # the application name the StUF-GGk specification gives the IB's webservice
UNKNOWN_APPLICATION = "onbekend"
DETAILS_XML_LIMIT = 1024 * 1024  # a refused envelope larger than this is not copied into the Fo01


class Fo01Factory:
    def __init__(self, signer: Signer, hub_oins: frozenset[str], zender: str, host: str):
        self._signer = signer
        self._hub_oins = hub_oins
        self._zender = zender
        self._host = host

    def fo01(self, agreement: Agreement, received: MessageHeader, code: str, detail: str, partial: PartialEnvelope,
             original: bytes | None, at: datetime, params: dict | None = None) -> OutboxItem | None:
        """Return the outbox item of a Fo01 answering ``received``; None when the CPA does not agree Fo01."""
        seed = f"{received.cpa_id}|{received.message_data.message_id}|Fo01"
        payload = build_fo01(
            zender=Systeem(self._zender, HUB_APPLICATION),
            ontvanger=Systeem(agreement.organisation, _application(partial.zender_applicatie)),
            referentienummer=derived_uuid(seed),
            moment=at,
            cross_refnummer=_cross_reference(partial.referentienummer),
            fout=Fout(code, _omschrijving(code, detail, params), details=partial.details,
                      details_xml=_original(original)),
        )
        attachment = Attachment(f"fo01-{derived_uuid(seed)}@{self._host}", "application/xml", payload)
        stamp = Stamp(derived_message_id(seed, self._host), at)
        try:
            outgoing = builders.outgoing_for_cpa(
                agreement.cpa, agreement.hub_oin(self._hub_oins), GGK_SERVICE, FO01, (attachment,), stamp,
                conversation_id=received.conversation_id, ref_to_message_id=received.message_data.message_id,
            )
        except EbmsError as error:
            log.error("fo01_not_agreed", cpa_id=agreement.cpa.cpaid, organisation=agreement.organisation,
                      code=code, error=error.detail)
            return None

        envelope = builders.user_message(outgoing)
        if agreement.outgoing(GGK_SERVICE, FO01).signature_required:
            envelope = self._signer.sign(envelope, (attachment,))
        packaged = package(envelope, (attachment,))
        return OutboxItem(
            id=str(uuid.uuid4()), kind=OutboxKind.FO01, organisation=agreement.organisation, created_at=at,
            cpa_id=agreement.cpa.cpaid, ebms_message_id=stamp.message_id,
            ref_to_message_id=received.message_data.message_id, conversation_id=received.conversation_id,
            stamped_at=at, content_type=packaged.headers["Content-Type"], body=packaged.body, due_at=at,
        )


def _application(name: str | None) -> str:
    """Return the refused envelope's zender applicatie, when it fits StUF's 3 to 50 characters."""
    return name if name and 3 <= len(name) <= 50 else UNKNOWN_APPLICATION


def _cross_reference(referentienummer: str | None) -> str:
    if referentienummer and ANY_UUID.match(referentienummer):
        return referentienummer
    return NIL_UUID


def _omschrijving(code: str, detail: str, params: dict | None) -> str:
    explanation = explain_code(code, params, "nl")
    return f"{explanation} {detail}" if explanation else detail


def _original(original: bytes | None) -> etree._Element | None:
    """Return the refused envelope as a tree for ``detailsXML``, when it is small and safe to parse."""
    if not original or len(original) > DETAILS_XML_LIMIT:
        return None
    try:
        check_prolog(io.BytesIO(original))
        return etree.fromstring(original, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (Rejected, etree.XMLSyntaxError):
        return None
