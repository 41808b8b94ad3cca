"""Engine settings and schema versions: migrating empty databases and checking they are current."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from adapters.storage import SchemaNotCurrent, check_schema_current, create_engine_for, migrate
from adapters.storage import cpa_store, ebms_tables, identity_tables, wlz_tables  # noqa: F401  (all tables)
from adapters.storage.tables import Base
from adapters.storage.versioning import expected_heads

HUB_TABLES = {
    "organisations", "enrolments", "freezes", "schema_sets", "schema_files",
    "schema_activations", "messages", "message_events", "deliveries", "payloads",
}


@pytest.fixture
def engine(database_url):
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


def test_migrate_creates_every_table(engine):
    migrate(engine)

    assert HUB_TABLES | {"alembic_version"} <= set(inspect(engine).get_table_names())
    check_schema_current(engine)


def test_migrate_twice_changes_nothing(engine):
    migrate(engine)

    migrate(engine)

    check_schema_current(engine)


def test_migrations_match_table_definitions(engine):
    migrate(engine)

    options = {"compare_type": True, "include_name": _not_alembic}
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts=options), Base.metadata)

    assert differences == []


def _not_alembic(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name == "alembic_version")


def test_empty_database_is_not_current(engine):
    with pytest.raises(SchemaNotCurrent) as raised:
        check_schema_current(engine)

    assert raised.value.current == ()
    assert raised.value.expected == expected_heads()
    assert "no ggk schema" in str(raised.value)


def test_unknown_newer_version_is_not_current(engine):
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))

    with pytest.raises(SchemaNotCurrent) as raised:
        check_schema_current(engine)

    assert raised.value.current == ("ffff",)
    assert "newer ggk" in str(raised.value)


def test_sqlite_connection_settings(sqlite_url):
    engine = create_engine_for(sqlite_url, busy_timeout_ms=1234)

    with engine.connect() as connection:
        settings = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    engine.dispose()

    assert settings == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 1234}


def test_postgresql_commits_are_synchronous(pg_url):
    relaxed = make_url(pg_url).update_query_dict({"options": "-csynchronous_commit=off"})
    engine = create_engine_for(relaxed.render_as_string(hide_password=False))

    with engine.connect() as connection:
        setting = connection.exec_driver_sql("SHOW synchronous_commit").scalar()
    engine.dispose()

    assert setting == "on"


def test_postgresql_url_uses_psycopg():
    engine = create_engine_for("postgresql://postgres@127.0.0.1:5432/test")

    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg"


def test_unsupported_database_rejected():
    with pytest.raises(ValueError, match="unsupported database URL scheme"):
        create_engine_for("mysql://root@127.0.0.1/ggk")


def test_older_version_is_not_current(engine):
    if expected_heads() == ("0001",):
        pytest.skip("only one schema version exists, so no database can be behind")
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))

    with pytest.raises(SchemaNotCurrent) as raised:
        check_schema_current(engine)

    assert raised.value.current == ("0001",)
    assert "needs migrating" in str(raised.value)
