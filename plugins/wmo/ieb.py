"""The iEb service: eigen-bijdrage messages between gemeenten and the CAK.

An iEb header names the gemeente as Afzender and has no Ontvanger: a heenbericht always
goes to the chain partner CAK, and the CAK's retour goes back to the Afzender.
"""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.messagetypes import HEEN_LAYOUT, RETOUR_LAYOUT, HeaderLayout, ServiceSpec, heen, retour
from core.model import OrgKind

SERVICE = "ieb"
STANDARDS = ("ieb",)
CAK = "CAK"

IEB_HEEN_LAYOUT = HeaderLayout(senders=HEEN_LAYOUT.senders, recipient=(), identity=HEEN_LAYOUT.identity)
IEB_RETOUR_LAYOUT = HeaderLayout(
    senders=(),
    recipient=("Afzender",),
    identity=RETOUR_LAYOUT.identity,
    retour_identity=RETOUR_LAYOUT.retour_identity,
    retour_codes=RETOUR_LAYOUT.retour_codes,
    xsd_versie=RETOUR_LAYOUT.xsd_versie,
)


def message_types():
    gemeente, cak = OrgKind.GEMEENTE, OrgKind.KETENPARTNER
    return (
        heen("WMO401", SERVICE, STANDARDS, ("470",), gemeente, layout=IEB_HEEN_LAYOUT, fixed_recipient=CAK,
             description="Start of a change in eigen bijdrage"),
        retour("WMO402", SERVICE, STANDARDS, ("471",), cak, "WMO401", layout=IEB_RETOUR_LAYOUT, fixed_sender=CAK),
        heen("WMO403", SERVICE, STANDARDS, ("472",), gemeente, layout=IEB_HEEN_LAYOUT, fixed_recipient=CAK,
             description="Stop of eigen bijdrage"),
        retour("WMO404", SERVICE, STANDARDS, ("473",), cak, "WMO403", layout=IEB_RETOUR_LAYOUT, fixed_sender=CAK),
    )


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="iEb eigen bijdrage (CAK)", message_types=message_types())
