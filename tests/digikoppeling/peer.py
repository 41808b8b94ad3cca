"""An organisation's side of Digikoppeling, for the tests: software that sends to the hub
(``PeerClient``) and an MSH that receives from the hub (``PeerMsh``), both over HTTPS on
loopback with the organisation's test certificate. ``SilentServer`` accepts connections
and never answers.

The peer builds and reads its messages with the same ebMS and StUF libraries as the hub,
but only through their public functions, as partner software would use a library.
"""

from __future__ import annotations

import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from lxml import etree

from adapters.soap.ebms import builders
from adapters.soap.ebms.builders import Stamp, new_message_id
from adapters.soap.ebms.envelope import EnvelopeReader
from adapters.soap.ebms.errors import EbmsError, ErrorCode
from adapters.soap.ebms.mime import Attachment, Packaged, package, parse_mime
from adapters.soap.ebms.model import EB_NS, EBMS_SERVICE, NS, EbmsMessage
from adapters.soap.sender import EbmsSender, SendResult
from adapters.soap.signing import sign_envelope, verify_envelope
from adapters.soap.stuf.builder import Bericht, build_envelope, tijdstip
from adapters.soap.stuf.model import DU01, Parameters, StufVersion, Stuurgegevens, Systeem
from core.cpa.generator import GGK_SERVICE
from core.cpa.model import Cpa
from core.cpa.schema import SchemaFolder
from tests.cpa.reference import require_digikoppeling
from tests.digikoppeling.support import AANBIEDER_OIN, GEMEENTE, GEMEENTE_OIN, LOOPBACK, Pki

PEER_HOST = "peer.test"


def oin_of(organisation: str) -> str:
    return GEMEENTE_OIN if organisation == GEMEENTE else AANBIEDER_OIN


def reader() -> EnvelopeReader:
    return EnvelopeReader(SchemaFolder(require_digikoppeling() / "xsd"))


def error_codes(result: SendResult) -> list[str]:
    """Return the ebMS error codes in a MessageError or in a SOAP Fault's detail."""
    root = _reply_root(result)
    if root is None:
        return []
    return [item.get(f"{{{EB_NS}}}errorCode") for item in root.iter(f"{{{EB_NS}}}Error")]


def acknowledged_id(result: SendResult) -> str | None:
    root = _reply_root(result)
    if root is None:
        return None
    return root.findtext("soap:Header/eb:Acknowledgment/eb:RefToMessageId", None, NS)


def reply_action(result: SendResult) -> str | None:
    root = _reply_root(result)
    return root.findtext("soap:Header/eb:MessageHeader/eb:Action", None, NS) if root is not None else None


def _reply_root(result: SendResult) -> etree._Element | None:
    if not result.body:
        return None
    try:
        mime = parse_mime(result.content_type, result.body)
    except EbmsError:
        return None
    return etree.fromstring(mime.envelope)


@dataclass(frozen=True)
class Sent:
    message_id: str
    result: SendResult
    referentienummer: str | None = None


class PeerClient:
    """An organisation's software that sends to the hub's endpoint with its client certificate."""

    def __init__(self, hub_url: str, pki: Pki, organisation: str, cpa: Cpa):
        key, certificate = pki.paths(organisation)
        self.hub_url = hub_url
        self.organisation = organisation
        self.oin = oin_of(organisation)
        self.cpa = cpa
        self.key_pem = key.read_bytes()
        self.certificate_pem = certificate.read_bytes()
        self.sender = EbmsSender(15.0, certificate, key, pki.ca_file)

    def packaged(self, action: str, payload: bytes | None, *, service: str = GGK_SERVICE, message_id: str | None = None,
                 time_to_live: timedelta | None = timedelta(minutes=5), sign: bool | None = None,
                 ref_to_message_id: str | None = None) -> tuple[str, Packaged]:
        attachments = () if payload is None else (Attachment(f"payload-{uuid.uuid4()}@{PEER_HOST}", "application/xml",
                                                             payload),)
        stamp = Stamp(message_id or new_message_id(PEER_HOST), datetime.now(timezone.utc))
        outgoing = builders.outgoing_for_cpa(self.cpa, self.oin, service, action, attachments, stamp,
                                             time_to_live=time_to_live, ref_to_message_id=ref_to_message_id)
        envelope = builders.user_message(outgoing)
        if sign if sign is not None else self.signs():
            envelope = sign_envelope(envelope, attachments, self.key_pem, self.certificate_pem)
        return stamp.message_id, package(envelope, attachments)

    def ping(self, status_of: str | None = None) -> SendResult:
        """Send a Ping, or a StatusRequest about ``status_of``: a user message's header turned into an MSH signal."""
        _, packaged = self.packaged("ggk_Di01", None, sign=False)
        root = etree.fromstring(parse_mime(packaged.headers["Content-Type"], packaged.body).envelope)
        header = root.find("soap:Header/eb:MessageHeader", NS)
        service = header.find("eb:Service", NS)
        service.text = EBMS_SERVICE
        service.attrib.pop(f"{{{EB_NS}}}type", None)
        header.find("eb:Action", NS).text = "Ping" if status_of is None else "StatusRequest"
        for path in ("soap:Header/eb:AckRequested", "soap:Header/eb:MessageHeader/eb:DuplicateElimination"):
            for element in root.findall(path, NS):
                element.getparent().remove(element)
        if status_of is not None:
            request = etree.SubElement(root.find("soap:Body", NS), f"{{{EB_NS}}}StatusRequest",
                                       {f"{{{EB_NS}}}version": "2.0"})
            etree.SubElement(request, f"{{{EB_NS}}}RefToMessageId").text = status_of
        envelope = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        if self.signs():
            envelope = sign_envelope(envelope, (), self.key_pem, self.certificate_pem)
        return self.post(package(envelope))

    def signs(self) -> bool:
        party = next(p for p in self.cpa.parties if self.oin in p.oins())
        return any(exchange.sender_binding and exchange.sender_binding.non_repudiation
                   for exchange in party.doc_exchanges)

    def post(self, packaged: Packaged, headers: dict[str, str] | None = None) -> SendResult:
        return self.sender.post(self.hub_url, headers or packaged.headers, packaged.body)

    def send(self, action: str, payload: bytes | None, **options) -> Sent:
        message_id, packaged = self.packaged(action, payload, **options)
        return Sent(message_id, self.post(packaged))

    def send_stuf(self, berichtcode: str, functie: str, payload: bytes, receiver: str, *,
                  referentienummer: str | None = None, cross_refnummer: str | None = None,
                  version: StufVersion = StufVersion.GGK0210, **options) -> Sent:
        referentienummer = referentienummer or str(uuid.uuid4())
        envelope = stuf_envelope(berichtcode, self.organisation, receiver, functie, payload, referentienummer,
                                 cross_refnummer, version)
        action = "ggk_Du01" if berichtcode == DU01 else "ggk_Di01"
        sent = self.send(action, envelope, **options)
        return Sent(sent.message_id, sent.result, referentienummer)


def stuf_envelope(berichtcode: str, zender: str, ontvanger: str, functie: str, payload: bytes, referentienummer: str,
                  cross_refnummer: str | None = None, version: StufVersion = StufVersion.GGK0210) -> bytes:
    stuurgegevens = Stuurgegevens(
        berichtcode=berichtcode, zender=Systeem(zender, "Testapplicatie"), ontvanger=Systeem(ontvanger, "GGk"),
        referentienummer=referentienummer, tijdstip_bericht=tijdstip(datetime.now(timezone.utc)), functie=functie,
        cross_refnummer=cross_refnummer if berichtcode == DU01 else None,
    )
    return build_envelope(version, stuurgegevens, Parameters("0001", "0002", "0003", "0002"), Bericht(payload))


@dataclass
class Arrival:
    """A message the hub sent to the peer MSH."""

    message: EbmsMessage
    body: bytes = field(repr=False)

    @property
    def action(self) -> str:
        return self.message.envelope.header.action

    @property
    def message_id(self) -> str:
        return self.message.envelope.header.message_data.message_id

    def payload(self) -> bytes:
        return self.message.payload(self.message.envelope.manifest[0])


class PeerMsh:
    """The organisation's MSH: receives the hub's messages and acknowledges them.

    ``mode``: ``async`` answers 204 and sends the Acknowledgment to the hub afterwards,
    ``sync`` puts it in the HTTP response, ``silent-ack`` answers 204 and never
    acknowledges, ``error`` answers a MessageError with ``error_code``, ``http500``
    answers HTTP 500.
    """

    def __init__(self, pki: Pki, organisation: str, mode: str = "async"):
        self.pki = pki
        self.organisation = organisation
        self.mode = mode
        self.error_code = ErrorCode.DELIVERY_FAILURE
        self.arrivals: list[Arrival] = []
        self.client: PeerClient | None = None
        self._reader = reader()
        self._condition = threading.Condition()
        key, certificate = pki.paths(organisation)
        self._server = wsgi.Server((LOOPBACK, 0), self._app, numthreads=4, server_name="peer")
        adapter = BuiltinSSLAdapter(str(certificate), str(key))
        adapter.context.verify_mode = ssl.CERT_REQUIRED
        adapter.context.load_verify_locations(cafile=str(pki.ca_file))
        self._server.ssl_adapter = adapter
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://{LOOPBACK}:{self._server.bind_addr[1]}/ebms"

    def start(self) -> "PeerMsh":
        self._server.prepare()
        self._thread = threading.Thread(target=self._server.serve, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stop()
        if self._thread:
            self._thread.join(10)

    def connect(self, hub_url: str, cpa: Cpa) -> None:
        self.client = PeerClient(hub_url, self.pki, self.organisation, cpa)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Arrival]:
        with self._condition:
            self._condition.wait_for(lambda: len(self.arrivals) >= count, timeout)
            return list(self.arrivals)

    def wait_for_action(self, action: str, count: int = 1, timeout: float = 20.0) -> list[Arrival]:
        """Return the arrivals with ``action`` once there are ``count`` of them, or all there are at the timeout."""
        def found() -> list[Arrival]:
            return [arrival for arrival in self.arrivals if arrival.action == action]

        with self._condition:
            self._condition.wait_for(lambda: len(found()) >= count, timeout)
            return found()

    def _app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        message = self._reader.read(environ.get("CONTENT_TYPE"), body)
        with self._condition:
            self.arrivals.append(Arrival(message, body))
            self._condition.notify_all()
        if message.envelope.header.is_signal:
            start_response("204 No Content", [])
            return [b""]
        return self._answer(message, start_response)

    def _answer(self, message: EbmsMessage, start_response):
        if self.mode == "http500":
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"broken"]
        if self.mode == "error":
            envelope = builders.message_error(message.envelope.header, [EbmsError(self.error_code, "test refusal")],
                                              Stamp(new_message_id(PEER_HOST), datetime.now(timezone.utc)))
            return self._respond(start_response, package(envelope))
        if message.envelope.ack_requested is None or self.mode == "silent-ack":
            start_response("204 No Content", [])
            return [b""]
        acknowledgment = self.acknowledgment(message)
        if self.mode == "sync":
            return self._respond(start_response, acknowledgment)
        threading.Thread(target=self.client.post, args=(acknowledgment,), daemon=True).start()
        start_response("204 No Content", [])
        return [b""]

    def acknowledgment(self, message: EbmsMessage) -> Packaged:
        """Build the Acknowledgment, signed with the receipt's references when the hub asked for that."""
        requested = message.envelope.ack_requested
        references = ()
        hub_certificate = self.pki.identities["hub"].certificate_pem
        if message.envelope.signed:
            verified = verify_envelope(message.mime.envelope, message.mime.attachments, hub_certificate)
            references = verified.references if requested.signed else ()
        envelope = builders.acknowledgment(message.envelope.header,
                                           Stamp(new_message_id(PEER_HOST), datetime.now(timezone.utc)),
                                           references=references)
        if requested.signed or self.client.signs():
            envelope = sign_envelope(envelope, (), self.client.key_pem, self.client.certificate_pem)
        return package(envelope)

    @staticmethod
    def _respond(start_response, packaged: Packaged):
        start_response("200 OK", [("Content-Type", packaged.headers["Content-Type"])])
        return [packaged.body]


class SilentServer:
    """Accept TCP connections on loopback and never answer, like a hung server."""

    def __init__(self):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((LOOPBACK, 0))
        self._socket.listen(16)
        self._connections: list[socket.socket] = []
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://{LOOPBACK}:{self._socket.getsockname()[1]}/ebms"

    def _accept(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except (socket.timeout, OSError):
                continue
            self._connections.append(connection)

    def stop(self) -> None:
        self._stopped.set()
        for connection in self._connections:
            connection.close()
        self._socket.close()

