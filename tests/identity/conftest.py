"""Fixtures of the identity tests: a hub with organisations and the identity use cases,
on the in-memory fakes, SQLite or PostgreSQL (a fresh schema per test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.identity.sealing import AesGcmSecretBox
from core.identity.service import Identity
from core.identity.settings import IdentitySettings
from core.organisations import OrganisationService
from tests.fakes import FixedClock, MemoryPayloads, MemoryStore
from tests.identity.fakes import MemoryIdentityStore
from tests.identity.world import KNOWN_SERVICES, World

# Cheap argon2 parameters keep the tests fast; production uses the defaults of IdentitySettings.
FAST = IdentitySettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1,
                        portal_url="https://ggk.example.nl")


def build_world(hub_store, identity_store, settings: IdentitySettings = FAST, mailer=None) -> World:
    clock = FixedClock()
    box = AesGcmSecretBox(os.urandom(32))
    identity = Identity(identity_store, hub_store, set(KNOWN_SERVICES), clock, box, settings, mailer)
    organisations = OrganisationService(hub_store, set(KNOWN_SERVICES))
    return World(identity, identity_store, hub_store, organisations, clock)


def _sql_world(url: str, tmp_path: Path) -> tuple[World, object]:
    from adapters.storage.identity_store import SqlIdentityStore
    from tests.storage.support import build_sql_store

    env = build_sql_store(url, tmp_path / "payloads")
    return build_world(env.store, SqlIdentityStore(env.engine)), env.engine


@pytest.fixture
def memory_world(tmp_path: Path) -> World:
    (tmp_path / "staging").mkdir()
    payloads = MemoryPayloads(tmp_path / "staging")
    built = build_world(MemoryStore(payloads), MemoryIdentityStore())
    built.payloads = payloads
    return built


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The identity use cases over a migrated, empty store, with gemeenten 0384 and 0363 registered."""
    if request.param == "memory":
        built = request.getfixturevalue("memory_world")
        built.add_standard_organisations()
        yield built
        return

    url_fixture = "sqlite_url" if request.param == "sqlite" else "pg_schema_url"
    built, engine = _sql_world(request.getfixturevalue(url_fixture), tmp_path)
    built.add_standard_organisations()
    try:
        yield built
    finally:
        engine.dispose()
