"""Variants of the real iJw 3.2 examples, made at test time from the reference files."""

from __future__ import annotations

from tests.flow.messages import retour_for, with_header


def jw301_variant(original: bytes, identificatie: str) -> bytes:
    """Return the JW301 example with another Identificatie, so the hub takes it as a new heenbericht."""
    return with_header(original, {"BerichtIdentificatie/Identificatie": identificatie})


def jw302_answering(heen: bytes, retour_example: bytes) -> bytes:
    """Return the JW302 example rewritten to answer ``heen``."""
    return retour_for(heen, retour_example)
