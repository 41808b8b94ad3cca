"""Update the catalogs after texts changed: ``python -m adapters.i18n.maintain [--fill FILE.json]``.

Extracts every ``_()`` and ``N_()`` text from ``adapters/`` (templates included, through
``adapters/web/babel.cfg``), merges it into the Dutch and English catalogs with Babel,
sets each new English translation to its msgid, takes Dutch translations from the
optional JSON file (``{"English text": "Nederlandse tekst"}``), and lists what is still
untranslated. Exits 1 while a Dutch translation is missing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from adapters.i18n.catalog import DOMAIN, LOCALE_DIR

ADAPTERS = Path(__file__).resolve().parents[1]


def extract(template: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ADAPTERS / "web" / "babel.cfg"),
         "-k", "N_", "-k", "_", "--no-location", "-o", str(template), str(ADAPTERS)],
        check=True, capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "update", "-i", str(template), "-d", str(LOCALE_DIR),
         "-D", DOMAIN, "--no-fuzzy-matching", "--omit-header"],
        check=True, capture_output=True,
    )


def fill(language: str, dutch: dict[str, str]) -> list[str]:
    """Fill empty translations of ``language``; return the msgids still without one."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with open(path, "rb") as stream:
        catalog = read_po(stream, locale=language, domain=DOMAIN)
    untranslated = []
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id if language == "en" else dutch.get(message.id, "")
            if not message.string:
                untranslated.append(message.id)
    with open(path, "wb") as stream:
        write_po(stream, catalog, no_location=True, width=100)
    return untranslated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", type=Path, help="JSON file of Dutch translations for new texts")
    options = parser.parse_args()
    dutch = json.loads(options.fill.read_text(encoding="utf-8")) if options.fill else {}
    with tempfile.TemporaryDirectory() as folder:
        extract(Path(folder) / "ggk.pot")
    fill("en", {})
    missing = fill("nl", dutch)
    for msgid in missing:
        print(f"untranslated (nl): {msgid}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
