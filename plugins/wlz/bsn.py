"""The burgerservicenummer (BSN): nine digits that pass the elfproef (eleven-test)."""

from __future__ import annotations

from core.bsn import BSN_LENGTH, is_valid_bsn  # noqa: F401  (the plugin's modules import them from here)


def bsn_to_int(text: str) -> int:
    return int(text)


def bsn_from_int(number: int) -> str:
    """Return the nine-digit text of a BSN stored as a number, restoring leading zeros."""
    return f"{number:09d}"
