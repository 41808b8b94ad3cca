"""Operator commands: init, config, schemas, organisations and freezes."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from adapters.cli.context import CliContext, pass_context
from adapters.cli.output import emit_json, json_option, shown_time
from config.settings import default_file_text
from core.model import Channel, OrgKind
from core.principal import Principal

OPERATOR = Principal.operator(Channel.CLI)


def register(cli: click.Group) -> None:
    for command in (init, config, schemas, org, freeze, unfreeze, freezes):
        cli.add_command(command)


@click.command()
@json_option
@pass_context
def init(context: CliContext, as_json: bool) -> None:
    """Create the data folder, a commented ggk.toml and the database."""
    from adapters.cli.runtime import configure_logging
    from adapters.storage import create_engine_for, migrate

    data_dir = context.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    settings_file = data_dir / "ggk.toml"
    if not settings_file.exists() and context.config_flag is None:
        settings_file.write_text(default_file_text(), encoding="utf-8")
    settings = context.settings
    configure_logging(settings)
    for key in ("payloads", "filedrop", "cache"):
        settings.path(key).mkdir(parents=True, exist_ok=True)
    migrate(create_engine_for(settings.database_url))
    result = {"data_dir": str(data_dir.resolve()), "settings_file": str(settings.config_file or settings_file),
              "database": _masked_url(settings)}
    if as_json:
        emit_json(result)
        return
    _ = context.gettext()
    click.echo(_("Hub data folder ready: {path}").format(path=result["data_dir"]))
    click.echo(_("Database: {url}").format(url=result["database"]))


def _masked_url(settings) -> str:
    for name, value, _source in settings.shown():
        if name == "database.url":
            return value or settings.database_url
    return settings.database_url


@click.group()
def config() -> None:
    """Inspect the effective settings."""


@config.command("show")
@json_option
@pass_context
def config_show(context: CliContext, as_json: bool) -> None:
    """Print every setting, its value and where it came from (secrets masked)."""
    rows = context.settings.shown()
    if as_json:
        emit_json([{"setting": s, "value": v, "source": src} for s, v, src in rows])
        return
    width = max(len(s) for s, _, _ in rows)
    for setting, value, source in rows:
        click.echo(f"{setting.ljust(width)}  {value}  [{source}]")


@click.group()
def schemas() -> None:
    """Install and list schema releases (XSD sets)."""


@schemas.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@json_option
@pass_context
def schemas_import(context: CliContext, path: Path, as_json: bool) -> None:
    """Install the XSD set in PATH (a folder or a zip) and activate it for its namespaces."""
    schema_set = context.container.catalog().import_release(OPERATOR, path)
    if as_json:
        emit_json({"schema_set_id": schema_set.id, "imported_at": schema_set.imported_at,
                   "namespaces": schema_set.namespaces, "sha256": schema_set.sha256, "source": schema_set.source})
        return
    _ = context.gettext()
    click.echo(_("Installed schema set {id} with {count} message types.").format(
        id=schema_set.id, count=len(schema_set.namespaces)))
    for namespace in schema_set.namespaces:
        click.echo(f"  {namespace}")


@schemas.command("list")
@json_option
@pass_context
def schemas_list(context: CliContext, as_json: bool) -> None:
    """List installed schema sets and which set is active for each namespace since when."""
    catalog = context.container.catalog()
    sets = catalog.list_sets()
    activations = catalog.activations()
    active = {a.namespace: a for a in activations}
    if as_json:
        emit_json({
            "schema_sets": [{"schema_set_id": s.id, "imported_at": s.imported_at, "source": s.source,
                             "namespaces": s.namespaces, "sha256": s.sha256} for s in sets],
            "active": [{"namespace": a.namespace, "schema_set_id": a.schema_set_id, "active_from": a.active_from}
                       for a in active.values()],
            "history": [{"namespace": a.namespace, "schema_set_id": a.schema_set_id, "active_from": a.active_from}
                        for a in activations],
        })
        return
    for namespace in sorted(active):
        activation = active[namespace]
        click.echo(f"{namespace}  {activation.schema_set_id}  {activation.active_from.isoformat()}")


@click.group()
def org() -> None:
    """Register organisations and enrol them for services."""


@org.command("add")
@click.option("--gemeente", metavar="CODE", help="A gemeente by its 4-digit gemeentecode.")
@click.option("--aanbieder", metavar="AGB", help="A zorgaanbieder by its 8-digit AGB code.")
@click.option("--ketenpartner", metavar="NAME", help="A chain partner by name, such as CAK or SVB.")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--dienst", "services", multiple=True, required=True, help="A service to enrol for (repeatable).")
@click.option("--channel", "channels", multiple=True, type=click.Choice(["portal", "webservice", "filedrop"]),
              help="Channel for the services (repeatable; default portal).")
@click.option("--oin", help="The organisation's OIN (20 digits), for Digikoppeling.")
@json_option
@pass_context
def org_add(context: CliContext, gemeente, aanbieder, ketenpartner, name, services, channels, oin, as_json) -> None:
    """Register an organisation."""
    chosen = [(kind, code) for kind, code in ((OrgKind.GEMEENTE, gemeente), (OrgKind.AANBIEDER, aanbieder),
                                              (OrgKind.KETENPARTNER, ketenpartner)) if code]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --gemeente, --aanbieder or --ketenpartner")
    kind, code = chosen[0]
    organisation = context.container.organisations().add(
        OPERATOR, kind, code, name, list(services), [Channel(c) for c in channels] or [Channel.PORTAL], oin)
    _print_organisation(context, organisation, as_json)


@org.command("enrol")
@click.argument("code")
@click.option("--dienst", "services", multiple=True, required=True, help="A service to enrol for (repeatable).")
@click.option("--channel", "channels", multiple=True, type=click.Choice(["portal", "webservice", "filedrop"]))
@json_option
@pass_context
def org_enrol(context: CliContext, code, services, channels, as_json) -> None:
    """Enrol an organisation for more services or channels."""
    organisation = context.container.organisations().enrol(
        OPERATOR, code, list(services), [Channel(c) for c in channels] or [Channel.PORTAL])
    _print_organisation(context, organisation, as_json)


@org.command("set-oin")
@click.argument("code")
@click.argument("oin")
@json_option
@pass_context
def org_set_oin(context: CliContext, code, oin, as_json) -> None:
    """Set an organisation's OIN."""
    _print_organisation(context, context.container.organisations().set_oin(OPERATOR, code, oin), as_json)


@org.command("list")
@json_option
@pass_context
def org_list(context: CliContext, as_json: bool) -> None:
    """List every organisation."""
    organisations = context.container.organisations().list(OPERATOR)
    if as_json:
        emit_json([_organisation_dict(o) for o in organisations])
        return
    for organisation in organisations:
        click.echo(_organisation_line(organisation))


@org.command("show")
@click.argument("code")
@json_option
@pass_context
def org_show(context: CliContext, code: str, as_json: bool) -> None:
    """Show one organisation."""
    _print_organisation(context, context.container.organisations().get(OPERATOR, code), as_json)


def _organisation_dict(organisation) -> dict:
    return {"code": organisation.code, "kind": organisation.kind, "name": organisation.name, "oin": organisation.oin,
            "active": organisation.active,
            "enrolments": [{"service": e.service, "channel": e.channel} for e in organisation.enrolments]}


def _organisation_line(organisation) -> str:
    enrolments = ", ".join(f"{e.service}/{e.channel.value}" for e in organisation.enrolments)
    return f"{organisation.code}  {organisation.kind.value}  {organisation.name}  [{enrolments}]"


def _print_organisation(context: CliContext, organisation, as_json: bool) -> None:
    if as_json:
        emit_json(_organisation_dict(organisation))
    else:
        click.echo(_organisation_line(organisation))


@click.command()
@click.argument("message_type")
@click.option("--until", metavar="TIME", help="End of the freeze, ISO 8601 (e.g. 2027-01-01T06:00); open-ended if omitted.")
@click.option("--reason", help="Why the type is frozen (shown to operators).")
@json_option
@pass_context
def freeze(context: CliContext, message_type: str, until: str | None, reason: str | None, as_json: bool) -> None:
    """Block a message type (IB103) until TIME or until unfrozen."""
    end = _parse_time(until, context.settings.get("ui", "timezone")) if until else None
    result = context.container.freezes().freeze(OPERATOR, message_type, end, reason)
    if as_json:
        emit_json({"message_type": result.message_type, "since": result.since, "until": result.until, "reason": result.reason})
        return
    _ = context.gettext()
    if result.until is None:
        click.echo(_("{type} is frozen until it is unfrozen.").format(type=result.message_type))
    else:
        until = shown_time(result.until, context.settings.get("ui", "timezone"))
        click.echo(_("{type} is frozen until {until}.").format(type=result.message_type, until=until))


@click.command()
@click.argument("message_type")
@json_option
@pass_context
def unfreeze(context: CliContext, message_type: str, as_json: bool) -> None:
    """Lift the freeze of a message type."""
    context.container.freezes().unfreeze(OPERATOR, message_type)
    if as_json:
        emit_json({"message_type": message_type.upper(), "frozen": False})
        return
    _ = context.gettext()
    click.echo(_("{type} is no longer frozen.").format(type=message_type.upper()))


@click.command()
@json_option
@pass_context
def freezes(context: CliContext, as_json: bool) -> None:
    """List the freezes."""
    items = context.container.freezes().list(OPERATOR)
    if as_json:
        emit_json([{"message_type": f.message_type, "since": f.since, "until": f.until, "reason": f.reason} for f in items])
        return
    for item in items:
        click.echo(f"{item.message_type}  {item.since.isoformat()}  {item.until.isoformat() if item.until else '-'}")


def _parse_time(text: str, timezone_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time such as 2027-01-01T06:00", param_hint="--until") from None
    if moment.tzinfo is None:  # a time without offset is meant in the people's time zone
        moment = moment.replace(tzinfo=ZoneInfo(timezone_name))
    return moment.astimezone(timezone.utc)
