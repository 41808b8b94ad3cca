"""Digikoppeling commands: CPAs (``ggk cpa ...``) and the webservice (``ggk digikoppeling ...``).

The approving operator must differ from the one who imported or requested a CPA, so the
CPA commands take ``--operator NAME`` (default: the login name of the shell user).
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from adapters.cli.context import CliContext, pass_context
from adapters.cli.output import emit_json, json_option
from core.errors import InvalidRequest, NotFound
from core.model import Channel
from core.principal import Principal

PROFILES = ("osb-be", "osb-rm", "osb-be-s", "osb-rm-s")
STUF_VERSIONS = ("ggk0210", "ggk0310")

operator_option = click.option(
    "--operator", "operator_name", metavar="NAME", default=lambda: getpass.getuser(),
    help="Name of the operator acting (default: the login name); approval needs another operator than import.",
)


def register(cli: click.Group) -> None:
    cli.add_command(cpa)
    cli.add_command(digikoppeling)


def _parts(context: CliContext):
    from adapters.soap.wiring import digikoppeling_for

    return digikoppeling_for(context.container)


def _operator(name: str) -> Principal:
    return Principal.operator(Channel.CLI, user=name)


@click.group()
def cpa() -> None:
    """Import, request, approve, end and inspect CPAs (Digikoppeling ebMS2 agreements)."""


@cpa.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", metavar="CODE", help="Organisation the CPA is for (default: the one with the "
                                                      "OIN of the CPA's other party).")
@operator_option
@json_option
@pass_context
def cpa_import(context: CliContext, file: Path, organisation: str | None, operator_name: str, as_json: bool) -> None:
    """Import the CPA in FILE; it waits for approval by another operator."""
    parts = _parts(context)
    xml = file.read_bytes()
    code = organisation or _organisation_of(context, parts, xml)
    view = parts.cpas.import_cpa(_operator(operator_name), code, xml)
    _print_view(view, as_json)


def _organisation_of(context: CliContext, parts, xml: bytes) -> str:
    """Return the organisation whose OIN the CPA's other party (not the hub) carries."""
    from core.cpa import checks

    cpa_document = _parse(parts, xml)
    hub = checks.hub_party(cpa_document, frozenset(parts.config.hub_oins))
    oins = set(cpa_document.other_party(hub).oins())
    found = [item.code for item in context.container.store().list_organisations() if item.oin in oins]
    if len(found) != 1:
        named = ", ".join(sorted(oins)) or "no OIN"
        raise InvalidRequest(f"the CPA's other party has {named}, which {'no' if not found else 'more than one'} "
                             "organisation has; give --organisation CODE, or set the OIN with 'ggk org set-oin'")
    return found[0]


def _parse(parts, xml: bytes):
    from core.cpa.parser import CpaParser
    from core.cpa.schema import SchemaFolder

    return CpaParser(SchemaFolder(parts.config.xsd_folder)).parse(xml)


@cpa.command("request")
@click.option("--organisation", required=True, metavar="CODE", help="Organisation the CPA is for.")
@click.option("--endpoint", required=True, metavar="URL", help="The organisation's ebMS endpoint (https://...).")
@click.option("--certificate", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The organisation's PEM certificate (TLS client and signing).")
@click.option("--profile", type=click.Choice(PROFILES), default="osb-rm-s", show_default=True,
              help="Digikoppeling ebMS2 profile.")
@click.option("--sync-reply", type=click.Choice(("none", "mshSignalsOnly")), default="none", show_default=True,
              help="none: acknowledgements come asynchronously; mshSignalsOnly: in the HTTP response.")
@operator_option
@json_option
@pass_context
def cpa_request(context: CliContext, organisation: str, endpoint: str, certificate: Path, profile: str,
                sync_reply: str, operator_name: str, as_json: bool) -> None:
    """Generate a CPA between the hub and an organisation; it waits for approval by another operator."""
    from core.cpa.generator import Profile

    view = _parts(context).cpas.request_cpa(_operator(operator_name), organisation, Profile(profile), endpoint,
                                            certificate.read_text(encoding="ascii"), sync_reply)
    _print_view(view, as_json)


@cpa.command("approve")
@click.argument("cpaid")
@operator_option
@json_option
@pass_context
def cpa_approve(context: CliContext, cpaid: str, operator_name: str, as_json: bool) -> None:
    """Activate a requested or imported CPA."""
    _print_view(_parts(context).cpas.approve(_operator(operator_name), cpaid), as_json)


@cpa.command("end")
@click.argument("cpaid")
@operator_option
@json_option
@pass_context
def cpa_end(context: CliContext, cpaid: str, operator_name: str, as_json: bool) -> None:
    """End a CPA; messages under it are refused from now on."""
    _print_view(_parts(context).cpas.end(_operator(operator_name), cpaid), as_json)


@cpa.command("list")
@click.option("--organisation", metavar="CODE", help="Only the CPAs of this organisation.")
@json_option
@pass_context
def cpa_list(context: CliContext, organisation: str | None, as_json: bool) -> None:
    """List CPAs, oldest first."""
    records = _parts(context).cpas.list(_operator(getpass.getuser()), organisation)
    if as_json:
        emit_json([_record_dict(record) for record in records])
        return
    for record in records:
        click.echo(f"{record.cpaid}  {record.organisation}  {record.state.value}  {record.profile or '-'}  "
                   f"{record.start.isoformat()} .. {record.end.isoformat()}")


@cpa.command("show")
@click.argument("cpaid")
@json_option
@pass_context
def cpa_show(context: CliContext, cpaid: str, as_json: bool) -> None:
    """Show a CPA: its state, parties, channels and the reasons it cannot be activated."""
    _print_view(_parts(context).cpas.show(_operator(getpass.getuser()), cpaid), as_json, detailed=True)


@cpa.command("download")
@click.argument("cpaid")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write the CPA XML to.")
@json_option
@pass_context
def cpa_download(context: CliContext, cpaid: str, output: Path, as_json: bool) -> None:
    """Write the CPA's XML, exactly as stored, to a file."""
    view = _parts(context).cpas.show(_operator(getpass.getuser()), cpaid)
    output.write_bytes(view.record.xml)
    if as_json:
        emit_json({"cpaid": cpaid, "file": str(output), "sha256": view.record.sha256, "size": len(view.record.xml)})
        return
    click.echo(f"{cpaid}: {len(view.record.xml)} bytes written to {output}")


def _record_dict(record) -> dict:
    return {
        "cpaid": record.cpaid, "organisation": record.organisation, "state": record.state,
        "profile": record.profile, "hub_oin": record.hub_oin, "party_oin": record.party_oin,
        "start": record.start, "end": record.end, "sha256": record.sha256,
        "created_at": record.created_at, "created_by": record.created_by,
        "activated_at": record.activated_at, "activated_by": record.activated_by,
        "ended_at": record.ended_at, "ended_by": record.ended_by,
    }


def _print_view(view, as_json: bool, detailed: bool = False) -> None:
    from adapters.soap.cpa_view import cpa_dict, cpa_lines

    data = {**_record_dict(view.record), **cpa_dict(view.cpa, view.warnings)}
    if as_json:
        emit_json(data)
        return
    for line in cpa_lines(data, detailed):
        click.echo(line)


@click.group()
def digikoppeling() -> None:
    """Run and inspect the Digikoppeling webservice."""


@digikoppeling.command("send-once")
@json_option
@pass_context
def send_once(context: CliContext, as_json: bool) -> None:
    """Send what is due once (deliveries, Fo01s, acknowledgements) and stop; for tests and cron."""
    result = _parts(context).worker.run_once()
    counts = {"pushed": result.pushed, "failed": result.failed, "waiting": result.waiting,
              "undeliverable": result.undeliverable, "signals": result.signals}
    if as_json:
        emit_json(counts)
        return
    click.echo(", ".join(f"{name} {count}" for name, count in counts.items()))


@digikoppeling.command("stuf-version")
@click.argument("code")
@click.argument("version", required=False, type=click.Choice(STUF_VERSIONS))
@click.option("--default", "use_default", is_flag=True, help="Remove the organisation's own version.")
@operator_option
@json_option
@pass_context
def stuf_version(context: CliContext, code: str, version: str | None, use_default: bool, operator_name: str,
                 as_json: bool) -> None:
    """Show or set the StUF-GGk envelope version of organisation CODE (IB798 when it sends another)."""
    parts = _parts(context)
    if context.container.store().get_organisation(code) is None:
        raise NotFound(f"organisation {code} not found", params={"organisation": code})
    if version or use_default:
        actor = _operator(operator_name).describe()
        parts.ebms.set_stuf_version(code, None if use_default else version, context.container.clock().now(), actor)
    own = parts.ebms.stuf_version(code)
    effective = own or parts.config.stuf_version.value
    if as_json:
        emit_json({"organisation": code, "stuf_version": effective, "own_setting": own is not None})
        return
    click.echo(f"{code}: {effective}{'' if own else ' (hub default)'}")


@digikoppeling.command("alerts")
@click.option("--organisation", metavar="CODE", help="Only the alerts of this organisation.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True, help="Most alerts shown.")
@json_option
@pass_context
def alerts(context: CliContext, organisation: str | None, limit: int, as_json: bool) -> None:
    """List messages the webservice could not deliver, newest first."""
    found = _parts(context).ebms.alerts(organisation, limit)
    if as_json:
        emit_json([{"at": a.at, "organisation": a.organisation, "kind": a.kind, "message_id": a.message_id,
                    "ebms_message_id": a.ebms_message_id, "detail": a.detail} for a in found])
        return
    for alert in found:
        click.echo(f"{alert.at.isoformat()}  {alert.organisation}  {alert.kind}  {alert.message_id or '-'}  {alert.detail}")
    if not found:
        click.echo("No alerts.")
