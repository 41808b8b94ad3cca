"""A hub with its Digikoppeling endpoint on a real TLS listener on loopback, and the parties
of the tests: a gemeente (0384) and an aanbieder (42420001), each with its own certificate,
CPA and, where a test needs it, an MSH of its own (``tests.digikoppeling.peer``).

The hub is wired by the real container from settings, exactly as ``ggk serve`` wires it,
and served by web's ``HubServer`` (cheroot) with a Digikoppeling listener that requires
client certificates from the test CA.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import falcon

from adapters.soap.wiring import (
    Digikoppeling, OutboundThread, add_digikoppeling_routes, digikoppeling_for, start_outbound_worker,
)
from adapters.storage import create_engine_for, migrate
from adapters.web.config import ListenerConfig
from adapters.web.server import HubServer
from config.container import build_container
from config.settings import load_settings
from core.cpa.generator import CpaRequest, PartySpec, Profile, Reliability, generate_cpa
from core.cpa.parser import CpaParser
from core.model import Channel, Enrolment, Organisation, OrgKind
from core.principal import Principal
from tests.cpa.certificates import Identity, TestCa
from tests.cpa.reference import require_digikoppeling
from tests.flow.reference import require_istandaarden
from tests.soap.stuf_reference import require_stuf

HUB_OIN = "00000009990000000001"
GEMEENTE = "0384"
GEMEENTE_OIN = "00000001003840000000"
AANBIEDER = "42420001"
AANBIEDER_OIN = "00000004242000100000"
OPERATOR = Principal.operator(user="beheerder-1")
SECOND_OPERATOR = Principal.operator(user="beheerder-2")
LOOPBACK = "127.0.0.1"

# Short reliable-messaging values, so that retries happen within a test.
FAST = Reliability(retries=2, retry_interval=timedelta(seconds=1), persist_duration=timedelta(seconds=30))


@dataclass
class Pki:
    """Test certificates: the CA, the hub's, and one per organisation; all valid for 127.0.0.1."""

    folder: Path
    ca: TestCa
    identities: dict[str, Identity] = field(default_factory=dict)

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"

    def paths(self, name: str) -> tuple[Path, Path]:
        return self.folder / f"{name}.key.pem", self.folder / f"{name}.cert.pem"


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    pki = Pki(folder, TestCa())
    pki.ca_file.write_bytes(pki.ca.certificate_pem)
    for name, oin in (("hub", HUB_OIN), (GEMEENTE, GEMEENTE_OIN), (AANBIEDER, AANBIEDER_OIN)):
        identity = pki.ca.issue(f"test {name}", oin, hosts=(LOOPBACK, "localhost"))
        identity.write(folder, name)
        pki.identities[name] = identity
    return pki


@dataclass
class HubUnderTest:
    container: object
    parts: Digikoppeling
    server: HubServer
    pki: Pki
    worker: OutboundThread | None = None
    flags: dict = field(default_factory=dict)  # the settings the hub was started with, as "section.key"

    @property
    def url(self) -> str:
        return f"https://{LOOPBACK}:{self.server.port('digikoppeling')}/digikoppeling/ebms"

    @property
    def store(self):
        return self.container.store()

    def start_worker(self) -> None:
        """Run the outbound worker in the background, as ``ggk serve`` does."""
        self.worker = start_outbound_worker(self.container)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        self.server.stop()


def start_hub(data_dir: Path, database_url: str, pki: Pki, max_size: int | None = None, **digikoppeling) -> HubUnderTest:
    """Migrate the database, wire the container from settings and serve the endpoint on loopback.

    ``digikoppeling`` overrides settings of the [digikoppeling] section; ``max_size`` sets ingest.max_size.
    """
    reference = require_digikoppeling()
    hub_key, hub_certificate = pki.paths("hub")
    values = {
        "xsd_folder": str(reference / "xsd"), "stuf_xsd_folder": str(require_stuf()), "hub_oins": [HUB_OIN],
        "endpoint_url": f"https://{LOOPBACK}/digikoppeling/ebms", "certificate": str(hub_certificate),
        "private_key": str(hub_key), "tls_ca_file": str(pki.ca_file), "http_timeout": 5.0, "ack_wait_seconds": 2,
        "poll_seconds": 0.2,
    }
    values.update(digikoppeling)
    flags = {("digikoppeling", key): value for key, value in values.items()}
    flags[("database", "url")] = database_url
    flags[("ingest", "validation")] = "header"
    if max_size is not None:
        flags[("ingest", "max_size")] = max_size
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = load_settings(data_dir, flags=flags, environ={})
    for key in ("payloads", "cache"):
        settings.path(key).mkdir(parents=True, exist_ok=True)
    migrate(create_engine_for(settings.database_url))

    container = build_container(settings)
    app = falcon.App()
    add_digikoppeling_routes(app, container)
    server_key, server_certificate = pki.paths("hub")
    listener = ListenerConfig("digikoppeling", LOOPBACK, 0, str(server_certificate), str(server_key), str(pki.ca_file))
    server = HubServer(app, [listener], threads=16)
    server.start()
    shown = {f"{section}.{key}": value for (section, key), value in flags.items()}
    return HubUnderTest(container, digikoppeling_for(container), server, pki, flags=shown)


def import_istandaarden(hub: HubUnderTest) -> None:
    root = require_istandaarden()
    catalog = hub.container.catalog()
    catalog.import_release(OPERATOR, root / "iwmo" / "3.2" / "xsd")
    catalog.import_release(OPERATOR, root / "ijw" / "3.2" / "xsd")


def add_parties(hub: HubUnderTest, channel: Channel = Channel.WEBSERVICE) -> None:
    store = hub.store
    for code, kind, oin in ((GEMEENTE, OrgKind.GEMEENTE, GEMEENTE_OIN), (AANBIEDER, OrgKind.AANBIEDER, AANBIEDER_OIN)):
        enrolments = [Enrolment(service, channel) for service in ("wmo", "jw")]
        store.add_organisation(Organisation(code, kind, f"test {code}", enrolments, oin=oin))


def agree(hub: HubUnderTest, organisation: str, peer_url: str, profile: Profile = Profile.OSB_RM,
          sync_reply_mode: str = "none", reliability: Reliability = FAST, cpaid: str | None = None,
          start: datetime | None = None, end: datetime | None = None) -> bytes:
    """Generate a CPA between the hub and ``organisation``, import it and have a second operator approve it."""
    oin = GEMEENTE_OIN if organisation == GEMEENTE else AANBIEDER_OIN
    now = datetime.now(timezone.utc)
    request = CpaRequest(
        cpaid=cpaid or f"test-{organisation}-{profile.value}-{uuid.uuid4().hex[:8]}",
        hub=PartySpec(HUB_OIN, "GGk", hub.url, hub.pki.identities["hub"].certificate_pem.decode()),
        organisation=PartySpec(oin, f"test {organisation}", peer_url,
                               hub.pki.identities[organisation].certificate_pem.decode()),
        profile=profile, start=start or now - timedelta(hours=1), end=end or now + timedelta(days=1),
        sync_reply_mode=sync_reply_mode, reliability=reliability,
    )
    xml = generate_cpa(request)
    hub.parts.cpas.import_cpa(OPERATOR, organisation, xml)
    hub.parts.cpas.approve(SECOND_OPERATOR, request.cpaid)
    return xml


def parse_cpa(xml: bytes):
    from core.cpa.schema import SchemaFolder

    return CpaParser(SchemaFolder(require_digikoppeling() / "xsd")).parse(xml)
