"""Migration 0004 creates exactly the Wlz tables that ``wlz_tables`` declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import adapters.storage.wlz_tables  # noqa: F401  (registers the Wlz tables on Base.metadata)
from adapters.storage import create_engine_for, migrate
from adapters.storage.tables import Base

WLZ_TABLES = {"wlz_indicaties", "wlz_imports", "wlz_toets_audit", "wlz_voorzieningen", "wlz_signaalberichten",
              "wlz_signalen"}


def _wlz_only(item, name, type_, reflected, compare_to) -> bool:
    if type_ == "table":
        return name in WLZ_TABLES
    table = getattr(item, "table", None)
    return table is not None and table.name in WLZ_TABLES


def test_migration_matches_wlz_tables(database_url):
    engine = create_engine_for(database_url)
    try:
        migrate(engine)
        options = {"compare_type": True, "include_object": _wlz_only}
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts=options), Base.metadata)
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

    assert WLZ_TABLES <= tables
    assert differences == []
