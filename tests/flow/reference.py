"""Where the reference iStandaarden files are, and which of them the tests run over.

The files are read from ``../shared/data`` beside the repository, or from the folder named
by ``GGK_REFERENCE_DATA``; they are never copied into the repository. Tests that need them
are skipped, with the path they looked at, when the folder is absent.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.flow import messages

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_VARIABLE = "GGK_REFERENCE_DATA"
EXAMPLE_NAME = re.compile(r"^(?P<prefix>[A-Z]+)(?P<number>[0-9]{3})$")


def reference_root() -> Path:
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def istandaarden_root() -> Path:
    return reference_root() / "istandaarden"


def missing_reason() -> str:
    return (
        f"reference data not found at {istandaarden_root()}; set {ENVIRONMENT_VARIABLE} "
        f"to the folder that holds istandaarden/"
    )


def require_istandaarden() -> Path:
    """Return the istandaarden folder, or skip the calling test when it is absent."""
    root = istandaarden_root()
    if not root.is_dir():
        pytest.skip(missing_reason())
    return root


def reference_file(relative: str) -> Path:
    """Return a file below the reference data folder, skipping the test when it is absent."""
    path = reference_root() / relative
    if not path.is_file():
        pytest.skip(f"reference file {path} not found; set {ENVIRONMENT_VARIABLE} to the reference data folder")
    return path


@dataclass(frozen=True)
class Example:
    """One example message file, in ``<standard>/<release>/berichten/<TYPE>.xml``."""

    path: Path

    @property
    def standard(self) -> str:
        return self.path.parents[2].name

    @property
    def release(self) -> str:
        return self.path.parents[1].name

    @property
    def xsd_folder(self) -> Path:
        return self.path.parents[1] / "xsd"

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        return f"{self.standard}-{self.release}-{self.name}"

    def read(self) -> bytes:
        return self.path.read_bytes()


def examples() -> list[Example]:
    root = istandaarden_root()
    if not root.is_dir():
        return []
    return [Example(path) for path in sorted(root.glob("*/*/berichten/*.xml"))]


def example(standard: str, release: str, name: str) -> Example:
    """Return one example by its place, skipping the test when the file is absent."""
    path = require_istandaarden() / standard / release / "berichten" / f"{name}.xml"
    if not path.is_file():
        pytest.skip(f"reference example {path} not found")
    return Example(path)


def retour_examples() -> list[Example]:
    return [item for item in examples() if messages.parties(item.read()).is_retour]


def retour_pairs() -> list[tuple[Example, Example]]:
    """Pair each retour example with the heen example it answers, found in the same folder.

    A retour type's number is one above its heen type's (WMO302 answers WMO301, WMO304
    answers WMO303), so the heen of ``WMO316.xml`` is ``WMO315.xml`` beside it, if present.
    """
    pairs = []
    for retour in retour_examples():
        match = EXAMPLE_NAME.match(retour.name)
        if match is None:
            continue
        heen_name = f"{match['prefix']}{int(match['number']) - 1:03d}.xml"
        heen_path = retour.path.with_name(heen_name)
        if heen_path.is_file():
            pairs.append((Example(heen_path), retour))
    return pairs


def params(items: list, label, *, none_found: str = "") -> list:
    """Turn found files into pytest parameters, or one skipped parameter that gives the reason none were found."""
    if items:
        return [pytest.param(item, id=label(item)) for item in items]
    reason = missing_reason() if not istandaarden_root().is_dir() else none_found
    return [pytest.param(None, marks=pytest.mark.skip(reason=reason or "no matching reference files"), id="none-found")]
