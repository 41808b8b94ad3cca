"""``ggk serve``: the web portal and JSON API (and, later, the Digikoppeling endpoints)."""

from __future__ import annotations

import sys

import click

from adapters.cli.context import CliContext, pass_context


def register(cli: click.Group) -> None:
    cli.add_command(serve)


@click.command()
@click.option("--host", metavar="ADDRESS", help="Address to listen on (setting web.host, default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (setting web.port, default 8080).")
@click.option("--threads", type=click.IntRange(1, 256), help="Worker threads per listener (setting web.threads).")
@pass_context
def serve(context: CliContext, host: str | None, port: int | None, threads: int | None) -> None:
    """Serve the portal and JSON API until stopped with Ctrl-C or SIGTERM."""
    from adapters.web.assets import INSTALL_HINT, missing_assets

    missing = missing_assets()
    if missing:
        click.echo(f"ggk: the portal's front-end files are missing ({missing[0]}); {INSTALL_HINT}.", err=True)
        sys.exit(2)
    context.flags.update({("web", "host"): host, ("web", "port"): port, ("web", "threads"): threads})
    settings = context.settings
    if not settings.get("adapters", "web"):
        click.echo("ggk: the portal is switched off (setting adapters.web = false); nothing to serve.", err=True)
        sys.exit(2)

    from adapters.web import create_app
    from adapters.web.config import web_config
    from adapters.web.server import HubServer, ListenerError

    container = context.container
    app = create_app(container, settings, **identity_wiring(container))
    server = HubServer.from_config(app, web_config(settings))
    worker = None
    if settings.get("adapters", "digikoppeling"):
        from adapters.soap.wiring import start_outbound_worker

        worker = start_outbound_worker(container)
    try:
        server.serve_until_signal()
    except (ListenerError, OSError) as error:
        click.echo(f"ggk: cannot start the server: {error}", err=True)
        sys.exit(1)
    finally:
        if worker is not None:
            worker.stop()


def identity_wiring(container) -> dict:
    """Return the identity component for the portal's login, when the container provides one."""
    provider = getattr(container, "identity", None)
    if provider is None:
        click.echo("ggk: warning: no identity component is configured, so nobody can log in to the portal.", err=True)
        return {}
    return {"identity": provider()}
