"""The GGk service behind the MSH: StUF-GGk envelopes in, iStandaarden files to core.

A ggk_Di01 or ggk_Du01 message is checked in this order; the first failure is answered
with a Fo01 carrying its code, and the ebMS message itself is still acknowledged.

    exactly one payload part (the envelope)                     StUF055
    envelope larger than ingest.max_size                        IB007
    envelope: DOCTYPE, XML, root, version, UUIDs, XSD           StUF055, IB798, IB009, StUF055
    Action ggk_Di01/ggk_Du01 against the envelope's berichtcode IB240
    zender unknown / not the organisation of the CPA            IB213 / IB101
    ontvanger unknown                                           IB210
    tekstBestand, or a functie no plugin handles                IB102
    functie of the other direction, or not the file's type      IB240
    referentienummer used before by the same zender             IB216
    core's checks of the file (IngestService.submit_many)       core's code

A Fo01 from an organisation (Action Fo01) is recorded as an alert on the message its
crossRefnummer names.
"""

from __future__ import annotations

import dataclasses
import io
import uuid
from dataclasses import dataclass

import structlog
from lxml import etree

from adapters.soap.ebms.model import EbmsMessage
from adapters.soap.fo01 import Fo01Factory
from adapters.soap.ports import Alert, EbmsStore, OutboxItem, StufReference
from adapters.soap.received import Received
from adapters.soap.stuf.model import DI01, DU01, FO01, PartialEnvelope, StufEnvelope, StufFault, StufVersion
from adapters.soap.stuf.reader import StufReader
from adapters.soap.stuf.schemas import StufSchemas
from core import codes
from core.errors import Rejected
from core.ingest import IngestService, Submission
from core.messagetypes import MessageType, parse_namespace
from core.model import Channel, Direction, Event, Message, State
from core.plugins import PluginHost
from core.ports import Clock, Store
from core.principal import Principal
from core.xmlread import check_prolog, sniff

log = structlog.get_logger(__name__)

ACTIONS = {"ggk_Di01": DI01, "ggk_Du01": DU01}
DIRECTIONS = {DI01: Direction.HEEN, DU01: Direction.RETOUR}
ACTOR = "digikoppeling"


@dataclass(frozen=True)
class Processed:
    """The result of processing one message, for the inbound record and the outbox."""

    core_message_id: str | None = None
    fo01_code: str | None = None
    reference: StufReference | None = None
    outbox: tuple[OutboxItem, ...] = ()


class StufApplication:
    def __init__(self, reader: StufReader, schemas: StufSchemas, ingest: IngestService, store: Store,
                 ebms: EbmsStore, plugins: PluginHost, fo01s: Fo01Factory, default_version: StufVersion,
                 max_size: int, clock: Clock):
        self._reader = reader
        self._schemas = schemas
        self._ingest = ingest
        self._store = store
        self._ebms = ebms
        self._plugins = plugins
        self._fo01s = fo01s
        self._default_version = default_version
        self._max_size = max_size
        self._clock = clock
        self._known_codes: set[str] = set()

    def process(self, received: Received) -> Processed:
        """Check the envelope, hand its file to core and return the result; refusals get a Fo01."""
        if received.header.action == FO01:
            return self._received_fo01(received)

        data = None
        try:
            data = _single_payload(received.message)
            envelope = self._read(received, data)
            message_type = self._check(received, envelope)
            self._check_reference(received, envelope)
        except StufFault as fault:
            return self._refused(received, fault, data)

        return self._hand_in(received, envelope, message_type)

    # -- checks ---------------------------------------------------------------------------

    def _read(self, received: Received, data: bytes) -> StufEnvelope:
        if len(data) > self._max_size:
            raise StufFault(codes.IB007, f"the envelope is {len(data)} bytes; the maximum is {self._max_size} bytes")
        configured = self._ebms.stuf_version(received.organisation)
        return self._reader.read(data, StufVersion(configured) if configured else self._default_version)

    def _check(self, received: Received, envelope: StufEnvelope) -> MessageType:
        stuurgegevens = envelope.stuurgegevens
        partial = _partial_of(envelope)
        expected = ACTIONS.get(received.header.action)
        if expected != stuurgegevens.berichtcode:
            raise StufFault(codes.IB240, f"Action {received.header.action} carries a {stuurgegevens.berichtcode} "
                                         "envelope", partial)

        zender = stuurgegevens.zender.organisatie
        if zender != received.organisation:
            if not self._known(zender):
                raise StufFault(codes.IB213, f"zender organisatie {zender} is unknown to the hub", partial)
            raise StufFault(codes.IB101, f"CPA {received.header.cpa_id} belongs to organisation "
                                         f"{received.organisation}, not to the zender {zender}", partial)
        ontvanger = stuurgegevens.ontvanger.organisatie
        if not self._known(ontvanger):
            raise StufFault(codes.IB210, f"ontvanger organisatie {ontvanger} is unknown to the hub", partial)

        return self._message_type(envelope, partial)

    def _known(self, code: str) -> bool:
        """Return whether organisation ``code`` is registered; the hub deletes no organisation, so a yes is kept."""
        if code in self._known_codes:
            return True
        if self._store.get_organisation(code) is None:
            return False
        self._known_codes.add(code)
        return True

    def _message_type(self, envelope: StufEnvelope, partial: PartialEnvelope) -> MessageType:
        functie = envelope.stuurgegevens.functie
        if not envelope.is_xml:
            raise StufFault(codes.IB102, f"no service of the hub routes a tekstBestand with functie {functie}", partial)
        message_type = self._plugins.message_type(functie)
        if message_type is None:
            raise StufFault(codes.IB102, f"no service of the hub handles functie {functie}", partial)
        berichtcode = envelope.stuurgegevens.berichtcode
        if message_type.direction != DIRECTIONS[berichtcode]:
            raise StufFault(codes.IB240, f"functie {functie} is a {message_type.direction.value}bericht; "
                                         f"a {berichtcode} carries a {DIRECTIONS[berichtcode].value}bericht", partial)
        found = self._type_of_file(envelope.payload)
        if found is not None and found.code != message_type.code:
            raise StufFault(codes.IB240, f"functie {functie} does not match the file, which is a {found.code}", partial)
        return message_type

    def _type_of_file(self, payload: bytes) -> MessageType | None:
        """Return the message type of the file by its root namespace; None when core must judge the file."""
        try:
            sniffed = sniff(io.BytesIO(payload))
        except Rejected:
            return None
        namespace = parse_namespace(sniffed.namespace)
        return self._plugins.message_type_for(namespace) if namespace else None

    def _check_reference(self, received: Received, envelope: StufEnvelope) -> None:
        """Refuse a referentienummer the zender used before for another ebMS message.

        NOTE: this check reads; the unique index on (zender, referentienummer) is written
        after core accepted the file. Two envelopes with one referentienummer but different
        files, sent at the same moment, can therefore both be accepted; the second is
        logged (stuf_reference_taken). Two with the same file still meet core's IB216.
        """
        stuurgegevens = envelope.stuurgegevens
        zender, referentienummer = stuurgegevens.zender.organisatie, stuurgegevens.referentienummer
        found = self._ebms.find_reference(zender, referentienummer)
        if found is not None and found.ebms_message_id != received.header.message_data.message_id:
            raise StufFault(codes.IB216, f"zender {zender} used referentienummer {referentienummer} before, "
                                         f"in ebMS message {found.ebms_message_id}", _partial_of(envelope))

    # -- results --------------------------------------------------------------------------

    def _hand_in(self, received: Received, envelope: StufEnvelope, message_type: MessageType) -> Processed:
        stuurgegevens = envelope.stuurgegevens
        principal = Principal.organisation_software(received.organisation, Channel.WEBSERVICE)
        submission = Submission(io.BytesIO(envelope.payload), envelope.bestandsnaam or f"{message_type.code}.xml",
                                declared_size=len(envelope.payload), source_ref=received.header.message_data.message_id)
        outcome = self._ingest.submit_many(principal, [submission])[0]
        reference = StufReference(
            organisation=stuurgegevens.zender.organisatie, referentienummer=stuurgegevens.referentienummer,
            direction="in", created_at=received.at, message_id=outcome.message_id,
            ebms_message_id=received.header.message_data.message_id, cross_refnummer=stuurgegevens.cross_refnummer,
        )
        if not outcome.accepted:
            log.info("stuf_file_rejected", ebms_message_id=received.header.message_data.message_id,
                     message_id=outcome.message_id, organisation=received.organisation, code=outcome.code,
                     referentienummer=stuurgegevens.referentienummer)
            fo01 = self._fo01s.fo01(received.agreement, received.header, outcome.code, outcome.detail or "",
                                    _partial_of(envelope), None, received.at, outcome.params)
            return Processed(outcome.message_id, outcome.code, reference, outbox=(fo01,) if fo01 else ())

        heen = self._link_cross_reference(received, envelope, outcome.message_id) \
            if stuurgegevens.berichtcode == DU01 else None
        log.info("stuf_file_accepted", ebms_message_id=received.header.message_data.message_id,
                 message_id=outcome.message_id, organisation=received.organisation, functie=stuurgegevens.functie,
                 referentienummer=stuurgegevens.referentienummer, recipient=outcome.recipient)
        if heen is not None:
            reference = dataclasses.replace(reference, heen_message_id=heen.id)
        return Processed(outcome.message_id, None, reference)

    def _link_cross_reference(self, received: Received, envelope: StufEnvelope, retour_id: str) -> Message | None:
        """Record on the heenbericht that this Du01 answers it by crossRefnummer; return the heen if found."""
        cross = envelope.stuurgegevens.cross_refnummer
        heen = self._heen_by_reference(cross, received.organisation)
        if heen is None:
            log.info("stuf_cross_reference_unknown", crossrefnummer=cross, message_id=retour_id,
                     organisation=received.organisation)
            return None
        retour = self._store.get_message(retour_id)
        agrees = "the same heenbericht core linked by identity" if retour and retour.heen_id == heen.id \
            else "no heenbericht core linked by identity" if retour and retour.heen_id is None \
            else f"another heenbericht than core linked by identity ({retour.heen_id if retour else '?'})"
        detail = (f"Du01 {envelope.stuurgegevens.referentienummer} with retour {retour_id} answers this message "
                  f"by crossRefnummer {cross}; {agrees}")
        self._store.add_event(Event(heen.id, self._clock.now(), State.RETOUR_RECEIVED, detail=detail, actor=ACTOR))
        return heen

    def _heen_by_reference(self, referentienummer: str, answering: str) -> Message | None:
        for reference in self._ebms.references_to(referentienummer):
            message = self._store.get_message(reference.message_id) if reference.message_id else None
            if message is not None and message.recipient == answering and message.status != State.REJECTED:
                return message
        return None

    def _refused(self, received: Received, fault: StufFault, data: bytes | None) -> Processed:
        log.warning("stuf_envelope_refused", ebms_message_id=received.header.message_data.message_id,
                    cpa_id=received.header.cpa_id, organisation=received.organisation, code=fault.code,
                    detail=fault.detail, referentienummer=fault.partial.referentienummer)
        fo01 = self._fo01s.fo01(received.agreement, received.header, fault.code, fault.detail, fault.partial, data,
                                received.at)
        return Processed(fo01_code=fault.code, outbox=(fo01,) if fo01 else ())

    def _received_fo01(self, received: Received) -> Processed:
        """Record a Fo01 an organisation sent about a message the hub delivered to it."""
        refs = received.message.envelope.manifest
        data = received.message.payload(refs[0]) if len(refs) == 1 else b""
        fout = _read_fo01(data, self._schemas)
        if fout is None:
            log.warning("stuf_fo01_unreadable", ebms_message_id=received.header.message_data.message_id,
                        organisation=received.organisation)
            return Processed()
        code, omschrijving, cross = fout
        heen = self._heen_by_reference(cross, received.organisation) or self._sent_by_reference(cross)
        detail = f"Fo01 {code} from {received.organisation} about referentienummer {cross}: {omschrijving}"
        self._ebms_alert(received, heen, detail)
        log.warning("stuf_fo01_received", organisation=received.organisation, code=code, crossrefnummer=cross,
                    message_id=heen.id if heen else None)
        return Processed()

    def _sent_by_reference(self, referentienummer: str) -> Message | None:
        for reference in self._ebms.references_to(referentienummer):
            if reference.message_id:
                return self._store.get_message(reference.message_id)
        return None

    def _ebms_alert(self, received: Received, message: Message | None, detail: str) -> None:
        alert = Alert(str(uuid.uuid4()), received.at, received.organisation, "fo01_received", detail,
                      message.id if message else None, received.header.message_data.message_id)
        self._ebms.add_alert(alert)



def _single_payload(message: EbmsMessage) -> bytes:
    references = message.envelope.manifest
    if len(references) != 1:
        raise StufFault(codes.STUF055, f"the message must carry one payload part with the StUF envelope; "
                                       f"its Manifest names {len(references)}")
    return message.payload(references[0])


def _partial_of(envelope: StufEnvelope) -> PartialEnvelope:
    stuurgegevens = envelope.stuurgegevens
    return PartialEnvelope(
        berichtcode=stuurgegevens.berichtcode, zender_organisatie=stuurgegevens.zender.organisatie,
        zender_applicatie=stuurgegevens.zender.applicatie, referentienummer=stuurgegevens.referentienummer,
        functie=stuurgegevens.functie, applicatie_versie=envelope.parameters.applicatie_versie,
        applicatie_subversie=envelope.parameters.applicatie_subversie, version=envelope.version,
    )


def _read_fo01(data: bytes, schemas: StufSchemas) -> tuple[str, str, str] | None:
    """Return (code, omschrijving, crossRefnummer) of a valid Fo01Bericht, or None."""
    try:
        check_prolog(io.BytesIO(data))
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (Rejected, etree.XMLSyntaxError):
        return None
    if not schemas.fo01().validate(root) or etree.QName(root).localname != "Fo01Bericht":
        return None
    return (root.findtext("{*}body/{*}code"), root.findtext("{*}body/{*}omschrijving"),
            root.findtext("{*}stuurgegevens/{*}crossRefnummer"))
