"""Message files for the file-drop tests, built from the real iJw 3.2 examples.

The reference examples are read from ``../shared/data`` beside the repository (or the
folder in ``GGK_REFERENCE_DATA``) and changed in memory only; the test is skipped when
the folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_VARIABLE = "GGK_REFERENCE_DATA"
GEMEENTE = "0384"  # Afzender of the JW301 example
AANBIEDER = "42420001"  # Ontvanger of the JW301 example


def reference_root() -> Path:
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def ijw_32() -> Path:
    """Return the iJw 3.2 reference folder, or skip the calling test when it is absent."""
    folder = reference_root() / "istandaarden" / "ijw" / "3.2"
    if not (folder / "xsd").is_dir() or not (folder / "berichten").is_dir():
        pytest.skip(f"iJw 3.2 reference data not found at {folder}; set {ENVIRONMENT_VARIABLE} "
                    f"to the folder that holds istandaarden/")
    return folder


def example(name: str) -> bytes:
    return (ijw_32() / "berichten" / f"{name}.xml").read_bytes()


def header_value(data: bytes, path: str) -> str | None:
    """Return the text of a header element given as '/'-separated local names below Header."""
    element = _header_element(etree.fromstring(data), path)
    return element.text if element is not None else None


def with_header(data: bytes, values: dict[str, str]) -> bytes:
    """Return ``data`` with the named header elements set to new texts."""
    root = etree.fromstring(data)
    for path, value in values.items():
        element = _header_element(root, path)
        assert element is not None, f"the message has no header element {path}"
        element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def jw301(identificatie: str = "123456789012") -> bytes:
    """Return the JW301 example (Afzender 0384, Ontvanger 42420001) with its own Identificatie."""
    return with_header(example("JW301"), {"BerichtIdentificatie/Identificatie": identificatie})


def jw302_answering(heen: bytes) -> bytes:
    """Return the JW302 example with its copied header rewritten to answer ``heen``."""
    copied = ("Afzender", "Ontvanger", "BerichtIdentificatie/Identificatie", "BerichtIdentificatie/Dagtekening")
    return with_header(example("JW302"), {path: header_value(heen, path) for path in copied})


def schema_invalid_jw301() -> tuple[bytes, int]:
    """Return the JW301 example with an invalid Geslacht code, and the line of that element."""
    original = example("JW301")
    valid = b"<jw301:Geslacht>1</jw301:Geslacht>"
    assert valid in original, "the JW301 example changed: it no longer holds the Geslacht element used here"
    line = original[: original.index(valid)].count(b"\n") + 1
    return original.replace(valid, b"<jw301:Geslacht>X</jw301:Geslacht>", 1), line


def _header_element(root: etree._Element, path: str):
    node = next((child for child in root if etree.QName(child).localname == "Header"), None)
    for name in path.split("/"):
        if node is None:
            return None
        node = next((child for child in node if etree.QName(child).localname == name), None)
    return node
