"""The portal's settings, read once from ``config.settings.Settings`` when the app is built."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.settings import Settings

SECRET_FILE = "web-secret.key"


def optional_setting(settings: Settings, section: str, key: str, default: Any) -> Any:
    """Return a setting, or ``default`` when the settings schema does not define it.

    NOTE: the keys read through this helper (web.allow_http, web.tls_*, web.secret_key,
    web.session_idle_minutes, web.max_upload_files, web.trust_forwarded_proto and the
    [digikoppeling] listener keys) are not yet in config/settings.py; until they are,
    only their defaults apply.
    """
    try:
        return settings.get(section, key)
    except KeyError:
        return default


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ListenerConfig:
    """One address the server listens on; ``client_ca`` set means clients must show a certificate."""

    name: str
    host: str
    port: int
    tls_cert: str = ""
    tls_key: str = ""
    client_ca: str = ""

    @property
    def uses_tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)


@dataclass(frozen=True)
class WebConfig:
    portal: ListenerConfig
    digikoppeling: ListenerConfig | None  # None: the Digikoppeling endpoints share the portal listener
    threads: int
    allow_http: bool  # cookies without the Secure flag; honoured on a loopback host only
    trust_forwarded_proto: bool  # a TLS-terminating proxy in front sets X-Forwarded-Proto
    secret_key: bytes
    session_idle_minutes: int
    max_upload_files: int
    max_file_size: int
    default_language: str

    @property
    def secure_cookies(self) -> bool:
        return not (self.allow_http and is_loopback(self.portal.host))


def web_config(settings: Settings) -> WebConfig:
    """Collect the portal's settings; the CSRF key comes from the settings or a key file in the data folder."""
    portal = ListenerConfig(
        "portal",
        settings.get("web", "host"),
        settings.get("web", "port"),
        tls_cert=optional_setting(settings, "web", "tls_cert", ""),
        tls_key=optional_setting(settings, "web", "tls_key", ""),
    )
    return WebConfig(
        portal=portal,
        digikoppeling=_digikoppeling_listener(settings),
        threads=settings.get("web", "threads"),
        allow_http=optional_setting(settings, "web", "allow_http", False),
        trust_forwarded_proto=optional_setting(settings, "web", "trust_forwarded_proto", False),
        secret_key=_secret_key(settings),
        session_idle_minutes=optional_setting(settings, "web", "session_idle_minutes", 15),
        max_upload_files=optional_setting(settings, "web", "max_upload_files", 50),
        max_file_size=settings.get("ingest", "max_size"),
        default_language=settings.get("ui", "language"),
    )


def _digikoppeling_listener(settings: Settings) -> ListenerConfig | None:
    port = optional_setting(settings, "digikoppeling", "port", 0)
    if not port:
        return None
    return ListenerConfig(
        "digikoppeling",
        optional_setting(settings, "digikoppeling", "host", settings.get("web", "host")),
        port,
        tls_cert=optional_setting(settings, "digikoppeling", "tls_cert", ""),
        tls_key=optional_setting(settings, "digikoppeling", "tls_key", ""),
        client_ca=optional_setting(settings, "digikoppeling", "client_ca", ""),
    )


def _secret_key(settings: Settings) -> bytes:
    configured = optional_setting(settings, "web", "secret_key", "")
    if configured:
        return configured.encode("utf-8")
    return _key_file(settings.data_dir / SECRET_FILE)


def _key_file(path: Path) -> bytes:
    """Read the key file, creating it (mode 0600) on first use so that every hub process shares one key."""
    if path.is_file():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()  # another process created it first
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(key)
    return key
