"""Database schema versions: apply the Alembic migrations and check that a database is current.

The migrations live in the package (``migrations/``), so no ``alembic.ini`` is needed at
run time: the Alembic configuration is built in code and handed the open connection.
"""

from __future__ import annotations

from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from adapters.storage.engine import BEGIN_MODE_OPTION, is_sqlite

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Any fixed 64-bit number works: it only has to differ from other advisory locks in the database.
MIGRATION_LOCK_ID = 0x67676B5F6D696772


class SchemaNotCurrent(RuntimeError):
    """Raised when the database's schema version differs from the one this code needs.

    The message states the problem. The caller adds how to migrate in its setting,
    such as a CLI command that calls ``migrate()``.
    """

    def __init__(self, message: str, *, current: tuple[str, ...], expected: tuple[str, ...]):
        super().__init__(message)
        self.current = current
        self.expected = expected


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest schema version. A current database is left as it is.

    On PostgreSQL an advisory lock makes concurrent runs wait for each other. On SQLite
    the transaction starts with BEGIN IMMEDIATE, which does the same.
    """
    with engine.connect().execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"}) as connection:
        with connection.begin():
            if not is_sqlite(connection):
                connection.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": MIGRATION_LOCK_ID})
            before = _current_heads(connection)
            command.upgrade(_alembic_config(connection), "head")
            after = _current_heads(connection)
    if before != after:
        log.info("database_migrated", dialect=engine.dialect.name, before=list(before), after=list(after))


def check_schema_current(engine: Engine) -> None:
    """Raise SchemaNotCurrent unless the database is at the newest schema version."""
    expected = expected_heads()
    with engine.connect() as connection:
        current = _current_heads(connection)
    if current == expected:
        return

    if not current:
        problem = "has no ggk schema yet, so it needs migrating"
    elif set(current) - set(_known_revisions()):
        problem = (f"is at schema version {', '.join(current)}, which this ggk does not know: "
                   f"a newer ggk migrated it, so run that version")
    else:
        problem = (f"is at schema version {', '.join(current)}, behind version {', '.join(expected)}, "
                   f"so it needs migrating")
    raise SchemaNotCurrent(f"the database {problem}", current=current, expected=expected)


def expected_heads() -> tuple[str, ...]:
    """Return the newest schema version(s) of the packaged migrations."""
    return tuple(sorted(_script_directory().get_heads()))


def _current_heads(connection: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def _known_revisions() -> list[str]:
    return [script.revision for script in _script_directory().walk_revisions()]


def _script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config(None))


def _alembic_config(connection: Connection | None) -> Config:
    config = Config()
    # Config values pass through configparser interpolation, so a literal "%" is doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config
