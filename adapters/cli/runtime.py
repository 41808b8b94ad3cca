"""Open the hub for a command: logging, the container and a current database."""

from __future__ import annotations

import logging
import sys

import click
import structlog

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
    return container
