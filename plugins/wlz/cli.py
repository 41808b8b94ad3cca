"""The ``ggk wlz`` commands: import the register, ask the registertoets, upload a provisions
list, run the signals and read the registertoets audit.

A command reaches the hub's components through the ``ggk`` command's context object,
whose ``container.plugin_context()`` starts the plugins and returns their context.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from core.model import Channel
from core.principal import Principal
from plugins.wlz import fields
from plugins.wlz.errors import InvalidPeildatum, InvalidRows
from plugins.wlz.fields import FieldError
from plugins.wlz.services import WlzServices

OPERATOR = Principal.operator(Channel.CLI)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _services() -> WlzServices:
    return WlzServices.from_context(click.get_current_context().obj.container.plugin_context())


def _principal(code: str | None) -> Principal:
    return Principal.organisation_software(code, Channel.CLI) if code else OPERATOR


def _emit(data) -> None:
    click.echo(json.dumps(data, default=_json_value, indent=2, ensure_ascii=False))


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


def _report_rows(invalid: InvalidRows, as_json: bool) -> None:
    """Print every broken row and exit 2: nothing was imported."""
    if as_json:
        _emit({"code": invalid.code, "detail": invalid.detail, "errors": [e.as_dict() for e in invalid.errors]})
    else:
        click.echo(f"ggk: {invalid.code}: {len(invalid.errors)} invalid row(s), nothing was imported", err=True)
        for error in invalid.errors:
            click.echo(f"    {error}", err=True)
    sys.exit(2)


@click.group()
def wlz() -> None:
    """Wlz register, registertoets and Wlz signalen."""


@wlz.command("import")
@click.argument("file", type=existing_file)
@click.option("--as", "code", metavar="CODE", help="Import as this chain partner (CIZ); default: the hub operator.")
@json_option
def import_register(file: Path, code: str | None, as_json: bool) -> None:
    """Import a Wlz register FILE (full or change file, CSV or XML) and run the signals."""
    try:
        report = _services().register.import_file(_principal(code), file)
    except InvalidRows as invalid:
        _report_rows(invalid, as_json)
    if as_json:
        _emit(report.as_dict())
        return
    record = report.record
    if report.already_imported:
        click.echo(f"{file.name} was imported before, on {record.imported_at:%Y-%m-%d %H:%M}; nothing changed.")
        return
    counts = record.counts
    click.echo(f"{file.name}: {record.kind.value} file, {record.rows} rows: {counts.added} added, "
               f"{counts.changed} changed, {counts.ended} ended, {counts.removed} removed, {counts.unchanged} unchanged.")
    if report.signals is not None:
        click.echo(f"Signals: {report.signals.signals} new, {report.signals.messages} message(s) handed in.")


@wlz.command("toets")
@click.option("--as", "code", required=True, metavar="CODE", help="The asking organisation, such as a gemeentecode.")
@click.argument("bsns", nargs=-1)
@click.option("--file", "bsn_file", type=existing_file, help="Read the BSNs from this file, one per line.")
@click.option("--peildatum", metavar="YYYY-MM-DD", help="The date to check (default: today in the Netherlands).")
@json_option
def toets(code: str, bsns: tuple[str, ...], bsn_file: Path | None, peildatum: str | None, as_json: bool) -> None:
    """Ask whether each BSN has a Wlz indication on the peildatum."""
    wanted = list(bsns)
    if bsn_file is not None:
        wanted += [line.strip() for line in bsn_file.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    answer = _services().registertoets.toets(_principal(code), wanted, _peildatum(peildatum))
    if as_json:
        _emit(answer.as_dict())
        return
    for result in answer.results:
        periods = ", ".join(f"{p.soort.value} {p.ingangsdatum.isoformat()} - "
                            f"{p.einddatum.isoformat() if p.einddatum else 'open'}" for p in result.perioden)
        click.echo(f"{result.bsn}  {'ja' if result.indicatie else 'nee'}  {periods}".rstrip())


def _peildatum(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return fields.day("peildatum", text)
    except FieldError as error:
        raise InvalidPeildatum(f"invalid --peildatum: {error.problem}", params={"peildatum": text}) from None


@wlz.group("provisions")
def provisions() -> None:
    """Upload the lists of residents with a running or requested Wmo or Jeugd provision."""


@provisions.command("import")
@click.option("--as", "code", required=True, metavar="CODE", help="The gemeentecode whose list this is.")
@click.argument("file", type=existing_file)
@json_option
def provisions_import(code: str, file: Path, as_json: bool) -> None:
    """Replace the list of gemeente CODE with FILE (CSV or XML)."""
    try:
        report = _services().provisions.import_list(_principal(code), code, file)
    except InvalidRows as invalid:
        _report_rows(invalid, as_json)
    if as_json:
        _emit(report.as_dict())
        return
    click.echo(f"List of {report.gemeente}: {report.rows} provisions stored, {report.replaced} of the previous list replaced.")


@wlz.group("signals")
def signals() -> None:
    """Wlz signalen to gemeenten."""


@signals.command("run")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The day to compare for (default: today in the Netherlands).")
@json_option
def signals_run(day: str | None, as_json: bool) -> None:
    """Compare the register with the provisions and hand in the new signals (for cron, daily)."""
    report = _services().signals.run(OPERATOR, _peildatum(day))
    if as_json:
        _emit(report.as_dict())
        return
    click.echo(f"{report.signals} new signal(s) for {len(report.by_gemeente)} gemeente(n); "
               f"{report.messages} message(s) handed in, {len(report.rejected)} refused.")
    for refused in report.rejected:
        click.echo(f"    {refused['gemeente']} {refused['identificatie']}: {refused['code']} {refused['detail']}")


@wlz.command("audit")
@click.option("--as", "code", metavar="CODE", help="Read as this organisation (default: the hub operator).")
@click.option("--organisation", metavar="CODE", help="Only this organisation (operator only).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@json_option
def audit(code: str | None, organisation: str | None, limit: int, as_json: bool) -> None:
    """List the newest registertoets audit records: who, when, how many BSNs, which peildatum."""
    records = _services().registertoets.audit(_principal(code), organisation, limit)
    rows = [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "organisation": r.organisation,
             "channel": r.channel, "bsn_count": r.bsn_count, "peildatum": r.peildatum} for r in records]
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo(f"{row['at']}  {row['organisation']}  {row['actor']}  {row['bsn_count']} BSN(s)  "
                   f"peildatum {row['peildatum'].isoformat()}")
