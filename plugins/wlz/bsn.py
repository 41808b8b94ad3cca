"""The burgerservicenummer (BSN): nine digits that pass the elfproef (eleven-test)."""

from __future__ import annotations

BSN_LENGTH = 9


def is_valid_bsn(text: str) -> bool:
    """Return whether ``text`` is nine digits whose weighted sum is a multiple of 11 (and not all zeros).

    The weights are 9 down to 2 for the first eight digits and -1 for the last. The sum is
    written out because a batch of 10,000 BSNs is checked on every registertoets.
    """
    if len(text) != BSN_LENGTH or not text.isascii() or not text.isdigit():
        return False
    d = text.encode("ascii")
    total = (9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
             - 43 * ord("0"))  # the weights add up to 43, so this removes the character offset
    return total % 11 == 0 and text != "000000000"


def bsn_to_int(text: str) -> int:
    return int(text)


def bsn_from_int(number: int) -> str:
    """Return the nine-digit text of a BSN stored as a number, restoring leading zeros."""
    return f"{number:09d}"
