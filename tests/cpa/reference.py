"""Where the Digikoppeling reference files (XSDs, CPAs, ebMS messages) are.

The files are read from ``../shared/data/digikoppeling`` beside the repository, or from
``$GGK_REFERENCE_DATA/digikoppeling``; they are never copied into the repository. Tests
that need them are skipped, with the path they looked at, when the folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.cpa.parser import CpaParser
from core.cpa.schema import SchemaFolder

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_VARIABLE = "GGK_REFERENCE_DATA"


def digikoppeling_root() -> Path:
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    base = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    return base / "digikoppeling"


def require_digikoppeling() -> Path:
    """Return the digikoppeling reference folder, or skip the calling test when it is absent."""
    root = digikoppeling_root()
    if not (root / "xsd").is_dir():
        pytest.skip(
            f"Digikoppeling reference data not found at {root}; set {ENVIRONMENT_VARIABLE} "
            f"to the folder that holds digikoppeling/"
        )
    return root


def schema_folder() -> SchemaFolder:
    return SchemaFolder(require_digikoppeling() / "xsd")


def cpa_path(name: str) -> Path:
    return require_digikoppeling() / "cpa" / name


def message_path(name: str) -> Path:
    return require_digikoppeling() / "messages" / name


def parse_reference_cpa(name: str):
    return CpaParser(schema_folder()).parse(cpa_path(name).read_bytes())
