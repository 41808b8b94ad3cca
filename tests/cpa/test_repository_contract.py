"""Contract of ``CpaRepository``: every implementation must pass these tests.

They run against the in-memory fake and against ``SqlCpaRepository`` on a migrated
SQLite file and a migrated PostgreSQL schema.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from adapters.storage import create_engine_for, migrate
from adapters.storage.cpa_store import SqlCpaRepository
from core.cpa.ports import CpaRecord, CpaState
from core.errors import Conflict, NotFound
from tests.cpa.memory import MemoryCpaRepository

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def repository(request):
    if request.param == "memory":
        yield MemoryCpaRepository()
        return
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_schema_url")
    engine = create_engine_for(url)
    migrate(engine)
    try:
        yield SqlCpaRepository(engine)
    finally:
        engine.dispose()


def make_record(cpaid: str = "cpa-1", organisation: str = "0363", state: CpaState = CpaState.IMPORTED,
                created_at: datetime = T0) -> CpaRecord:
    return CpaRecord(
        cpaid=cpaid, organisation=organisation, state=state, xml=b"<cpa/>", sha256="ab" * 32,
        hub_oin="00000001234567890000", party_oin="00000001111111111000",
        start=T0, end=T0 + timedelta(days=365), created_at=created_at, created_by="operator@-/cli",
    )


def test_add_then_get_returns_equal_record(repository):
    record = make_record()

    repository.add(record)

    assert repository.get("cpa-1") == record


def test_get_unknown_returns_none(repository):
    assert repository.get("no-such-cpa") is None


def test_add_same_cpaid_raises_conflict(repository):
    repository.add(make_record())

    with pytest.raises(Conflict):
        repository.add(make_record(organisation="0599"))

    assert repository.get("cpa-1").organisation == "0363"


def test_list_filters_and_orders(repository):
    repository.add(make_record("cpa-b", created_at=T0 + timedelta(minutes=1)))
    repository.add(make_record("cpa-a", created_at=T0 + timedelta(minutes=1)))
    repository.add(make_record("cpa-c", created_at=T0))
    repository.add(make_record("cpa-other", organisation="0599", state=CpaState.ACTIVE))

    assert [r.cpaid for r in repository.list("0363")] == ["cpa-c", "cpa-a", "cpa-b"]
    assert [r.cpaid for r in repository.list(states=frozenset({CpaState.ACTIVE}))] == ["cpa-other"]
    assert len(repository.list()) == 4


def test_transition_to_active_sets_activation(repository):
    repository.add(make_record())
    at = T0 + timedelta(hours=1)

    record = repository.transition("cpa-1", frozenset({CpaState.IMPORTED}), CpaState.ACTIVE, at, "operator:7@-/cli")

    assert record.state == CpaState.ACTIVE
    assert record.activated_at == at
    assert record.activated_by == "operator:7@-/cli"
    assert record.ended_at is None
    assert repository.get("cpa-1") == record
    assert dataclasses.replace(record, state=CpaState.IMPORTED, activated_at=None, activated_by=None) == make_record()


def test_transition_to_ended_sets_end(repository):
    repository.add(make_record(state=CpaState.ACTIVE))
    at = T0 + timedelta(days=2)

    record = repository.transition("cpa-1", frozenset({CpaState.ACTIVE}), CpaState.ENDED, at, "user:3@0363/portal")

    assert record.state == CpaState.ENDED
    assert record.ended_at == at
    assert record.ended_by == "user:3@0363/portal"


def test_transition_from_wrong_state_raises_conflict(repository):
    repository.add(make_record(state=CpaState.ENDED))

    with pytest.raises(Conflict):
        repository.transition("cpa-1", frozenset({CpaState.IMPORTED}), CpaState.ACTIVE, T0, "operator@-/cli")

    assert repository.get("cpa-1").state == CpaState.ENDED


def test_transition_unknown_raises_not_found(repository):
    with pytest.raises(NotFound):
        repository.transition("nope", frozenset({CpaState.IMPORTED}), CpaState.ACTIVE, T0, "operator@-/cli")


def test_xml_round_trips_exactly(repository):
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<tns:CPA xmlns:tns="urn:x">\u00e9\r\n</tns:CPA>'.encode("utf-8")
    record = dataclasses.replace(make_record(), xml=xml, profile="osb-rm-s")

    repository.add(record)

    assert repository.get("cpa-1").xml == xml
    assert repository.get("cpa-1").profile == "osb-rm-s"


def test_get_compares_cpaid_case_sensitively(repository):
    repository.add(make_record("CPA-Upper"))

    assert repository.get("cpa-upper") is None
    assert repository.get("CPA-Upper") is not None


def test_transition_keeps_earlier_activation_when_ending(repository):
    repository.add(make_record())
    activated = T0 + timedelta(hours=1)
    repository.transition("cpa-1", frozenset({CpaState.IMPORTED}), CpaState.ACTIVE, activated, "operator:7@-/cli")

    ended = repository.transition("cpa-1", frozenset({CpaState.ACTIVE}), CpaState.ENDED, T0 + timedelta(days=1),
                                  "operator:8@-/cli")

    assert ended.activated_at == activated
    assert ended.activated_by == "operator:7@-/cli"
    assert ended.ended_by == "operator:8@-/cli"
