"""What a service plugin declares: its service and its message types.

A header path is a '/'-separated list of local element names below the root's ``Header``
element, for example ``BerichtIdentificatie/Identificatie``. Namespaces are ignored there,
because the basisschema and message namespaces mix inside one header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.model import Direction, OrgKind

ISTANDAARDEN_NAMESPACE = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<standard>[a-z]+)/(?P<release>[0-9]+_[0-9]+)/"
    r"(?P<name>[a-z]+[0-9]+)/schema$"
)


@dataclass(frozen=True)
class NamespaceInfo:
    """The parts of a message namespace such as ``.../iwmo/3_2/wmo301/schema``."""

    namespace: str
    standard: str  # "iwmo"
    release: str  # "3_2"
    name: str  # "wmo301"

    @property
    def release_label(self) -> str:
        """Return the release as people write it, for example ``iWmo 3.2``."""
        pretty = {"iwmo": "iWmo", "ijw": "iJw", "ieb": "iEb", "ipgb": "iPgb"}.get(self.standard, self.standard)
        return f"{pretty} {self.release.replace('_', '.')}"

    @property
    def release_key(self) -> str:
        return f"{self.standard}/{self.release}"


def parse_namespace(namespace: str | None) -> NamespaceInfo | None:
    """Split an iStandaarden message namespace; return None for any other namespace."""
    if not namespace:
        return None
    match = ISTANDAARDEN_NAMESPACE.match(namespace)
    if match is None:
        return None
    return NamespaceInfo(namespace, match["standard"], match["release"], match["name"])


@dataclass(frozen=True)
class HeaderLayout:
    """Where a message type keeps its parties and identity in the header.

    senders: paths whose value may be the sending organisation (any one matching suffices).
    recipient: paths naming the recipient; the first present value wins. Empty when the
        type routes to a fixed partner or through the ``ggk_route_message`` hook.
    identity: (party, identificatie, dagtekening) paths of the heenbericht identity; a
        retour carries its heen's identity here, copied from the heen header.
    retour_identity: (identificatie, dagtekening) paths of a retour's own identity.
    retour_codes: path of the repeated retourcode element, if any.
    xsd_versie: path of the element whose text records the XSD version.
    """

    senders: tuple[str, ...]
    recipient: tuple[str, ...]
    identity: tuple[str, str, str]
    retour_identity: tuple[str, str] | None = None
    retour_codes: str | None = None
    xsd_versie: str | None = "XsdVersie/BerichtXsdVersie"


HEEN_LAYOUT = HeaderLayout(
    senders=("Afzender",),
    recipient=("Ontvanger",),
    identity=("Afzender", "BerichtIdentificatie/Identificatie", "BerichtIdentificatie/Dagtekening"),
)

RETOUR_LAYOUT = HeaderLayout(
    senders=("Ontvanger",),
    recipient=("Afzender",),
    identity=("Afzender", "BerichtIdentificatie/Identificatie", "BerichtIdentificatie/Dagtekening"),
    retour_identity=("IdentificatieRetour", "DagtekeningRetour"),
    retour_codes="RetourCodes/RetourCode",
    xsd_versie="XsdVersieRetour/BerichtXsdVersie",
)

# Release 2.3 declaratie/factuur (303): the parties are Gemeente and Aanbieder, sent by the
# Aanbieder or by a Servicebureau on its behalf, identified by the claim's invoice number.
DECLARATIE_23_LAYOUT = HeaderLayout(
    senders=("Aanbieder", "Servicebureau"),
    recipient=("Gemeente",),
    identity=(
        "Aanbieder",
        "DeclaratieFactuurIdentificatie/DeclarantFactuurNummer",
        "DeclaratieFactuurIdentificatie/FactuurDagtekening",
    ),
    xsd_versie=None,
)

# Release 2.3 retour on a declaratie (304): same identification, sent by the Gemeente.
DECLARATIE_RETOUR_23_LAYOUT = HeaderLayout(
    senders=("Gemeente",),
    recipient=("Servicebureau", "Aanbieder"),
    identity=DECLARATIE_23_LAYOUT.identity,
    retour_identity=("RetourHeader/GemeenteReferentieNummer", "RetourHeader/RetourDagtekening"),
    retour_codes="RetourCodes/RetourCode",
    xsd_versie=None,
)

# Release 3.x declaratie-antwoord (325): the gemeente's own message, naming the declaratie
# (323) it answers in DeclaratieIdentificatie; the 323's identity party is the Ontvanger.
DECLARATIE_ANTWOORD_LAYOUT = HeaderLayout(
    senders=("Afzender",),
    recipient=("Ontvanger",),
    identity=("Ontvanger", "DeclaratieIdentificatie/Identificatie", "DeclaratieIdentificatie/Dagtekening"),
    retour_identity=("BerichtIdentificatie/Identificatie", "BerichtIdentificatie/Dagtekening"),
    retour_codes="RetourCodes/RetourCode",
)


@dataclass(frozen=True)
class MessageType:
    """One message type of a service, such as WMO301 or JW302.

    code: the type's name, also its StUF ``functie`` (``WMO301``).
    namespace_names: the lower-case name in the namespace (``wmo301``); several standards
        may share a name, so ``standards`` restricts which ones it applies to.
    bericht_codes: the BerichtCode values this type may carry (release 2.3 declaratie
        messages have two).
    answers: for a retour, the code of the heen type it answers.
    sender_kind: which kind of organisation sends it.
    fixed_sender / fixed_recipient: a chain partner that always sends or receives this
        type (the CAK for iEb), by organisation code.
    namespace: for a format outside the iStandaarden namespace scheme (a format the hub
        defines itself, such as the Pgb messages), the exact root namespace; with
        ``release`` it stands in for the standard and release read from the namespace.
    bundled_xsd: an XSD shipped inside the plugin, used when no schema set installed by
        the operator covers ``namespace``.
    """

    code: str
    service: str
    standards: tuple[str, ...]
    namespace_name: str
    bericht_codes: tuple[str, ...]
    direction: Direction
    sender_kind: OrgKind
    layout: HeaderLayout
    answers: str | None = None
    fixed_sender: str | None = None
    fixed_recipient: str | None = None
    description: str = ""
    namespace: str | None = None
    release: str | None = None
    bundled_xsd: "Path | None" = None

    def namespace_info(self) -> NamespaceInfo | None:
        """Return the namespace description of a type with an exact ``namespace``, else None."""
        if self.namespace is None:
            return None
        return NamespaceInfo(self.namespace, self.standards[0], self.release or "1_0", self.namespace_name)


@dataclass(frozen=True)
class ServiceSpec:
    """A service (dienst) a plugin provides, with its message types."""

    code: str  # "wmo"
    name: str  # "Wmo berichtenverkeer"
    message_types: tuple[MessageType, ...] = field(default_factory=tuple)


def heen(
    code: str, service: str, standards: tuple[str, ...], bericht_codes: tuple[str, ...], sender_kind: OrgKind,
    *, layout: HeaderLayout = HEEN_LAYOUT, fixed_recipient: str | None = None, fixed_sender: str | None = None,
    description: str = "",
) -> MessageType:
    """Declare a heenbericht type whose namespace name is the lower-case code (``WMO301`` -> ``wmo301``)."""
    return MessageType(
        code=code, service=service, standards=standards, namespace_name=code.lower(),
        bericht_codes=bericht_codes, direction=Direction.HEEN, sender_kind=sender_kind, layout=layout,
        fixed_recipient=fixed_recipient, fixed_sender=fixed_sender, description=description,
    )


def retour(
    code: str, service: str, standards: tuple[str, ...], bericht_codes: tuple[str, ...], sender_kind: OrgKind,
    answers: str, *, layout: HeaderLayout = RETOUR_LAYOUT, fixed_sender: str | None = None, description: str = "",
) -> MessageType:
    """Declare a retour (or answer) type; ``answers`` is the code of the heen type it answers."""
    return MessageType(
        code=code, service=service, standards=standards, namespace_name=code.lower(),
        bericht_codes=bericht_codes, direction=Direction.RETOUR, sender_kind=sender_kind, layout=layout,
        answers=answers, fixed_sender=fixed_sender, description=description,
    )


# The message types iWmo and iJw share, by number: (direction, sender kind, the heen it
# answers, layout, description). Release 2.3's 303/304 are the declaratie pair; 3.x
# replaced them with 323/325.
ISTANDAARD_TYPES: dict[str, tuple[Direction, OrgKind, str | None, HeaderLayout | None, str]] = {
    "301": (Direction.HEEN, OrgKind.GEMEENTE, None, None, "Toewijzing"),
    "302": (Direction.RETOUR, OrgKind.AANBIEDER, "301", None, ""),
    "303": (Direction.HEEN, OrgKind.AANBIEDER, None, DECLARATIE_23_LAYOUT, "Declaratie of factuur (release 2.3)"),
    "304": (Direction.RETOUR, OrgKind.GEMEENTE, "303", DECLARATIE_RETOUR_23_LAYOUT, ""),
    "305": (Direction.HEEN, OrgKind.AANBIEDER, None, None, "Start zorg"),
    "306": (Direction.RETOUR, OrgKind.GEMEENTE, "305", None, ""),
    "307": (Direction.HEEN, OrgKind.AANBIEDER, None, None, "Stop zorg"),
    "308": (Direction.RETOUR, OrgKind.GEMEENTE, "307", None, ""),
    "315": (Direction.HEEN, OrgKind.AANBIEDER, None, None, "Verzoek om toewijzing"),
    "316": (Direction.RETOUR, OrgKind.GEMEENTE, "315", None, ""),
    "317": (Direction.HEEN, OrgKind.AANBIEDER, None, None, "Verzoek om wijziging"),
    "318": (Direction.RETOUR, OrgKind.GEMEENTE, "317", None, ""),
    "319": (Direction.HEEN, OrgKind.GEMEENTE, None, None, "Antwoordbericht"),
    "320": (Direction.RETOUR, OrgKind.AANBIEDER, "319", None, ""),
    "323": (Direction.HEEN, OrgKind.AANBIEDER, None, None, "Declaratie"),
    "325": (Direction.RETOUR, OrgKind.GEMEENTE, "323", DECLARATIE_ANTWOORD_LAYOUT, "Declaratie-antwoord"),
}


def istandaard_message_types(
    prefix: str, service: str, standards: tuple[str, ...], bericht_codes: dict[str, tuple[str, ...]]
) -> tuple[MessageType, ...]:
    """Declare the shared iWmo/iJw message types of one standard, given its BerichtCodes by number."""
    declared = []
    for number, codes in bericht_codes.items():
        direction, sender_kind, answers, layout, description = ISTANDAARD_TYPES[number]
        code = f"{prefix}{number}"
        if direction == Direction.HEEN:
            declared.append(heen(code, service, standards, codes, sender_kind, layout=layout or HEEN_LAYOUT,
                                 description=description))
        else:
            declared.append(retour(code, service, standards, codes, sender_kind, f"{prefix}{answers}",
                                   layout=layout or RETOUR_LAYOUT, description=description))
    return tuple(declared)
