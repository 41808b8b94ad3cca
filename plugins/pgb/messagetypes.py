"""The four iPgb 1.0 message types and where their headers name the parties.

    PGB101 toekenningsbeschikking (TKB)   gemeente -> SVB   BerichtCode 961
    PGB102 retour on a TKB                SVB -> gemeente   BerichtCode 962
    PGB103 budgetafsluiting (BAB)         SVB -> gemeente   BerichtCode 963
    PGB104 retour on a BAB                gemeente -> SVB   BerichtCode 964

Every header names both parties: the gemeente by its gemeentecode, the SVB by the
chain partner code ``SVB``. The TKB always goes to the SVB (``fixed_recipient``) and
only the SVB sends a BAB or the retour on a TKB (``fixed_sender``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.messagetypes import HEEN_LAYOUT, RETOUR_LAYOUT, HeaderLayout, MessageType, heen, retour
from core.model import OrgKind

SERVICE = "pgb"
STANDARD = "ipgb"
RELEASE = "1_0"
SVB = "SVB"
NAMESPACE_PREFIX = f"urn:ggk:{STANDARD}:{RELEASE}:"
BASISSCHEMA_NAMESPACE = f"{NAMESPACE_PREFIX}basisschema"
XSD_FOLDER = Path(__file__).parent / "xsd"

TKB, TKB_RETOUR, BAB, BAB_RETOUR = "PGB101", "PGB102", "PGB103", "PGB104"

# The TKB's recipient is always the SVB, so its layout names none.
TKB_LAYOUT = HeaderLayout(senders=HEEN_LAYOUT.senders, recipient=(), identity=HEEN_LAYOUT.identity)


def namespace_of(name: str) -> str:
    """Return the namespace of a message by its short name, such as ``tkb``."""
    return f"{NAMESPACE_PREFIX}{name}"


def _own_format(message_type: MessageType, name: str) -> MessageType:
    """Bind a declared type to its iPgb namespace and the XSD shipped in ``xsd/``."""
    return replace(
        message_type, namespace_name=name, namespace=namespace_of(name), release=RELEASE,
        bundled_xsd=XSD_FOLDER / f"{name}.xsd",
    )


def message_types() -> tuple[MessageType, ...]:
    gemeente, ketenpartner, standards = OrgKind.GEMEENTE, OrgKind.KETENPARTNER, (STANDARD,)
    tkb = heen(TKB, SERVICE, standards, ("961",), gemeente, layout=TKB_LAYOUT, fixed_recipient=SVB,
               description="Toekenningsbeschikking")
    tkb_retour = retour(TKB_RETOUR, SERVICE, standards, ("962",), ketenpartner, TKB, layout=RETOUR_LAYOUT,
                        fixed_sender=SVB, description="Retour toekenningsbeschikking")
    bab = replace(heen(BAB, SERVICE, standards, ("963",), ketenpartner, layout=HEEN_LAYOUT,
                       description="Budgetafsluiting"), fixed_sender=SVB)
    bab_retour = retour(BAB_RETOUR, SERVICE, standards, ("964",), gemeente, BAB, layout=RETOUR_LAYOUT,
                        description="Retour budgetafsluiting")
    return (
        _own_format(tkb, "tkb"),
        _own_format(tkb_retour, "tkbretour"),
        _own_format(bab, "bab"),
        _own_format(bab_retour, "babretour"),
    )
