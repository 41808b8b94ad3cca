"""Fixtures of the SQL store tests: a database URL and a migrated store on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.storage.support import SqlEnv, build_sql_store


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def sql_env(database_url: str, tmp_path: Path) -> Iterator[SqlEnv]:
    env = build_sql_store(database_url, tmp_path / "payloads")
    try:
        yield env
    finally:
        env.engine.dispose()
