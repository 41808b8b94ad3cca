"""Fixtures of the web tests: a portal on a fresh SQLite hub, and the reference Jw 3.2 files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flow.reference import require_istandaarden
from tests.web.support import OPERATOR, Hub, build_hub


@pytest.fixture
def jw32(tmp_path: Path) -> Path:
    """The iJw 3.2 release folder of the reference data; the test is skipped when it is absent."""
    return require_istandaarden() / "ijw" / "3.2"


@pytest.fixture
def hub(tmp_path: Path, jw32: Path) -> Hub:
    hub = build_hub(tmp_path / "data")
    hub.container.catalog().import_release(OPERATOR, jw32 / "xsd")
    return hub


@pytest.fixture
def jw301(jw32: Path) -> bytes:
    return (jw32 / "berichten" / "JW301.xml").read_bytes()
