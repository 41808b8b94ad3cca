"""The front-end files the portal serves from ``static/vendor``, copied there by ``npm ci``."""

from __future__ import annotations

import json
from pathlib import Path

VENDOR = Path(__file__).parent / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
INSTALL_HINT = ("run 'npm ci' in the repository root: it installs the NL Design System packages "
                "and copies their files into adapters/web/static/vendor")


def missing_assets(vendor: Path = VENDOR) -> list[str]:
    """Return the vendor files the manifest lists but the folder lacks; the manifest itself when absent."""
    manifest = vendor / "manifest.json"
    if not manifest.is_file():
        return [str(manifest)]
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError):
        return [str(manifest)]
    return [str(vendor / name) for name in listed if not (vendor / name).is_file()]
