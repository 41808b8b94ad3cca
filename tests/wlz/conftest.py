"""Fixtures of the Wlz tests: a real hub on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wlz.hub import WlzHub, build_wlz_hub


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def hub(tmp_path: Path, database_url: str) -> WlzHub:
    hub = build_wlz_hub(tmp_path / "hub", database_url)
    yield hub
    hub.container.engine().dispose()
