"""Long-running commands: the file-drop loop."""

from __future__ import annotations

import signal
import threading

import click

from adapters.cli.context import CliContext, pass_context
from adapters.cli.output import emit_json, json_option


def register(cli: click.Group) -> None:
    cli.add_command(filedrop)


@click.command()
@click.option("--once", is_flag=True, help="Make one pass over the folders and stop.")
@json_option
@pass_context
def filedrop(context: CliContext, once: bool, as_json: bool) -> None:
    """Run the file drop: pick up files from uit/ and deliver into in/ (until stopped)."""
    drop = context.container.file_drop()
    if once:
        report = drop.run_once()
        if as_json:
            emit_json(report.as_dict())
        else:
            for name, count in report.as_dict().items():
                click.echo(f"{name}: {count}")
        return

    from adapters.cli.runtime import configure_logging

    configure_logging(context.settings, quiet=False)
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    drop.run(stop)
