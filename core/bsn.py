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
    o = ord  # digits of a single character are interned, so this allocates nothing per BSN
    total = (9 * o(text[0]) + 8 * o(text[1]) + 7 * o(text[2]) + 6 * o(text[3]) + 5 * o(text[4])
             + 4 * o(text[5]) + 3 * o(text[6]) + 2 * o(text[7]) - o(text[8])
             - 43 * 48)  # the weights add up to 43, so this removes the code of "0" from each digit
    return total % 11 == 0 and text != "000000000"
