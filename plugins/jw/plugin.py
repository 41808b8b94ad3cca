"""iJw message types (releases 2.3 and 3.x) declared to the hub."""

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

SERVICE = "jw"
STANDARDS = ("ijw",)
GEMEENTE = OrgKind.GEMEENTE
AANBIEDER = OrgKind.AANBIEDER


def message_types():
    return (
        heen("JW301", SERVICE, STANDARDS, ("436",), GEMEENTE, description="Toewijzing"),
        retour("JW302", SERVICE, STANDARDS, ("437",), AANBIEDER, "JW301"),
        heen("JW303", SERVICE, STANDARDS, ("432", "450"), AANBIEDER, layout=DECLARATIE_23_LAYOUT,
             description="Declaratie of factuur (release 2.3)"),
        retour("JW304", SERVICE, STANDARDS, ("433", "451"), GEMEENTE, "JW303", layout=DECLARATIE_RETOUR_23_LAYOUT),
        heen("JW305", SERVICE, STANDARDS, ("438",), AANBIEDER, description="Start zorg"),
        retour("JW306", SERVICE, STANDARDS, ("439",), GEMEENTE, "JW305"),
        heen("JW307", SERVICE, STANDARDS, ("440",), AANBIEDER, description="Stop zorg"),
        retour("JW308", SERVICE, STANDARDS, ("441",), GEMEENTE, "JW307"),
        heen("JW315", SERVICE, STANDARDS, ("446",), AANBIEDER, description="Verzoek om toewijzing"),
        retour("JW316", SERVICE, STANDARDS, ("447",), GEMEENTE, "JW315"),
        heen("JW317", SERVICE, STANDARDS, ("486",), AANBIEDER, description="Verzoek om wijziging"),
        retour("JW318", SERVICE, STANDARDS, ("487",), GEMEENTE, "JW317"),
        heen("JW319", SERVICE, STANDARDS, ("488",), GEMEENTE, description="Antwoordbericht"),
        retour("JW320", SERVICE, STANDARDS, ("489",), AANBIEDER, "JW319"),
        heen("JW323", SERVICE, STANDARDS, ("490",), AANBIEDER, description="Declaratie"),
        retour("JW325", SERVICE, STANDARDS, ("491",), GEMEENTE, "JW323", layout=DECLARATIE_ANTWOORD_LAYOUT,
               description="Declaratie-antwoord"),
    )


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Jeugd berichtenverkeer", message_types=message_types())
