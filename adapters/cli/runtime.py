"""Open the hub for a command: logging, the container and a current database."""

from __future__ import annotations

import logging
import sys

import click
import structlog

from config.container import build_container
from config.settings import Settings


def configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.get("log", "level").upper())
    renderer = (structlog.processors.JSONRenderer() if settings.get("log", "format") == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso", utc=True), renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def open_container(settings: Settings):
    """Build the container and refuse to work on a database that ``ggk init`` has not prepared."""
    from adapters.storage import SchemaOutOfDate, check_schema_current

    configure_logging(settings)
    container = build_container(settings)
    try:
        check_schema_current(container.engine())
    except SchemaOutOfDate as error:
        click.echo(f"ggk: {error}. Run 'ggk --data-dir {settings.data_dir} init' first.", err=True)
        sys.exit(2)
    return container
