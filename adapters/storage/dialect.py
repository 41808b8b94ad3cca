"""INSERT helpers: many rows at once, insert-or-ignore and insert-or-update.

Rows go to the driver's executemany(), which psycopg 3 sends in pipeline mode without
waiting for each row. In one measurement on the development machine (2 vCPU VM, 100
messages with four events each) that took about 0.15 ms per message, against 0.4 ms
for SQLAlchemy's multi-row INSERT with RETURNING ("insertmanyvalues"). Most of the
difference was psycopg converting the long multi-row statement on the client.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert_for(session: Session, entity: Any) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(entity)
    if name == "sqlite":
        return sqlite.insert(entity)
    raise ValueError(f"unsupported database dialect {name!r}")


def insert_rows(session: Session, entity: type, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into the table of ``entity`` with one executemany()."""
    if not rows:
        return
    session.execute(insert(entity.__table__), rows)


def insert_or_ignore(session: Session, entity: type, rows: list[dict[str, Any]], key: list[str]) -> None:
    """Insert rows, skipping each whose ``key`` columns match an existing row, even one another transaction inserts."""
    if not rows:
        return
    statement = _insert_for(session, entity.__table__).on_conflict_do_nothing(index_elements=key)
    session.execute(statement, rows)


def insert_or_update(session: Session, entity: type, values: dict[str, Any], key: list[str]) -> None:
    """Insert a row, or overwrite the non-key columns of the row with the same ``key``."""
    statement = _insert_for(session, entity).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in key}
    session.execute(statement.on_conflict_do_update(index_elements=key, set_=changes))
