"""iWmo message types (releases 2.3 and 3.x) declared to the hub."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.messagetypes import ServiceSpec, istandaard_message_types

SERVICE = "wmo"
STANDARDS = ("iwmo",)

# BerichtCode per message number; release 2.3's declaratie (303) and its retour (304)
# each have a code for a declaratie and one for a factuur.
BERICHT_CODES = {
    "301": ("414",),
    "302": ("415",),
    "303": ("416", "448"),
    "304": ("417", "449"),
    "305": ("418",),
    "306": ("419",),
    "307": ("420",),
    "308": ("421",),
    "315": ("444",),
    "316": ("445",),
    "317": ("480",),
    "318": ("481",),
    "319": ("482",),
    "320": ("483",),
    "323": ("484",),
    "325": ("485",),
}


def message_types():
    return istandaard_message_types("WMO", SERVICE, STANDARDS, BERICHT_CODES)


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Wmo berichtenverkeer", message_types=message_types())
