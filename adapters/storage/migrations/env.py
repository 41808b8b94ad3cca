"""Alembic environment: run the migrations on the connection that ``migrate()`` hands over."""

from __future__ import annotations

from alembic import context

# Every module that declares tables on Base, so that autogenerate sees the whole schema.
from adapters.storage import cpa_store, ebms_tables, identity_tables, wlz_tables  # noqa: F401
from adapters.storage.tables import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("ggk migrations run through adapters.storage.migrate(engine), not the alembic command")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
