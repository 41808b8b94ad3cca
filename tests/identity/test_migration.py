"""Migration 0002 creates exactly the identity tables that ``identity_tables`` declares."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import adapters.storage.identity_tables  # noqa: F401  (registers the identity tables on Base.metadata)
from adapters.storage import check_schema_current, create_engine_for, migrate
from adapters.storage.tables import Base
from adapters.storage.versioning import _alembic_config

IDENTITY_TABLES = {
    "users", "user_roles", "user_grants", "user_passwords", "user_totp", "recovery_codes", "sessions",
    "login_throttles", "invitations", "signup_applications", "audit_records",
}


def _identity_object(item, name, type_, reflected, compare_to) -> bool:
    """Limit the comparison to the identity tables; other components check their own."""
    if type_ == "table":
        return name in IDENTITY_TABLES
    table = getattr(item, "table", None)
    return table is None or table.name in IDENTITY_TABLES


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_schema_url")
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


def test_migration_matches_table_definitions(engine):
    migrate(engine)

    with engine.connect() as connection:
        options = {"compare_type": True, "include_object": _identity_object}
        differences = compare_metadata(MigrationContext.configure(connection, opts=options), Base.metadata)

    assert IDENTITY_TABLES <= set(inspect(engine).get_table_names())
    assert differences == []
    check_schema_current(engine)


def test_downgrade_removes_identity_tables(engine):
    migrate(engine)

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0001")

    remaining = set(inspect(engine).get_table_names())
    assert not IDENTITY_TABLES & remaining
    assert "organisations" in remaining
