"""Fixtures of the message flow tests: a fresh hub per test.

The reference files are found by ``tests.flow.reference`` rather than a fixture, because
the tests are parametrized over the files on disk when they are collected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flow.hub import Hub, build_hub


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    return build_hub(tmp_path)
