"""Every text of the portal, templates included, has a Dutch translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from adapters.i18n.catalog import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "adapters" / "web" / "babel.cfg"


def portal_msgids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "web.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(MAPPING), "-k", "N_", "-k", "_",
         "--no-location", "-o", str(pot), str(ROOT / "adapters" / "web"), str(ROOT / "adapters" / "cli" / "commands_serve.py")],
        check=True, capture_output=True,
    )
    with open(pot, "rb") as stream:
        return {m.id for m in read_po(stream) if m.id}


def catalog(language: str) -> dict[str, str]:
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "ggk.po", "rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id}


def test_templates_are_extracted(tmp_path: Path):
    assert "Skip to content" in portal_msgids(tmp_path)


def test_every_portal_text_has_dutch_translation(tmp_path: Path):
    dutch = catalog("nl")

    missing = sorted(msgid for msgid in portal_msgids(tmp_path) if not dutch.get(msgid))

    assert missing == []


def test_every_portal_text_is_in_english_catalog(tmp_path: Path):
    english = catalog("en")

    missing = sorted(msgid for msgid in portal_msgids(tmp_path) if msgid not in english)

    assert missing == []
