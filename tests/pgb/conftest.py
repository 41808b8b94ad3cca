"""Fixtures of the Pgb tests: a hub wired from real components, on each store of ``store_env``.

The plugin host loads every plugin through the ``ggk.plugins`` entry points, so the Pgb
plugin arrives exactly as in production. Gemeenten 0363 and 0599 and the chain partner
SVB are enrolled for the service ``pgb``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.filedrop import FileDrop, FileDropSettings
from adapters.filedrop.layout import OrgFolders
from adapters.i18n import explain_code
from core.ingest import IngestService, IngestSettings, Outcome, Submission
from core.mailbox import MailboxService
from core.model import Channel, Enrolment, Organisation, OrgKind
from core.plugins import PluginHost
from core.ports import PayloadStore, Store
from core.principal import Principal
from core.schemas import SchemaCatalog
from tests.fakes import FixedClock
from tests.pgb.messages import GEMEENTE, OTHER_GEMEENTE, SVB

SERVICE = "pgb"


@dataclass
class PgbHub:
    store: Store
    payloads: PayloadStore
    clock: FixedClock
    ingest: IngestService
    mailbox: MailboxService
    filedrop_root: Path

    def send(self, code: str, data: bytes, name: str = "bericht.xml", channel: Channel = Channel.PORTAL) -> Outcome:
        """Hand in ``data`` as the software of organisation ``code`` through ``channel``."""
        return self.send_as(Principal.organisation_software(code, channel), data, name)

    def send_as(self, principal: Principal, data: bytes, name: str = "bericht.xml") -> Outcome:
        return self.ingest.submit(principal, Submission(io.BytesIO(data), name))

    def file_drop(self) -> FileDrop:
        settings = FileDropSettings(settle_seconds=0.0, poll_seconds=0.05)
        return FileDrop(self.ingest, self.store, self.payloads, self.clock, self.filedrop_root, settings,
                        explain=explain_code)

    def folders(self, code: str) -> OrgFolders:
        return OrgFolders(self.filedrop_root, code)


def build_hub(
    store: Store, payloads: PayloadStore, workdir: Path, *, gemeente_channel: Channel = Channel.PORTAL,
    svb_channel: Channel = Channel.WEBSERVICE, settings: IngestSettings | None = None,
    disabled: Iterable[str] = (),
) -> PgbHub:
    """Wire a hub as the container does, with the plugins' own XSDs, and enrol the three parties."""
    clock = FixedClock()
    plugins = PluginHost(disabled=disabled).load()
    catalog = SchemaCatalog(store, clock, workdir / "xsd-cache", bundled=plugins.bundled_xsd)
    ingest = IngestService(store, payloads, plugins, catalog, clock, settings)
    for code in (GEMEENTE, OTHER_GEMEENTE):
        store.add_organisation(Organisation(code, OrgKind.GEMEENTE, f"Gemeente {code}",
                                            [Enrolment(SERVICE, gemeente_channel)]))
    store.add_organisation(Organisation(SVB, OrgKind.KETENPARTNER, "Sociale Verzekeringsbank",
                                        [Enrolment(SERVICE, svb_channel)]))
    return PgbHub(store, payloads, clock, ingest, MailboxService(store, payloads, clock), workdir / "filedrop")


@pytest.fixture
def hub(store_env, tmp_path: Path) -> PgbHub:
    """Return a hub with the gemeenten on the portal and the SVB on the webservice, on each store."""
    store, payloads = store_env
    return build_hub(store, payloads, tmp_path)


@pytest.fixture
def filedrop_hub(store_env, tmp_path: Path) -> PgbHub:
    """Return a hub with every party enrolled through the file drop, on each store."""
    store, payloads = store_env
    return build_hub(store, payloads, tmp_path, gemeente_channel=Channel.FILEDROP, svb_channel=Channel.FILEDROP)
