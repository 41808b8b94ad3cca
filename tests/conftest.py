"""Shared fixtures: the reference data folder, PostgreSQL and SQLite databases, and stores.

PostgreSQL is found at ``$GGK_TEST_POSTGRES_URL`` (default below). When it is not
reachable the tests that need it are skipped, or fail when ``CI=true``. Every test gets
a fresh schema of its own, so parallel runs against one server do not collide.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from adapters.storage import create_engine_for
from core.ports import PayloadStore, Store
from tests.fakes import MemoryPayloads, MemoryStore
from tests.storage.support import build_sql_store

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_SECONDS = 3


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _close_idle_database_connections():
    """Return every pooled database connection after each test (PostgreSQL allows only so many)."""
    yield
    from adapters.storage.engine import dispose_idle_connections

    dispose_idle_connections()


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The folder of real schemas and messages: ``$GGK_REFERENCE_DATA`` or ``../shared/data``."""
    configured = os.environ.get("GGK_REFERENCE_DATA")
    folder = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not folder.is_dir():
        pytest.skip(f"reference data not found at {folder}; set GGK_REFERENCE_DATA to its folder")
    return folder


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The URL of the PostgreSQL test database, checked to be reachable."""
    url = os.environ.get("GGK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = f"PostgreSQL not reachable at {shown}: {error.orig}"
        if _in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A URL whose connections use a new empty schema; the schema is dropped after the test."""
    schema = f"ggk_test_{secrets.token_hex(6)}"
    admin = create_engine_for(pg_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ggk.db'}"


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, PayloadStore]]:
    """A migrated, empty store and its payload store: the in-memory fake, SQLite or PostgreSQL."""
    if request.param == "memory":
        payloads = MemoryPayloads(tmp_path / "staging")
        (tmp_path / "staging").mkdir()
        yield MemoryStore(payloads), payloads
        return

    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        url = request.getfixturevalue("pg_schema_url")
    env = build_sql_store(url, tmp_path / "payloads")
    try:
        yield env.store, env.payloads
    finally:
        env.engine.dispose()
