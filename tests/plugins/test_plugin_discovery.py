"""Plugins are found through the ``ggk.plugins`` entry points, and settings can switch one off."""

from __future__ import annotations

from importlib import metadata

import pytest

from core import codes
from core.plugins import ENTRY_POINT_GROUP, PluginError, PluginHost
from tests.flow import reference
from tests.flow.hub import build_hub

BUILTIN = {"wmo": "plugins.wmo.plugin", "jw": "plugins.jw.plugin"}


def test_entry_points_list_builtin_plugins():
    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}

    for name, module in BUILTIN.items():
        assert entry_points.get(name) == module


def test_host_loads_builtins_from_ggk_distribution():
    host = PluginHost().load()

    loaded = {plugin.__name__: distribution.project_name for plugin, distribution in host.pm.list_plugin_distinfo()}

    for module in BUILTIN.values():
        assert loaded.get(module) == "ggk"


def test_host_registers_every_entry_point():
    names = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}

    host = PluginHost().load()

    assert set(host.plugin_names()) == names


def test_host_before_load_raises_plugin_error():
    host = PluginHost()

    with pytest.raises(PluginError):
        host.plugin_names()


def test_disabled_plugin_declares_nothing():
    host = PluginHost(disabled={"jw"}).load()

    assert "jw" not in host.services()
    assert host.message_type("JW301") is None
    assert host.message_type("WMO301") is not None
    assert host.pm.get_plugin("jw") is None


def test_disabled_plugin_is_not_listed():
    host = PluginHost(disabled={"jw"}).load()

    assert "jw" not in host.plugin_names()


def test_disabled_plugin_files_are_ggk004(tmp_path):
    hub = build_hub(tmp_path, plugins=PluginHost(disabled={"jw"}).load())
    toewijzing = reference.example("ijw", "3.2", "JW301")
    parties = hub.prepare(toewijzing)

    outcome = hub.send(parties.sender, toewijzing.read())

    assert outcome.code == codes.GGK004


def test_other_plugins_work_while_one_is_disabled(tmp_path):
    hub = build_hub(tmp_path, plugins=PluginHost(disabled={"jw"}).load())
    toewijzing = reference.example("iwmo", "3.2", "WMO301")
    parties = hub.prepare(toewijzing)

    outcome = hub.send(parties.sender, toewijzing.read())

    assert outcome.accepted, outcome.detail


def test_disabled_name_applies_to_extra_plugins():
    class Nothing:
        pass

    host = PluginHost(disabled={"extra"}, extra=[("extra", Nothing())]).load()

    assert host.pm.get_plugin("extra") is None
