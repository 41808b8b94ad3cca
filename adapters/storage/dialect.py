"""INSERT variants that differ per database: insert-or-ignore and insert-or-update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert_for(session: Session, entity: type) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(entity)
    if name == "sqlite":
        return sqlite.insert(entity)
    raise ValueError(f"unsupported database dialect {name!r}")


def insert_or_ignore(session: Session, entity: type, values: dict[str, Any], key: list[str]) -> None:
    """Insert a row unless one with the same ``key`` columns exists, also one another transaction inserts."""
    statement = _insert_for(session, entity).values(**values).on_conflict_do_nothing(index_elements=key)
    session.execute(statement)


def insert_or_update(session: Session, entity: type, values: dict[str, Any], key: list[str]) -> None:
    """Insert a row, or overwrite the non-key columns of the row with the same ``key``."""
    statement = _insert_for(session, entity).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in key}
    session.execute(statement.on_conflict_do_update(index_elements=key, set_=changes))
