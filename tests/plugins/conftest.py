"""Fixtures of the plugin host tests: hubs built around a plugin host with throwaway plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins import PluginHost
from tests.flow import reference
from tests.flow.hub import Hub, build_hub


@pytest.fixture
def hub_with(tmp_path: Path):
    """Return a builder of hubs whose plugin host also registers the given throwaway plugins.

    The hub has iWmo 3.2 installed and the parties of its WMO301 example (gemeente 0384,
    aanbieder 42420001) enrolled for wmo.
    """

    def build(*plugins: object, disabled: tuple[str, ...] = ()) -> Hub:
        extra = [(f"throwaway-{number}", plugin) for number, plugin in enumerate(plugins)]
        host = PluginHost(disabled=disabled, extra=extra).load()
        hub = build_hub(tmp_path / f"hub-{len(list(tmp_path.iterdir()))}", plugins=host)
        hub.prepare(reference.example("iwmo", "3.2", "WMO301"))
        return hub

    return build


@pytest.fixture
def toewijzing() -> bytes:
    """The iWmo 3.2 WMO301 example: gemeente 0384 to aanbieder 42420001."""
    return reference.example("iwmo", "3.2", "WMO301").read()
