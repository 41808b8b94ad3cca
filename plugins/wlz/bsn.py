"""The burgerservicenummer (BSN): nine digits that pass the elfproef (eleven-test)."""

from __future__ import annotations

BSN_LENGTH = 9
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(text: str) -> bool:
    """Return whether ``text`` is nine digits whose weighted sum is a multiple of 11 (and not all zeros).

    The weights are 9 down to 2 for the first eight digits and -1 for the last.
    """
    if len(text) != BSN_LENGTH or not text.isascii() or not text.isdigit():
        return False
    total = sum(weight * (ord(digit) - 48) for weight, digit in zip(WEIGHTS, text))
    return total % 11 == 0 and text != "000000000"


def bsn_to_int(text: str) -> int:
    return int(text)


def bsn_from_int(number: int) -> str:
    """Return the nine-digit text of a BSN stored as a number, restoring leading zeros."""
    return f"{number:09d}"
