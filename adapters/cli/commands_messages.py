"""Organisation commands: send files, list the mailbox, fetch a file, follow a message."""

from __future__ import annotations

import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

import click
from rich.progress import Progress

from adapters.cli.context import CliContext, pass_context
from adapters.cli.output import emit_json, event_dict, json_option, message_dict, shown_time
from adapters.i18n import explain_code
from core.ingest import Outcome, Submission
from core.model import Channel, State
from core.ports import MessageQuery
from core.principal import Principal

OPERATOR = Principal.operator(Channel.CLI)


def register(cli: click.Group) -> None:
    for command in (send, inbox, sent, fetch, trace):
        cli.add_command(command)


def _as(code: str) -> Principal:
    return Principal.organisation_software(code, Channel.CLI)


@click.command()
@click.option("--as", "sender", required=True, metavar="CODE", help="Code of the sending organisation.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@pass_context
def send(context: CliContext, sender: str, files: tuple[Path, ...], as_json: bool) -> None:
    """Hand in FILES as organisation CODE; exit 0 when all are accepted, 1 when any is rejected."""
    ingest = context.container.ingest()
    batch_size = context.settings.get("ingest", "batch_size")
    language = context.settings.get("ui", "language")
    outcomes: list[Outcome] = []
    show_progress = sys.stdout.isatty() and not as_json and len(files) > 1
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task("ggk send", total=len(files))
        for start in range(0, len(files), batch_size):
            chunk = files[start:start + batch_size]
            outcomes += _submit_chunk(ingest, _as(sender), chunk)
            progress.advance(task, len(chunk))

    results = [_result(outcome, language) for outcome in outcomes]
    if as_json:
        emit_json(results)
    else:
        for result in results:
            _print_result(context, result)
    sys.exit(0 if all(o.accepted for o in outcomes) else 1)


def _submit_chunk(ingest, principal: Principal, chunk: tuple[Path, ...]) -> list[Outcome]:
    with ExitStack() as stack:
        submissions = [
            Submission(stream=stack.enter_context(open(path, "rb")), filename=path.name,
                       declared_size=path.stat().st_size)
            for path in chunk
        ]
        return ingest.submit_many(principal, submissions)


def _result(outcome: Outcome, language: str) -> dict:
    result = outcome.as_dict()
    result["explanation"] = explain_code(outcome.code, outcome.params, language)
    return result


def _print_result(context: CliContext, result: dict) -> None:
    _ = context.gettext()
    if result["status"] == "accepted":
        line = _("{file}: accepted as {id} ({type}, for {recipient})").format(
            file=result["file"], id=result["message_id"], type=result["message_type"], recipient=result["recipient"])
        if result["heen_unknown"]:
            line += " " + _("[retour on a heenbericht the hub has not seen]")
        click.echo(line)
        return
    position = ""
    if result["line"]:
        column = f", column {result['column']}" if result["column"] else ""
        position = f" (line {result['line']}{column})"
    click.echo(_("{file}: rejected with {code}{position}: {explanation}").format(
        file=result["file"], code=result["code"], position=position, explanation=result["explanation"] or ""))
    click.echo(f"    {result['detail']}")


def _listing_options(function):
    function = click.option("--dienst", "service", help="Only this service.")(function)
    function = click.option("--type", "message_type", help="Only this message type, e.g. JW301.")(function)
    function = click.option("--status", type=click.Choice([s.value for s in State]), help="Only this status.")(function)
    function = click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))(function)
    return function


@click.command()
@click.argument("code")
@_listing_options
@json_option
@pass_context
def inbox(context: CliContext, code: str, service, message_type, status, limit, as_json: bool) -> None:
    """List the messages delivered to organisation CODE, newest first."""
    query = MessageQuery(organisation=code, services=(service,) if service else None, message_type=message_type,
                         status=State(status) if status else None, limit=limit)
    _print_messages(context, context.container.mailbox().inbox(_as(code), code, query), as_json)


@click.command()
@click.argument("code")
@_listing_options
@json_option
@pass_context
def sent(context: CliContext, code: str, service, message_type, status, limit, as_json: bool) -> None:
    """List the messages organisation CODE handed in, rejected ones included."""
    query = MessageQuery(organisation=code, services=(service,) if service else None, message_type=message_type,
                         status=State(status) if status else None, limit=limit)
    _print_messages(context, context.container.mailbox().sent(_as(code), code, query), as_json)


def _print_messages(context: CliContext, messages, as_json: bool) -> None:
    if as_json:
        emit_json([message_dict(m) for m in messages])
        return
    for message in messages:
        code = f" {message.reject_code}" if message.reject_code else ""
        received = shown_time(message.received_at, context.settings.get("ui", "timezone"))
        click.echo(f"{message.id}  {received}  {message.message_type or '-':7}  "
                   f"{message.sender or '-'} -> {message.recipient or '-'}  {message.status.value}{code}")


@click.command()
@click.argument("code")
@click.argument("message_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the file here (default: stdout).")
@json_option
@pass_context
def fetch(context: CliContext, code: str, message_id: str, output: Path | None, as_json: bool) -> None:
    """Fetch a message's file as organisation CODE; the recipient's fetch marks it downloaded."""
    message, stream = context.container.mailbox().fetch(_as(code), message_id)
    with stream:
        if output is not None:
            with open(output, "wb") as target:
                shutil.copyfileobj(stream, target)
        elif not as_json:
            shutil.copyfileobj(stream, sys.stdout.buffer)
    if as_json:
        emit_json({**message_dict(message), "output": str(output) if output else None})


@click.command()
@click.argument("message_id")
@click.option("--as", "viewer", metavar="CODE", help="Look as organisation CODE (default: as the hub operator).")
@json_option
@pass_context
def trace(context: CliContext, message_id: str, viewer: str | None, as_json: bool) -> None:
    """Show a message's history and its linked heen or retour."""
    principal = _as(viewer) if viewer else OPERATOR
    result = context.container.mailbox().trace(principal, message_id)
    if as_json:
        emit_json({"message": message_dict(result.message), "events": [event_dict(e) for e in result.events],
                   "heen": message_dict(result.heen) if result.heen else None,
                   "retour": message_dict(result.retour) if result.retour else None})
        return
    print_trace(context, result)


def print_trace(context: CliContext, result) -> None:
    _ = context.gettext()
    message = result.message
    click.echo(_("Message {id}: {type} from {sender} to {recipient}").format(
        id=message.id, type=message.message_type or "?", sender=message.sender or "?", recipient=message.recipient or "?"))
    for event in result.events:
        extra = " ".join(part for part in (event.code or "", event.detail or "") if part)
        click.echo(f"  {shown_time(event.at, context.settings.get('ui', 'timezone'), fraction=True)}  "
                   f"{event.state.value:16} {extra}")
    if result.heen:
        click.echo(_("  heenbericht: {id} ({type})").format(id=result.heen.id, type=result.heen.message_type))
    elif message.heen_unknown:
        click.echo(_("  heenbericht: not seen by the hub"))
    if result.retour:
        click.echo(_("  retour: {id} ({type})").format(id=result.retour.id, type=result.retour.message_type))
