"""A third-party plugin, installed through its entry point, carries its own message types end to end."""

from __future__ import annotations

import importlib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from core import codes
from core.model import Direction, State
from core.plugins import PluginHost
from tests.flow import messages
from tests.flow.hub import Hub, build_hub, organisation

GEMEENTE = "0599"  # Afzender of the VB101 example
AANBIEDER = "12345678"  # its Ontvanger
NAMESPACES = (
    "http://www.istandaarden.nl/ivb/1_0/vb101/schema",
    "http://www.istandaarden.nl/ivb/1_0/vb102/schema",
)


def example_module():
    return importlib.import_module("ggk_example_plugin")


@pytest.fixture
def vb_hub(installed_example_plugin, tmp_path: Path) -> Hub:
    """A hub whose plugins come from the entry points, with the iVb 1.0 XSDs and both parties."""
    hub = build_hub(tmp_path / "hub", plugins=PluginHost().load())
    hub.import_release(example_module().xsd_folder())
    hub.add(organisation(GEMEENTE, ("vb",)), organisation(AANBIEDER, ("vb",)))
    return hub


def test_example_plugin_found_through_entry_point(installed_example_plugin):
    host = PluginHost().load()

    distributions = {plugin.__name__: dist.project_name for plugin, dist in host.pm.list_plugin_distinfo()}
    assert distributions.get("ggk_example_plugin") == "ggk-example-plugin"
    assert installed_example_plugin.entry_points == {"vb": "ggk_example_plugin"}
    assert "vb" in host.services()


def test_example_plugin_declares_heen_and_retour(installed_example_plugin):
    host = PluginHost().load()

    heen, retour = host.message_type("VB101"), host.message_type("VB102")

    assert heen.direction == Direction.HEEN
    assert retour.direction == Direction.RETOUR
    assert retour.answers == "VB101"


def test_example_plugin_absent_when_not_installed():
    host = PluginHost().load()

    assert "vb" not in host.services()
    assert host.message_type("VB101") is None


def test_example_xsd_release_imports(vb_hub):
    sets = vb_hub.catalog.list_sets()

    assert [schema_set.namespaces for schema_set in sets] == [NAMESPACES]


def test_example_heen_is_delivered_to_ontvanger(vb_hub, vb101):
    outcome = vb_hub.send(GEMEENTE, vb101, "VB101.xml")

    assert outcome.accepted, outcome.detail
    assert outcome.message_type == "VB101"
    assert outcome.recipient == AANBIEDER
    assert vb_hub.message(outcome.message_id).service == "vb"


def test_example_retour_links_to_heen(vb_hub, vb101, vb102):
    heen = vb_hub.send(GEMEENTE, vb101, "VB101.xml")

    retour = vb_hub.send(AANBIEDER, vb102, "VB102.xml")

    assert retour.accepted, retour.detail
    assert retour.heen_id == heen.message_id
    assert retour.recipient == GEMEENTE
    assert vb_hub.message(heen.message_id).retour_id == retour.message_id
    assert len(vb_hub.events_in(heen.message_id, State.RETOUR_RECEIVED)) == 1
    assert vb_hub.message(retour.message_id).retour_codes == ["0200"]


def test_example_invalid_heen_is_stuf055(vb_hub, vb101):
    changed = messages.invalid_copy(vb101)

    outcome = vb_hub.send(GEMEENTE, changed.data)

    assert outcome.code == codes.STUF055
    assert outcome.line == changed.line


def test_example_retour_from_gemeente_is_ib234(vb_hub, vb101, vb102):
    vb_hub.send(GEMEENTE, vb101)

    outcome = vb_hub.send(GEMEENTE, vb102)

    assert outcome.code == codes.IB234


def test_example_plugin_can_be_disabled(installed_example_plugin, tmp_path, vb101):
    hub = build_hub(tmp_path / "hub", plugins=PluginHost(disabled={"vb"}).load())
    hub.import_release(example_module().xsd_folder())
    hub.add(organisation(GEMEENTE, ("vb",)), organisation(AANBIEDER, ("vb",)))

    outcome = hub.send(GEMEENTE, vb101)

    assert outcome.code == codes.GGK004


def test_example_cli_prints_xsd_folder(installed_example_plugin):
    host = PluginHost().load()

    @click.group()
    def cli():
        """The root command."""

    host.add_cli_commands(cli)
    result = CliRunner().invoke(cli, ["vb", "xsd-folder"])

    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()) == example_module().xsd_folder()
    assert (Path(result.output.strip()) / "VB101.xsd").is_file()
