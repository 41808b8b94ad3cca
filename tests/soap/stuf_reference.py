"""Where the StUF-GGk reference files (envelope XSDs and example envelopes) are.

They are read from ``../shared/data/stuf-ggk`` beside the repository, or from
``$GGK_REFERENCE_DATA/stuf-ggk``, and never copied into the repository. Tests that need
them are skipped, with the path they looked at, when the folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.soap.stuf.schemas import StufSchemas
from tests.cpa.reference import ENVIRONMENT_VARIABLE, REPO_ROOT

GGK0210_EXAMPLES = "ggk0210_v2.1.04_versie3/ggk0210/voorbeeldberichten"
GGK0310_EXAMPLES = "ggk0310_v2.1.03/ggk0310_21/ggkberichten"

EXAMPLES = {
    "di01-xml": f"{GGK0210_EXAMPLES}/envelopHeenbericht-ggk_Di01_v21-xml.xml",
    "di01-tekst": f"{GGK0210_EXAMPLES}/envelopHeenbericht-ggk_Di01_v21-tekst.xml",
    "du01": f"{GGK0210_EXAMPLES}/envelopRetourbericht-ggk_Du01-v21.xml",
    "fo01": f"{GGK0210_EXAMPLES}/Fo01.xml",
    "0310-di01": f"{GGK0310_EXAMPLES}/ggk_Di01.xml",
    "0310-du01": f"{GGK0310_EXAMPLES}/ggk_Du01.xml",
    "0310-voorbeeld-di01": "ggk0310_v2.1.03/voorbeeldberichten/envelopHeenbericht-ggk_Di01_v21.xml",
}


def stuf_root() -> Path:
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    base = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    return base / "stuf-ggk"


def require_stuf() -> Path:
    """Return the stuf-ggk reference folder, or skip the calling test when it is absent."""
    root = stuf_root()
    if not root.is_dir():
        pytest.skip(f"StUF-GGk reference data not found at {root}; set {ENVIRONMENT_VARIABLE} "
                    f"to the folder that holds stuf-ggk/")
    return root


def stuf_schemas() -> StufSchemas:
    return StufSchemas(require_stuf())


def example(name: str) -> bytes:
    return (require_stuf() / EXAMPLES[name]).read_bytes()
