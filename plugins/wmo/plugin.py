"""iWmo message types (releases 2.3 and 3.x) declared to the hub."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.messagetypes import (
    DECLARATIE_23_LAYOUT,
    DECLARATIE_ANTWOORD_LAYOUT,
    DECLARATIE_RETOUR_23_LAYOUT,
    ServiceSpec,
    heen,
    retour,
)
from core.model import OrgKind

SERVICE = "wmo"
STANDARDS = ("iwmo",)
GEMEENTE = OrgKind.GEMEENTE
AANBIEDER = OrgKind.AANBIEDER


def message_types():
    return (
        heen("WMO301", SERVICE, STANDARDS, ("414",), GEMEENTE, description="Toewijzing"),
        retour("WMO302", SERVICE, STANDARDS, ("415",), AANBIEDER, "WMO301"),
        heen("WMO303", SERVICE, STANDARDS, ("416", "448"), AANBIEDER, layout=DECLARATIE_23_LAYOUT,
             description="Declaratie of factuur (release 2.3)"),
        retour("WMO304", SERVICE, STANDARDS, ("417", "449"), GEMEENTE, "WMO303", layout=DECLARATIE_RETOUR_23_LAYOUT),
        heen("WMO305", SERVICE, STANDARDS, ("418",), AANBIEDER, description="Start zorg"),
        retour("WMO306", SERVICE, STANDARDS, ("419",), GEMEENTE, "WMO305"),
        heen("WMO307", SERVICE, STANDARDS, ("420",), AANBIEDER, description="Stop zorg"),
        retour("WMO308", SERVICE, STANDARDS, ("421",), GEMEENTE, "WMO307"),
        heen("WMO315", SERVICE, STANDARDS, ("444",), AANBIEDER, description="Verzoek om toewijzing"),
        retour("WMO316", SERVICE, STANDARDS, ("445",), GEMEENTE, "WMO315"),
        heen("WMO317", SERVICE, STANDARDS, ("480",), AANBIEDER, description="Verzoek om wijziging"),
        retour("WMO318", SERVICE, STANDARDS, ("481",), GEMEENTE, "WMO317"),
        heen("WMO319", SERVICE, STANDARDS, ("482",), GEMEENTE, description="Antwoordbericht"),
        retour("WMO320", SERVICE, STANDARDS, ("483",), AANBIEDER, "WMO319"),
        heen("WMO323", SERVICE, STANDARDS, ("484",), AANBIEDER, description="Declaratie"),
        retour("WMO325", SERVICE, STANDARDS, ("485",), GEMEENTE, "WMO323", layout=DECLARATIE_ANTWOORD_LAYOUT,
               description="Declaratie-antwoord"),
    )


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Wmo berichtenverkeer", message_types=message_types())
