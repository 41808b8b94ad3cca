"""Deployment settings: one TOML file, environment overrides, command-line flags.

Precedence, highest first: command-line flags, ``GGK_<SECTION>_<KEY>`` environment
variables, the settings file, the defaults below. The file is ``--config FILE``, else
``$GGK_CONFIG``, else ``ggk.toml`` in the data folder (optional). Every value remembers
where it came from, for ``ggk config show``.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATA_DIR = "ggk-data"
SETTINGS_FILE = "ggk.toml"


@dataclass(frozen=True)
class Option:
    default: Any
    kind: type
    help: str
    choices: tuple[str, ...] | None = None
    secret: bool = False


SCHEMA: dict[str, dict[str, Option]] = {
    "database": {
        "url": Option("", str, "SQLAlchemy URL; empty: SQLite file ggk.sqlite in the data folder", secret=True),
    },
    "paths": {
        "payloads": Option("payloads", str, "folder of stored message files (relative to the data folder)"),
        "filedrop": Option("filedrop", str, "root of the file-drop folders (relative to the data folder)"),
        "cache": Option("cache", str, "folder for caches such as unpacked XSD sets"),
    },
    "ingest": {
        "max_size": Option(26_214_400, int, "largest accepted file in bytes (IB007 above)"),
        "validation": Option("full", str, "full: an XSD is required; header: check the header only when none is installed",
                             choices=("full", "header")),
        "stream_threshold": Option(2_097_152, int, "files larger than this many bytes are validated by a streaming reader"),
        "batch_size": Option(100, int, "files committed together by the command line and file drop"),
    },
    "plugins": {
        "disabled": Option([], list, "entry point names of plugins that must not load, e.g. [\"jw\"]"),
    },
    "adapters": {
        "web": Option(True, bool, "serve the portal and JSON API"),
        "digikoppeling": Option(False, bool, "serve the Digikoppeling endpoints"),
        "filedrop": Option(False, bool, "run the file-drop loop inside 'ggk serve'"),
    },
    "web": {
        "host": Option("127.0.0.1", str, "address the server listens on"),
        "port": Option(8080, int, "port the server listens on"),
        "threads": Option(8, int, "worker threads of the server"),
        "allow_http": Option(False, bool, "serve the portal over plain HTTP (only honoured on a loopback address)"),
        "trust_forwarded_proto": Option(False, bool, "trust X-Forwarded-Proto from a TLS-terminating proxy"),
        "tls_cert": Option("", str, "PEM certificate for HTTPS on the portal port; empty: plain HTTP behind a proxy"),
        "tls_key": Option("", str, "PEM private key for tls_cert", secret=True),
        "secret_key": Option("", str, "key for CSRF tokens; empty: web-secret.key in the data folder", secret=True),
        "session_idle_minutes": Option(15, int, "a portal session ends after this many idle minutes"),
        "max_upload_files": Option(50, int, "most files in one upload"),
    },
    "digikoppeling": {
        "xsd_folder": Option("", str, "folder with the OASIS and W3C XSDs for CPAs and ebMS (cpp-cpa-2_0.xsd, "
                                      "msg-header-2_0.xsd, envelope.xsd, xmldsig, xml, xlink); empty: xsd/digikoppeling"),
        "stuf_xsd_folder": Option("", str, "folder with the VNG StUF-GGk XSD packages, unpacked; empty: xsd/stuf-ggk"),
        "hub_oins": Option([], list, "OINs of the hub (20 digits each); the first goes into new CPAs"),
        "hub_name": Option("GGk", str, "the hub's party name in the CPAs it generates"),
        "endpoint_url": Option("", str, "public HTTPS URL of the hub's ebMS endpoint, written into new CPAs"),
        "certificate": Option("", str, "PEM certificate of the hub: TLS client certificate and signing certificate"),
        "private_key": Option("", str, "PEM private key of that certificate", secret=True),
        "tls_ca_file": Option("", str, "PEM CA bundle that verifies the organisations' TLS servers; empty: the system's"),
        "stuf_version": Option("ggk0210", str, "StUF-GGk envelope version for organisations without their own setting",
                               choices=("ggk0210", "ggk0310")),
        "stuf_zender": Option("IB", str, "zender organisatie in the Fo01s the hub sends"),
        "http_timeout": Option(30.0, float, "seconds the hub waits for an organisation's server to connect or answer"),
        "ack_wait_seconds": Option(300, int, "seconds a sent message waits for its asynchronous acknowledgement"),
        "poll_seconds": Option(5.0, float, "pause of the outbound worker when nothing was due"),
        "batch_size": Option(8, int, "messages the outbound worker sends at the same time"),
        "host": Option("", str, "address of a separate Digikoppeling listener; empty: the web host"),
        "port": Option(0, int, "port of a separate TLS listener with client certificates; 0: share the portal port"),
        "tls_cert": Option("", str, "PEM certificate of the Digikoppeling listener"),
        "tls_key": Option("", str, "PEM private key of the Digikoppeling listener", secret=True),
        "client_ca": Option("", str, "PEM bundle of CAs whose client certificates are accepted (PKIoverheid)"),
    },
    "filedrop": {
        "settle_seconds": Option(2.0, float, "a file is picked up once unchanged for this many seconds"),
        "poll_seconds": Option(5.0, float, "pause between two passes over the folders"),
        "lease_seconds": Option(300, int, "how long a hub process holds a delivery before another may take it"),
    },
    "identity": {
        "max_failed_logins": Option(5, int, "failed password or code attempts within the failure window that lock a username"),
        "failure_window_minutes": Option(15, int, "minutes within which failed logins add up"),
        "lockout_minutes": Option(15, int, "minutes a locked username stays locked"),
        "session_idle_minutes": Option(15, int, "minutes without a request after which a portal session ends"),
        "session_absolute_minutes": Option(480, int, "minutes after login at which a portal session ends in any case"),
        "invitation_minutes": Option(4320, int, "minutes an invitation link stays valid (4320: 72 hours)"),
        "portal_url": Option("http://127.0.0.1:8080", str, "public address of the portal, the base of invitation links"),
        "key_file": Option("identity.key", str, "file with the key that seals TOTP secrets (relative to the data "
                                                "folder); created when missing, so back it up"),
    },
    "mail": {
        "host": Option("", str, "SMTP server for invitation mail; empty: links are shown, not mailed"),
        "port": Option(587, int, "SMTP port"),
        "security": Option("starttls", str, "starttls, tls (implicit TLS) or none (a local relay only)",
                           choices=("starttls", "tls", "none")),
        "sender": Option("", str, "From address of the mail the hub sends; required with a host"),
        "username": Option("", str, "SMTP login name; empty: no login"),
        "password": Option("", str, "SMTP password", secret=True),
        "ca_file": Option("", str, "PEM file of the certificates to trust for the SMTP server; empty: the system's"),
    },
    "wlz": {
        "batch_limit": Option(10_000, int, "most BSNs one registertoets may ask for"),
        "wus_oin_header": Option("", str, "HTTP header carrying the WUS caller's OIN, set by a TLS-terminating proxy; "
                                          "empty: only the TLS client certificate counts"),
    },
    "ui": {
        "language": Option("nl", str, "language of messages for people", choices=("nl", "en")),
        "timezone": Option("Europe/Amsterdam", str, "time zone in which times are shown to people (IANA name)"),
    },
    "log": {
        "level": Option("info", str, "lowest level logged", choices=("debug", "info", "warning", "error")),
        "format": Option("console", str, "console or json", choices=("console", "json")),
    },
}


class SettingsError(Exception):
    """A setting is wrong; the message names the setting and where it came from."""


@dataclass(frozen=True)
class Value:
    value: Any
    source: str  # "default", "file:/path/ggk.toml", "env:GGK_WEB_PORT", "flag:--port"


@dataclass
class Settings:
    data_dir: Path
    config_file: Path | None
    values: dict[str, dict[str, Value]] = field(default_factory=dict)

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key].value

    def path(self, key: str) -> Path:
        """Return a ``[paths]`` folder, resolved against the data folder."""
        return (self.data_dir / self.get("paths", key)).resolve()

    @property
    def database_url(self) -> str:
        url = self.get("database", "url")
        return url or f"sqlite:///{(self.data_dir / 'ggk.sqlite').resolve()}"

    def shown(self) -> list[tuple[str, str, str]]:
        """Return (setting, value, source) rows with secrets masked."""
        rows = [("data_dir", str(self.data_dir), "resolved"),
                ("config_file", str(self.config_file) if self.config_file else "(none)", "resolved")]
        for section, options in SCHEMA.items():
            for key, option in options.items():
                entry = self.values[section][key]
                rows.append((f"{section}.{key}", _mask(entry.value, option), entry.source))
        return rows


def _mask(value: Any, option: Option) -> str:
    if not option.secret or not value:
        return json.dumps(value) if not isinstance(value, str) else value
    parts = urlsplit(str(value))
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return str(value) if "://" in str(value) else "***"


def resolve_data_dir(flag: str | None, environ: dict[str, str]) -> Path:
    return Path(flag or environ.get("GGK_DATA_DIR") or DEFAULT_DATA_DIR)


def load_settings(
    data_dir: Path, config_file: str | None = None, flags: dict[tuple[str, str], Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Merge defaults, the settings file, the environment and flags; raise SettingsError on a wrong value."""
    environ = dict(os.environ if environ is None else environ)
    path = _settings_path(data_dir, config_file, environ)
    settings = Settings(data_dir=data_dir, config_file=path)
    for section, options in SCHEMA.items():
        settings.values[section] = {key: Value(option.default, "default") for key, option in options.items()}

    if path is not None:
        _apply_file(settings, path)
    _apply_environment(settings, environ)
    for (section, key), raw in (flags or {}).items():
        if raw is not None:
            _set(settings, section, key, raw, f"flag:--{key.replace('_', '-')}")
    return settings


def _settings_path(data_dir: Path, config_file: str | None, environ: dict[str, str]) -> Path | None:
    explicit = config_file or environ.get("GGK_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise SettingsError(f"settings file {path} not found (given by {'--config' if config_file else 'GGK_CONFIG'})")
        return path
    default = data_dir / SETTINGS_FILE
    return default if default.is_file() else None


def _apply_file(settings: Settings, path: Path) -> None:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {path} is not valid TOML: {error}") from None
    for section, table in document.items():
        if section not in SCHEMA or not isinstance(table, dict):
            raise SettingsError(f"unknown section [{section}] in {path}; known: {', '.join(SCHEMA)}")
        for key, raw in table.items():
            if key not in SCHEMA[section]:
                raise SettingsError(f"unknown setting {section}.{key} in {path}; known in [{section}]: "
                                    f"{', '.join(SCHEMA[section])}")
            _set(settings, section, key, raw, f"file:{path}")


def _apply_environment(settings: Settings, environ: dict[str, str]) -> None:
    for section, options in SCHEMA.items():
        for key in options:
            name = f"GGK_{section.upper()}_{key.upper()}"
            if name in environ:
                _set(settings, section, key, environ[name], f"env:{name}")


def _set(settings: Settings, section: str, key: str, raw: Any, source: str) -> None:
    option = SCHEMA[section][key]
    where = source.split(":", 1)[1] if ":" in source else source
    try:
        value = _convert(raw, option.kind)
    except (TypeError, ValueError) as error:
        raise SettingsError(f"setting {section}.{key} from {where}: {error}") from None
    if option.choices and value not in option.choices:
        raise SettingsError(f"setting {section}.{key} from {where}: {value!r} is not one of {', '.join(option.choices)}")
    if option.kind in (int, float) and value < 0:
        raise SettingsError(f"setting {section}.{key} from {where}: {value} must not be negative")
    problem = _check_value(section, key, value)
    if problem:
        raise SettingsError(f"setting {section}.{key} from {where}: {problem}")
    settings.values[section][key] = Value(value, source)


def _check_value(section: str, key: str, value: Any) -> str | None:
    """Return what is wrong with a value whose type is right but whose content is not, or None."""
    if (section, key) == ("ui", "timezone"):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"{value!r} is not a time zone name such as Europe/Amsterdam"
    if key == "port" and value > 65535:
        return f"{value} is not a port number (1-65535)"
    if (section, key) == ("database", "url") and value:
        scheme = str(value).split(":", 1)[0]
        if not (scheme.startswith("sqlite") or scheme.startswith("postgresql")):
            return f"a database URL starts with sqlite:/// or postgresql+psycopg://, not {scheme}:"
    return None


# Environment variables of ggk that are not settings.
NON_SETTING_VARIABLES = {"GGK_DATA_DIR", "GGK_CONFIG", "GGK_REFERENCE_DATA"}


def unknown_variables(environ: dict[str, str]) -> list[str]:
    """Return ``GGK_...`` variables that name no setting: most likely mistyped."""
    known = {f"GGK_{section.upper()}_{key.upper()}" for section, options in SCHEMA.items() for key in options}
    return sorted(name for name in environ
                  if name.startswith("GGK_") and name not in known and name not in NON_SETTING_VARIABLES
                  and not name.startswith("GGK_TEST_"))


def _convert(raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if kind is list:
        if isinstance(raw, list):
            return [str(item) for item in raw]
        text = str(raw).strip()
        if text.startswith("["):
            return [str(item) for item in json.loads(text)]
        return [item.strip() for item in text.split(",") if item.strip()]
    if kind is int:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(f"expected a whole number, got {raw!r}")
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    if not isinstance(raw, str):
        raise ValueError(f"expected text, got {raw!r}")
    return raw


def default_file_text(values: dict[tuple[str, str], Any] | None = None) -> str:
    """Return a ggk.toml with every setting commented out at its default, except ``values``."""
    values = values or {}
    lines = ["# ggk settings. Environment variables GGK_<SECTION>_<KEY> override these;", "# command-line flags override both.", ""]
    for section, options in SCHEMA.items():
        lines.append(f"[{section}]")
        for key, option in options.items():
            lines.append(f"# {option.help}")
            if (section, key) in values:
                lines.append(f"{key} = {json.dumps(values[(section, key)])}")
            else:
                lines.append(f"# {key} = {json.dumps(option.default)}")
        lines.append("")
    return "\n".join(lines)
