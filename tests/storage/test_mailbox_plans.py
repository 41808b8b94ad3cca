"""SQLite query plans of the mailbox listings and counts: the indexes that keep them fast at a million messages.

SQLite plans without statistics here, as a hub that never ran ANALYZE does. Each test
captures the statement the store runs and asks SQLite how it would run it.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from core.model import State
from core.ports import MessageQuery
from tests.storage.support import acceptance, at, build_sql_store, message


@pytest.fixture
def sqlite_env(sqlite_url, tmp_path):
    env = build_sql_store(sqlite_url, tmp_path / "payloads")
    env.store.accept([acceptance(env.payloads, message(received_at=at(n), identificatie=f"P{n}")) for n in range(5)])
    yield env
    env.engine.dispose()


@contextmanager
def captured(engine):
    """Collect (statement, parameters) of every SELECT run on ``engine`` inside the block."""
    statements = []

    def keep(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan_of(engine, statement: str, parameters) -> str:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return " | ".join(row[-1] for row in rows)


def only_plan(env, call) -> str:
    with captured(env.engine) as statements:
        call()
    assert len(statements) == 1
    return plan_of(env.engine, *statements[0])


def test_identificatie_search_uses_its_index(sqlite_env):
    for role in ("recipient", "sender"):
        organisation = "42420001" if role == "recipient" else "0384"
        query = MessageQuery(organisation, role=role, services=("wmo", "jw"), identificatie="P3", limit=51)

        plan = only_plan(sqlite_env, lambda: sqlite_env.store.list_messages(query))

        assert "ix_messages_identificatie" in plan
        assert [m.identificatie for m in sqlite_env.store.list_messages(query)] == ["P3"]


def test_first_page_reads_in_received_order(sqlite_env):
    query = MessageQuery("42420001", services=("wmo", "jw"), limit=51)

    plan = only_plan(sqlite_env, lambda: sqlite_env.store.list_messages(query))

    assert "ix_messages_recipient_received_at_id" in plan
    assert "TEMP B-TREE" not in plan


def test_period_counts_read_only_an_index(sqlite_env):
    periods = (at(0), at(2), at(10))
    for role, index in (("recipient", "ix_messages_recipient_received_at_service_status"),
                        ("sender", "ix_messages_sender_received_at_service_status")):
        organisation = "42420001" if role == "recipient" else "0384"
        query = MessageQuery(organisation, role=role, services=("wmo", "jw"))

        plan = only_plan(sqlite_env, lambda: sqlite_env.store.count_messages(query, periods))

        assert f"COVERING INDEX {index}" in plan


def test_waiting_count_reads_only_an_index(sqlite_env):
    query = MessageQuery("42420001", services=("wmo", "jw"), status=State.DELIVERED)

    plan = only_plan(sqlite_env, lambda: sqlite_env.store.count_messages(query))

    assert "COVERING INDEX ix_messages_recipient_status_service" in plan
