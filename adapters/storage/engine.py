"""Engine factory for the two supported databases: SQLite files and PostgreSQL (psycopg 3).

PostgreSQL connections set ``synchronous_commit`` on, whatever the server's default,
so a commit has reached the disk when it returns.

SQLite connections run in WAL mode with ``synchronous=FULL``, so a commit is on disk
when it returns, with foreign keys enforced and a busy timeout for waiting on another
process's write lock. SQLAlchemy, not the ``sqlite3`` module, emits BEGIN. This makes
SAVEPOINT work inside the transaction. A connection with the execution option
``BEGIN_MODE_OPTION`` set to ``"IMMEDIATE"`` takes the write lock at BEGIN. Writing
transactions need that: in WAL mode a deferred transaction that read before another
process committed cannot upgrade to a writer, and fails at once with SQLITE_BUSY
without waiting for the busy timeout.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

BEGIN_MODE_OPTION = "ggk_sqlite_begin"
DEFAULT_BUSY_TIMEOUT_MS = 30_000
POSTGRES_DRIVER = "postgresql+psycopg"


def create_engine_for(url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, echo: bool = False) -> Engine:
    """Create an engine for a ``sqlite:///path`` or ``postgresql[+psycopg]://`` URL.

    ``busy_timeout_ms`` sets how long a SQLite connection waits for another writer.
    Raise ValueError for any other kind of database.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()

    if backend == "sqlite":
        return _remember(_sqlite_engine(parsed, busy_timeout_ms, echo))
    if backend in ("postgresql", "postgres"):
        return _remember(_postgres_engine(parsed, echo))
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// or postgresql+psycopg://")


_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _remember(engine: Engine) -> Engine:
    _ENGINES.add(engine)
    return engine


def dispose_idle_connections() -> None:
    """Close the pooled connections of every engine this process created; the engines stay usable.

    Tests call it after each test, so that engines a test left behind do not keep
    PostgreSQL connections open until the server runs out of them.
    """
    for engine in list(_ENGINES):
        engine.dispose()


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def _postgres_engine(url: URL, echo: bool) -> Engine:
    if url.drivername != POSTGRES_DRIVER:
        url = url.set(drivername=POSTGRES_DRIVER)
    engine = create_engine(url, pool_pre_ping=True, echo=echo)

    @event.listens_for(engine, "connect")
    def require_durable_commits(dbapi_connection: Any, _record: Any) -> None:
        # A server configured with synchronous_commit=off could lose the last commits
        # in a crash, and with them accepted messages whose payloads are stored inline.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute("SET synchronous_commit TO on")
        finally:
            dbapi_connection.autocommit = autocommit

    return engine


def _sqlite_engine(url: URL, busy_timeout_ms: int, echo: bool) -> Engine:
    if url.drivername not in ("sqlite", "sqlite+pysqlite"):
        raise ValueError(f"unsupported SQLite driver {url.drivername!r}: use sqlite:///path")
    engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000})
    in_memory = url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def configure_connection(dbapi_connection: Any, _record: Any) -> None:
        # Stop the sqlite3 module from issuing BEGIN itself: the "begin" hook below does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE_OPTION, "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"invalid {BEGIN_MODE_OPTION} {mode!r}: use DEFERRED or IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
