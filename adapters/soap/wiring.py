"""Building the Digikoppeling adapter from the hub's container, once per container.

    add_digikoppeling_routes(app, container)   mounts POST /digikoppeling/ebms on a falcon app
    start_outbound_worker(container)           runs the outbound worker in a thread
    digikoppeling_for(container)               every part, for the CLI and the tests

The parts are built on first use, reading the ``[digikoppeling]`` settings and taking the
engine, stores, plugins, ingest service and clock from the container.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import falcon
import structlog

from adapters.soap.agreement import CpaDirectory
from adapters.soap.application import StufApplication
from adapters.soap.config import DigikoppelingConfig, digikoppeling_config
from adapters.soap.delivery import DeliveryBuilder
from adapters.soap.ebms.envelope import EnvelopeReader
from adapters.soap.endpoint import EBMS_PATH, EbmsResource
from adapters.soap.fo01 import Fo01Factory
from adapters.soap.inbound import InboundHandler
from adapters.soap.outbound import OutboundWorker
from adapters.soap.receipts import OutboundLedger
from adapters.soap.replies import Replies, Signer
from adapters.soap.sender import EbmsSender
from adapters.soap.stuf.reader import StufReader
from adapters.soap.stuf.schemas import StufSchemas
from adapters.storage.cpa_store import SqlCpaRepository
from adapters.storage.ebms_store import SqlEbmsStore
from core.cpa.parser import CpaParser
from core.cpa.schema import SchemaFolder
from core.cpa.service import CpaService, HubIdentity

log = structlog.get_logger(__name__)

_built: "weakref.WeakKeyDictionary[object, Digikoppeling]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@dataclass
class Digikoppeling:
    config: DigikoppelingConfig
    cpas: CpaService
    cpa_repository: SqlCpaRepository
    ebms: SqlEbmsStore
    directory: CpaDirectory
    handler: InboundHandler
    worker: OutboundWorker


def hub_identity(config: DigikoppelingConfig) -> HubIdentity:
    """Return the hub's side of new CPAs; an unreadable certificate is logged, and ``request_cpa`` then fails."""
    try:
        certificate = config.certificate_pem()
    except OSError as error:
        log.error("digikoppeling_certificate_unreadable", path=str(config.certificate), error=str(error))
        certificate = None
    return HubIdentity(
        oin=config.hub_oins[0] if config.hub_oins else "",
        oins=frozenset(config.hub_oins),
        name=config.hub_name,
        endpoint_url=config.endpoint_url,
        certificate_pem=certificate.decode("ascii") if certificate else "",
    )


def build_digikoppeling(container, config: DigikoppelingConfig | None = None) -> Digikoppeling:
    """Wire every part from ``container``; ``config`` defaults to the container's settings."""
    config = config or digikoppeling_config(container.settings())
    engine, store, clock = container.engine(), container.store(), container.clock()
    hub_oins = frozenset(config.hub_oins)

    repository = SqlCpaRepository(engine)
    cpas = CpaService(repository, CpaParser(SchemaFolder(config.xsd_folder)), hub_identity(config), store, clock)
    ebms = SqlEbmsStore(engine)
    directory = CpaDirectory(cpas, repository, hub_oins)
    signer = Signer(config)
    replies = Replies(signer, config.host)
    schemas = StufSchemas(config.stuf_xsd_folder)
    fo01s = Fo01Factory(signer, hub_oins, config.stuf_zender, config.host)
    application = StufApplication(StufReader(schemas), schemas, container.ingest(), store, ebms, container.plugins(),
                                  fo01s, config.stuf_version, config.max_size, clock)
    handler = InboundHandler(EnvelopeReader(SchemaFolder(config.xsd_folder)), directory, ebms, application,
                             OutboundLedger(store, ebms, directory), replies, clock)
    sender = EbmsSender(config.http_timeout, config.certificate, config.private_key, config.tls_ca_file)
    builder = DeliveryBuilder(container.payloads(), ebms, signer, hub_oins, config.stuf_version, config.host)
    worker = OutboundWorker(store, ebms, directory, builder, sender, clock, config)
    return Digikoppeling(config, cpas, repository, ebms, directory, handler, worker)


def digikoppeling_for(container) -> Digikoppeling:
    """Return the container's Digikoppeling parts, building them on the first call.

    A container with a ``digikoppeling`` provider supplies them itself.
    """
    provider = getattr(container, "digikoppeling", None)
    if provider is not None:
        return provider()
    with _lock:
        if container not in _built:
            _built[container] = build_digikoppeling(container)
        return _built[container]


def add_digikoppeling_routes(app: falcon.App, container) -> None:
    """Mount the ebMS endpoint on ``app``; the web app's ``create_app`` calls this."""
    parts = digikoppeling_for(container)
    app.add_route(EBMS_PATH, EbmsResource(parts.handler, parts.config.max_body))
    log.info("digikoppeling_routes_added", path=EBMS_PATH, hub_oins=list(parts.config.hub_oins))


class OutboundThread:
    """The outbound worker in a daemon thread; ``stop`` ends it after the current pass."""

    def __init__(self, worker: OutboundWorker):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=worker.run, args=(self._stop,), name="ggk-digikoppeling", daemon=True)

    def start(self) -> "OutboundThread":
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)


def start_outbound_worker(container) -> OutboundThread:
    """Start sending due webservice deliveries, Fo01s and signals; ``ggk serve`` calls this."""
    return OutboundThread(digikoppeling_for(container).worker).start()
