"""The Digikoppeling settings: the ``[digikoppeling]`` section of ggk.toml.

``OPTIONS`` is the section of the settings schema in config/settings.py.
``digikoppeling_config`` reads it once when the adapter is built. Relative paths are
resolved against the data folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters.soap.stuf.model import StufVersion
from config.settings import SCHEMA, Option, Settings

# The StUF envelope may be as large as ingest.max_size. The SOAP envelope and the MIME
# headers around it add a few kilobytes, so the HTTP body may exceed it by this much.
ENVELOPE_ALLOWANCE = 64 * 1024

# The keys live in the settings schema, the one list of every ggk setting.
OPTIONS: dict[str, Option] = SCHEMA["digikoppeling"]


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
