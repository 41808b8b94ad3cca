"""Open the hub for a command: logging, the container and a current database."""

from __future__ import annotations

import logging
import sys

import click
import structlog
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from config.settings import Settings


def configure_logging(settings: Settings | None, *, quiet: bool = True) -> None:
    """Log to stderr; one-shot commands (``quiet``) show warnings and errors only, unless
    ``log.level`` was set explicitly."""
    name = settings.get("log", "level") if settings else "info"
    explicit = settings is not None and settings.values["log"]["level"].source != "default"
    level = getattr(logging, name.upper())
    if quiet and not explicit:
        level = max(level, logging.WARNING)
    renderer_format = settings.get("log", "format") if settings else "console"
    renderer = (structlog.processors.JSONRenderer() if renderer_format == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso", utc=True), renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def open_container(settings: Settings):
    """Build the container and refuse to work on a database that ``ggk init`` has not prepared."""
    from adapters.storage import SchemaNotCurrent, check_schema_current
    from config.container import build_container

    configure_logging(settings)
    if not settings.data_dir.is_dir():
        click.echo(f"ggk: data folder {settings.data_dir} does not exist. "
                   f"Run 'ggk --data-dir {settings.data_dir} init' first.", err=True)
        sys.exit(2)
    container = build_container(settings)
    try:
        check_schema_current(container.engine())
    except SchemaNotCurrent as error:
        click.echo(f"ggk: {error}. Run 'ggk --data-dir {settings.data_dir} init' first.", err=True)
        sys.exit(2)
    except (SQLAlchemyError, ArgumentError) as error:
        shown = {name: value for name, value, _source in settings.shown()}
        click.echo(f"ggk: cannot open the database {shown.get('database.url') or settings.database_url} "
                   f"(setting database.url): {getattr(error, 'orig', None) or error}", err=True)
        sys.exit(2)
    return container


def warn_unknown_variables() -> None:
    """Name every GGK_ variable that is no setting, since a typo would otherwise be ignored silently."""
    import os

    from config.settings import unknown_variables

    for name in unknown_variables(dict(os.environ)):
        click.echo(f"ggk: warning: environment variable {name} is not a ggk setting and is ignored", err=True)
