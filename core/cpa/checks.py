"""Checks on a parsed CPA before the hub imports or activates it.

``warnings`` lists what keeps a CPA from activation: SHA-1 in a signature or digest, SSL
or TLS older than 1.2, and a transport without TLS. Such a CPA can be imported and shown
but not activated. ``hub_party`` finds the hub's side of a CPA by the hub's OINs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.cpa.errors import CpaNotForHub
from core.cpa.model import Cpa, PartyInfo, Transport, TransportSecurity

MINIMUM_TLS = (1, 2)


class WarningKind(str, enum.Enum):
    SHA1_SIGNATURE = "sha1_signature"
    SHA1_DIGEST = "sha1_digest"
    OUTDATED_TLS = "outdated_tls"
    NO_TLS = "no_tls"


@dataclass(frozen=True)
class CpaWarning:
    """One reason a CPA cannot be activated, with the party and the CPA element it concerns."""

    kind: WarningKind
    party: str
    element: str
    detail: str


def warnings(cpa: Cpa) -> list[CpaWarning]:
    """Return every reason, per party, that keeps ``cpa`` from activation; empty when there is none."""
    found: list[CpaWarning] = []
    for party in cpa.parties:
        found.extend(_signature_warnings(party))
        found.extend(_transport_warnings(party))
    return found


def is_sha1(algorithm: str) -> bool:
    """Return whether an XML-DSig algorithm URI names SHA-1 (``#sha1``, ``#rsa-sha1``, ``#dsa-sha1`` ...)."""
    return algorithm.strip().lower().endswith("sha1")


def tls_version(security: TransportSecurity) -> tuple[int, ...] | None:
    """Return the declared version as numbers, or None when the CPA states none or an unreadable one."""
    if not security.version:
        return None
    try:
        return tuple(int(part) for part in security.version.strip().split("."))
    except ValueError:
        return None


def is_outdated(security: TransportSecurity) -> bool:
    """Return whether the protocol is SSL (any version) or TLS older than 1.2."""
    protocol = (security.protocol or "").strip().upper()
    if protocol.startswith("SSL"):
        return True
    version = tls_version(security)
    return protocol == "TLS" and version is not None and version < MINIMUM_TLS


def hub_party(cpa: Cpa, hub_oins: set[str] | frozenset[str]) -> PartyInfo:
    """Return the party of ``cpa`` that carries one of the hub's OINs.

    Raise CpaNotForHub when neither party does, or when both do (a CPA joins the hub to
    one other party).
    """
    matching = [party for party in cpa.parties if set(party.oins()) & set(hub_oins)]
    if not matching:
        named = ", ".join(str(party_id) for party in cpa.parties for party_id in party.party_ids)
        raise CpaNotForHub(
            f"CPA {cpa.cpaid} names no OIN of the hub as a party (it names {named})",
            params={"cpaid": cpa.cpaid},
        )
    if len(matching) == 2:
        raise CpaNotForHub(f"CPA {cpa.cpaid} names the hub as both parties", params={"cpaid": cpa.cpaid})
    return matching[0]


def _signature_warnings(party: PartyInfo) -> list[CpaWarning]:
    found = []
    for exchange in party.doc_exchanges:
        for binding_name, binding in (("ebXMLSenderBinding", exchange.sender_binding),
                                      ("ebXMLReceiverBinding", exchange.receiver_binding)):
            repudiation = binding.non_repudiation if binding else None
            if repudiation is None:
                continue
            where = f"DocExchange {exchange.id}/{binding_name}"
            for algorithm in repudiation.signature_algorithms:
                if is_sha1(algorithm):
                    found.append(CpaWarning(WarningKind.SHA1_SIGNATURE, party.name, where, f"signature algorithm {algorithm}"))
            if is_sha1(repudiation.hash_function):
                found.append(CpaWarning(WarningKind.SHA1_DIGEST, party.name, where, f"hash function {repudiation.hash_function}"))
    return found


def _transport_warnings(party: PartyInfo) -> list[CpaWarning]:
    found = []
    for transport in party.transports:
        for side, security in (("TransportClientSecurity", transport.client_security),
                               ("TransportServerSecurity", transport.server_security)):
            if security is not None and is_outdated(security):
                found.append(CpaWarning(
                    WarningKind.OUTDATED_TLS, party.name, f"Transport {transport.id}/{side}",
                    f"{security.protocol} {security.version or ''}".strip(),
                ))
        found.extend(_plain_endpoints(party, transport))
    return found


def _plain_endpoints(party: PartyInfo, transport: Transport) -> list[CpaWarning]:
    return [
        CpaWarning(WarningKind.NO_TLS, party.name, f"Transport {transport.id}/Endpoint", f"endpoint {uri} is not HTTPS")
        for uri in transport.endpoints
        if not uri.lower().startswith("https://")
    ]
