"""Rejection codes: the field's own codes (StUF-GGk Fo01 codes) and ggk's documented additions.

docs/errors.md holds the table per channel; tests assert these codes, not the wording.
"""

from __future__ import annotations

# The field's codes (StUF-GGk foutcodes).
STUF055 = "StUF055"  # payload does not match its XSD (also: not well-formed, truncated)
IB002 = "IB002"  # sending organisation may not use the hub (inactive, not enrolled at all)
IB007 = "IB007"  # message larger than the maximum size
IB009 = "IB009"  # (cross)referentienummer is not a UUID v4
IB101 = "IB101"  # no valid CPA for this organisation and message type
IB102 = "IB102"  # no route for this receiving organisation and message type
IB103 = "IB103"  # message type frozen by the operator
IB210 = "IB210"  # receiving organisation unknown
IB213 = "IB213"  # sending organisation unknown
IB216 = "IB216"  # duplicate: identity already accepted, or the heen already has a retour
IB234 = "IB234"  # sender not authorised for this message type
IB240 = "IB240"  # envelope berichtcode and functie do not match
IB798 = "IB798"  # StUF version differs from the configured one

# ggk's own codes, for faults the field has no code for.
GGK001 = "GGK001"  # empty file
GGK002 = "GGK002"  # not UTF-8, or a byte order mark
GGK003 = "GGK003"  # DOCTYPE or entity declaration (refused to prevent entity attacks)
GGK004 = "GGK004"  # no service plugin knows the root namespace
GGK005 = "GGK005"  # no schema release installed for the root namespace
GGK006 = "GGK006"  # a channel received a file without a usable file name

ALL_CODES = {
    STUF055, IB002, IB007, IB009, IB101, IB102, IB103, IB210, IB213, IB216, IB234, IB240,
    IB798, GGK001, GGK002, GGK003, GGK004, GGK005, GGK006,
}
