"""Fixtures of the file-drop tests: a hub with the iJw 3.2 release and two file-drop partners."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.filedrop.stack import Stack, memory_stack


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    return memory_stack(tmp_path)
