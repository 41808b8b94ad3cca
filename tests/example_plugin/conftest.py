"""Install the example plugin for a test the way pip would make it visible, without running pip.

An installed distribution is a ``NAME-VERSION.dist-info`` folder on ``sys.path`` with a
METADATA file and, for plugins, an entry_points.txt. The fixture writes that folder from
the plugin's own pyproject.toml into a temporary folder, and puts it and the plugin's
source folder on ``sys.path``. Then ``importlib.metadata`` lists the entry point like an
installed plugin's, so ``PluginHost().load()`` finds it.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.plugins import ENTRY_POINT_GROUP

PROJECT = Path(__file__).resolve().parent / "ggk-example-plugin"
BERICHTEN = Path(__file__).resolve().parent / "berichten"
MODULE = "ggk_example_plugin"


@dataclass(frozen=True)
class InstalledPlugin:
    distribution: str
    version: str
    entry_points: dict[str, str]
    dist_info: Path


def write_dist_info(target: Path) -> InstalledPlugin:
    """Write the dist-info folder pip would write for the project, from its pyproject.toml."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    entry_points = project["entry-points"][ENTRY_POINT_GROUP]

    dist_info = target / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{ENTRY_POINT_GROUP}]"] + [f"{key} = {value}" for key, value in entry_points.items()]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return InstalledPlugin(name, version, dict(entry_points), dist_info)


@pytest.fixture
def installed_example_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make the example plugin importable and listed under the ``ggk.plugins`` entry points."""
    installed = write_dist_info(tmp_path / "site-packages")
    monkeypatch.syspath_prepend(str(PROJECT))
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    yield installed
    for name in [name for name in sys.modules if name == MODULE or name.startswith(f"{MODULE}.")]:
        del sys.modules[name]


@pytest.fixture
def vb101() -> bytes:
    return (BERICHTEN / "VB101.xml").read_bytes()


@pytest.fixture
def vb102() -> bytes:
    return (BERICHTEN / "VB102.xml").read_bytes()
