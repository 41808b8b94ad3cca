"""Fixtures of the message flow tests: a fresh hub per test and the reference iStandaarden files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flow import reference
from tests.flow.hub import Hub, build_hub


@pytest.fixture
def istandaarden() -> Path:
    """The reference istandaarden folder; the test is skipped when it is absent."""
    return reference.require_istandaarden()


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    return build_hub(tmp_path)
