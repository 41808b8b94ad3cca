"""The Digikoppeling settings: the ``[digikoppeling]`` section of ggk.toml.

``OPTIONS`` lists the section's keys; config/settings.py carries the same keys in its
SCHEMA. ``digikoppeling_config`` reads them once when the adapter is built. A key that
the settings schema does not define yet falls back to its default here. Relative paths
are resolved against the data folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters.soap.stuf.model import StufVersion
from config.settings import Option, Settings

# The StUF envelope may be as large as ingest.max_size. The SOAP envelope and the MIME
# headers around it add a few kilobytes, so the HTTP body may exceed it by this much.
ENVELOPE_ALLOWANCE = 64 * 1024

OPTIONS: dict[str, Option] = {
    "xsd_folder": Option("", str, "folder with the OASIS and W3C XSDs for CPAs and ebMS (cpp-cpa-2_0.xsd, "
                                  "msg-header-2_0.xsd, envelope.xsd, xmldsig-core-schema.xsd, xml.xsd, xlink.xsd)"),
    "stuf_xsd_folder": Option("", str, "folder with the VNG StUF-GGk XSD packages (ggk0210 and ggk0310), unpacked"),
    "hub_oins": Option([], list, "OINs of the hub (20 digits each); the first goes into new CPAs"),
    "hub_name": Option("GGk", str, "the hub's party name in the CPAs it generates"),
    "endpoint_url": Option("", str, "public HTTPS URL of the hub's ebMS endpoint, written into new CPAs"),
    "certificate": Option("", str, "PEM certificate of the hub: TLS client certificate and signing certificate"),
    "private_key": Option("", str, "PEM private key of that certificate", secret=True),
    "tls_ca_file": Option("", str, "PEM CA bundle that verifies the organisations' TLS servers; empty: the system's"),
    "stuf_version": Option("ggk0210", str, "StUF-GGk envelope version for organisations without their own setting",
                           choices=tuple(version.value for version in StufVersion)),
    "stuf_zender": Option("IB", str, "zender organisatie in the Fo01s the hub sends"),
    "http_timeout": Option(30.0, float, "seconds the hub waits for an organisation's server to connect or answer"),
    "ack_wait_seconds": Option(300, int, "seconds a sent message waits for its asynchronous acknowledgement "
                                         "before the attempt counts as failed"),
    "poll_seconds": Option(5.0, float, "pause of the outbound worker when nothing was due"),
    "batch_size": Option(8, int, "messages the outbound worker sends at the same time"),
    "host": Option("", str, "address of a separate Digikoppeling listener; empty: the web host"),
    "port": Option(0, int, "port of a separate TLS listener with client certificates; 0: share the portal port"),
    "tls_cert": Option("", str, "PEM certificate of the Digikoppeling listener"),
    "tls_key": Option("", str, "PEM private key of the Digikoppeling listener", secret=True),
    "client_ca": Option("", str, "PEM bundle of CAs whose client certificates are accepted (PKIoverheid)"),
}


@dataclass(frozen=True)
class DigikoppelingConfig:
    """The adapter's settings, with paths resolved."""

    xsd_folder: Path
    stuf_xsd_folder: Path
    hub_oins: tuple[str, ...]
    hub_name: str = "GGk"
    endpoint_url: str = ""
    certificate: Path | None = None
    private_key: Path | None = None
    tls_ca_file: Path | None = None
    stuf_version: StufVersion = StufVersion.GGK0210
    stuf_zender: str = "IB"
    http_timeout: float = 30.0
    ack_wait_seconds: int = 300
    poll_seconds: float = 5.0
    batch_size: int = 8
    max_size: int = 26_214_400  # ingest.max_size: the largest StUF envelope

    @property
    def max_body(self) -> int:
        return self.max_size + ENVELOPE_ALLOWANCE

    @property
    def host(self) -> str:
        """Return the host name that ends the hub's MessageIds (``uuid@host``)."""
        return urlsplit(self.endpoint_url).hostname or "ggk"

    def certificate_pem(self) -> bytes | None:
        return self.certificate.read_bytes() if self.certificate else None

    def key_pem(self) -> bytes | None:
        return self.private_key.read_bytes() if self.private_key else None


def digikoppeling_config(settings: Settings) -> DigikoppelingConfig:
    def value(key: str) -> Any:
        try:
            return settings.get("digikoppeling", key)
        except KeyError:
            return OPTIONS[key].default

    def path(key: str) -> Path | None:
        text = value(key)
        return (settings.data_dir / text).resolve() if text else None

    return DigikoppelingConfig(
        xsd_folder=path("xsd_folder") or settings.data_dir / "xsd" / "digikoppeling",
        stuf_xsd_folder=path("stuf_xsd_folder") or settings.data_dir / "xsd" / "stuf-ggk",
        hub_oins=tuple(value("hub_oins")),
        hub_name=value("hub_name"),
        endpoint_url=value("endpoint_url"),
        certificate=path("certificate"),
        private_key=path("private_key"),
        tls_ca_file=path("tls_ca_file"),
        stuf_version=StufVersion(value("stuf_version")),
        stuf_zender=value("stuf_zender"),
        http_timeout=float(value("http_timeout")),
        ack_wait_seconds=int(value("ack_wait_seconds")),
        poll_seconds=float(value("poll_seconds")),
        batch_size=int(value("batch_size")),
        max_size=settings.get("ingest", "max_size"),
    )
