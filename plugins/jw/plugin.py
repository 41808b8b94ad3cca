"""iJw message types (releases 2.3 and 3.x) declared to the hub."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.messagetypes import ServiceSpec, istandaard_message_types

SERVICE = "jw"
STANDARDS = ("ijw",)

# BerichtCode per message number; release 2.3's declaratie (303) and its retour (304)
# each have a code for a declaratie and one for a factuur.
BERICHT_CODES = {
    "301": ("436",),
    "302": ("437",),
    "303": ("432", "450"),
    "304": ("433", "451"),
    "305": ("438",),
    "306": ("439",),
    "307": ("440",),
    "308": ("441",),
    "315": ("446",),
    "316": ("447",),
    "317": ("486",),
    "318": ("487",),
    "319": ("488",),
    "320": ("489",),
    "323": ("490",),
    "325": ("491",),
}


def message_types():
    return istandaard_message_types("JW", SERVICE, STANDARDS, BERICHT_CODES)


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Jeugd berichtenverkeer", message_types=message_types())
