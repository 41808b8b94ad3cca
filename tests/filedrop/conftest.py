"""Fixtures of the file-drop tests: a hub with the iJw 3.2 release and two file-drop partners."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import FixedClock
from tests.filedrop.stack import Stack, build_stack


@pytest.fixture
def stack(store_env, tmp_path: Path) -> Stack:
    """A hub on each store of ``store_env`` (memory, SQLite, PostgreSQL) with a fixed clock."""
    store, payloads = store_env
    return build_stack(store, payloads, FixedClock(), tmp_path)
