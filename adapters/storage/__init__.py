"""Storage adapter: the ``Store`` and ``PayloadStore`` ports on SQLite or PostgreSQL.

Wiring, in this order::

    engine = create_engine_for(url)          # sqlite:///path or postgresql+psycopg://...
    migrate(engine)                           # or check_schema_current(engine) at start-up
    payloads = FilePayloadStore(root, engine=engine)
    store = SqlStore(engine, payloads)

Importing this package opens no connection and touches no file.
"""

from adapters.storage.engine import create_engine_for
from adapters.storage.payloads import DEFAULT_INLINE_LIMIT, FilePayloadStore
from adapters.storage.store import SqlStore
from adapters.storage.versioning import SchemaNotCurrent, check_schema_current, migrate

__all__ = [
    "DEFAULT_INLINE_LIMIT",
    "FilePayloadStore",
    "SchemaNotCurrent",
    "SqlStore",
    "check_schema_current",
    "create_engine_for",
    "migrate",
]
