"""The composition root: the one place where ports meet their adapters.

``build_container(settings)`` returns a dependency-injector container; nothing is
created until a provider is first called. Tests override providers with ``override()``.
"""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.storage import FilePayloadStore, SqlStore, create_engine_for
from config.settings import Settings, SettingsError
from core.clock import SystemClock
from core.freezes import FreezeService
from core.ingest import IngestService, IngestSettings
from core.mailbox import MailboxService
from core.organisations import OrganisationService
from core.plugins import PluginContext, PluginHost
from core.schemas import SchemaCatalog


def _plugin_host(disabled: list[str]) -> PluginHost:
    return PluginHost(disabled=disabled).load()


def _ingest_settings(settings: Settings) -> IngestSettings:
    return IngestSettings(
        max_size=settings.get("ingest", "max_size"),
        validation=settings.get("ingest", "validation"),
        stream_threshold=settings.get("ingest", "stream_threshold"),
    )


def _started_ingest(store, payloads, plugins: PluginHost, catalog, clock, ingest_settings, settings: Settings,
                    resources: dict, audit=None) -> IngestService:
    """Build the ingest service and start the plugins with it, so their observers see every message."""
    ingest = IngestService(store, payloads, plugins, catalog, clock, ingest_settings, audit=audit)
    values = {section: {key: entry.value for key, entry in options.items()} for section, options in settings.values.items()}
    plugins.start(PluginContext(store, payloads, clock, ingest, values, resources))
    return ingest


def _wlz_store(engine):
    from adapters.storage.wlz_store import SqlWlzStore

    return SqlWlzStore(engine)


def _plugin_context(plugins: PluginHost, _ingest: IngestService) -> PluginContext:
    return plugins.context


def _known_services(plugins: PluginHost) -> set[str]:
    return set(plugins.services())


def _file_drop(settings: Settings, ingest, store, payloads, clock):
    from adapters.filedrop import FileDrop, FileDropSettings
    from adapters.i18n import explain_code

    options = FileDropSettings(
        settle_seconds=settings.get("filedrop", "settle_seconds"),
        poll_seconds=settings.get("filedrop", "poll_seconds"),
        lease_seconds=settings.get("filedrop", "lease_seconds"),
        batch_size=settings.get("ingest", "batch_size"),
    )
    language = settings.get("ui", "language")
    return FileDrop(ingest, store, payloads, clock, settings.path("filedrop"), options,
                    explain=lambda code, params: explain_code(code, params, language))


def _mailer(settings: Settings):
    """Return an SMTP mailer when ``mail.host`` is set, else None (invitation links are only shown)."""
    host = settings.get("mail", "host")
    if not host:
        return None
    from adapters.mail.smtp import SmtpMailer, SmtpSettings

    sender = settings.get("mail", "sender")
    if not sender:
        raise SettingsError("setting mail.sender is required when mail.host is set")
    return SmtpMailer(SmtpSettings(
        host=host, sender=sender, port=settings.get("mail", "port"), security=settings.get("mail", "security"),
        username=settings.get("mail", "username") or None, password=settings.get("mail", "password") or None,
        ca_file=settings.get("mail", "ca_file") or None,
    ))


def _identity(settings: Settings, engine, store, known_services: set[str], clock):
    from adapters.storage.identity_keys import load_or_create_key
    from adapters.storage.identity_store import SqlIdentityStore
    from core.identity.sealing import AesGcmSecretBox
    from core.identity.service import Identity
    from core.identity.settings import IdentitySettings

    section = {key: entry.value for key, entry in settings.values["identity"].items()}
    key = load_or_create_key((settings.data_dir / section["key_file"]).resolve())
    return Identity(SqlIdentityStore(engine), store, known_services, clock, AesGcmSecretBox(key),
                    IdentitySettings.from_section(section), _mailer(settings))


def _digikoppeling(container):
    """Return the Digikoppeling adapter's parts (CPA use cases, endpoint, outbound worker)."""
    from adapters.soap.wiring import build_digikoppeling

    return build_digikoppeling(container)


class Container(containers.DeclarativeContainer):
    __self__ = providers.Self()
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    plugins = providers.Singleton(_plugin_host, disabled=settings.provided.values["plugins"]["disabled"].value)

    engine = providers.Singleton(create_engine_for, url=settings.provided.database_url)
    payloads = providers.Singleton(
        FilePayloadStore, root=providers.Callable(lambda s: s.path("payloads"), settings), engine=engine
    )
    store = providers.Singleton(SqlStore, engine, payloads)

    catalog = providers.Singleton(
        SchemaCatalog, store, clock, cache_dir=providers.Callable(lambda s: s.path("cache") / "schemas", settings),
        bundled=plugins.provided.bundled_xsd,
    )
    identity = providers.Singleton(_identity, settings, engine, store, providers.Callable(_known_services, plugins),
                                   clock)
    wlz_store = providers.Singleton(_wlz_store, engine)
    plugin_resources = providers.Dict({"wlz.store": wlz_store})
    ingest = providers.Singleton(
        _started_ingest, store, payloads, plugins, catalog, clock, providers.Callable(_ingest_settings, settings),
        settings, plugin_resources, audit=identity.provided.audit,
    )
    plugin_context = providers.Callable(_plugin_context, plugins, ingest)
    organisations = providers.Singleton(OrganisationService, store, providers.Callable(_known_services, plugins))
    freezes = providers.Singleton(FreezeService, store, plugins, clock)
    mailbox = providers.Singleton(MailboxService, store, payloads, clock, audit=identity.provided.audit)
    file_drop = providers.Singleton(_file_drop, settings, ingest, store, payloads, clock)
    digikoppeling = providers.Singleton(_digikoppeling, __self__)


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
