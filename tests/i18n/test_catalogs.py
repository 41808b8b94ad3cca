"""Message catalogs: every text for people is translated into Dutch."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from adapters.i18n import explain_code
from adapters.i18n.catalog import CODE_EXPLANATIONS, LOCALE_DIR
from core import codes
from plugins.pgb.codes import ALL_CODES as PGB_CODES

ROOT = Path(__file__).resolve().parents[2]


def extracted_msgids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "ggk.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_", "-k", "_", "--no-location",
         "-F", str(ROOT / "adapters" / "web" / "babel.cfg"), "-o", str(pot), str(ROOT / "adapters")],
        check=True, capture_output=True,
    )
    with open(pot, "rb") as stream:
        return {m.id for m in read_po(stream) if m.id}


def catalog(language: str) -> dict[str, str]:
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "ggk.po", "rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id}


def test_every_extracted_text_has_dutch_translation(tmp_path):
    dutch = catalog("nl")

    missing = sorted(msgid for msgid in extracted_msgids(tmp_path) if not dutch.get(msgid))

    assert missing == []


def test_english_catalog_covers_the_same_texts(tmp_path):
    english = catalog("en")

    missing = sorted(msgid for msgid in extracted_msgids(tmp_path) if msgid not in english)

    assert missing == []


def test_every_rejection_code_has_explanation():
    assert codes.ALL_CODES <= set(CODE_EXPLANATIONS)
    assert PGB_CODES <= set(CODE_EXPLANATIONS)


def test_explanation_is_dutch_by_default_and_fills_parameters():
    assert explain_code("IB007", {"limit": 26214400}) == "Het bestand is groter dan het maximum van 26214400 bytes."
    assert explain_code("IB007", {"limit": 10}, "en") == "The file is larger than the maximum of 10 bytes."
    assert explain_code("XX999") is None
