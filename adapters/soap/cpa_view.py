"""A parsed CPA as the CLI (and later the portal) shows it: parties, services, channels,
reliable messaging, signing, certificates and the warnings that block activation."""

from __future__ import annotations

from core.cpa.checks import CpaWarning
from core.cpa.model import Cpa, PartyInfo


def cpa_dict(cpa: Cpa, warnings: tuple[CpaWarning, ...]) -> dict:
    return {
        "cpa_status": cpa.status,
        "cpa_version": cpa.version,
        "warnings": [{"kind": item.kind.value, "party": item.party, "element": item.element, "detail": item.detail}
                     for item in warnings],
        "parties": [_party(party) for party in cpa.parties],
    }


def _party(party: PartyInfo) -> dict:
    return {
        "name": party.name,
        "party_ids": [str(party_id) for party_id in party.party_ids],
        "roles": list(party.role_names()),
        "services": [
            {"service": role.service_binding.service, "type": role.service_binding.service_type, "role": role.role,
             "can_send": [binding.action for binding in role.service_binding.can_send],
             "can_receive": [binding.action for binding in role.service_binding.can_receive]}
            for role in party.roles
        ],
        "endpoints": list(party.endpoints()),
        "channels": [
            {"id": channel.id, "sync_reply_mode": channel.characteristics.sync_reply_mode,
             "ack_requested": channel.characteristics.ack_requested,
             "ack_signature_requested": channel.characteristics.ack_signature_requested,
             "duplicate_elimination": channel.characteristics.duplicate_elimination}
            for channel in party.delivery_channels
        ],
        "reliable_messaging": _reliable_messaging(party),
        "signing": _signing(party),
        "certificates": [{"id": item.id, "subjects": list(item.subject_names),
                          "x509": len(item.x509_certificates), "rsa_key_value": item.rsa_modulus is not None}
                         for item in party.certificates],
    }


def _reliable_messaging(party: PartyInfo) -> dict | None:
    for exchange in party.doc_exchanges:
        binding = exchange.sender_binding
        messaging = binding.reliable_messaging if binding else None
        if messaging is not None:
            return {"retries": messaging.retries, "retry_interval": messaging.retry_interval_text,
                    "persist_duration": binding.persist_duration_text}
    return None


def _signing(party: PartyInfo) -> dict | None:
    for exchange in party.doc_exchanges:
        binding = exchange.sender_binding
        repudiation = binding.non_repudiation if binding else None
        if repudiation is not None:
            return {"hash_function": repudiation.hash_function,
                    "signature_algorithms": list(repudiation.signature_algorithms)}
    return None


def cpa_lines(data: dict, detailed: bool) -> list[str]:
    """Return the lines ``ggk cpa show`` prints for a person; ``detailed`` adds parties and channels."""
    lines = [
        f"CPA {data['cpaid']}: {data['state'].value} for organisation {data['organisation']}"
        f" (profile {data['profile'] or '-'}, CPA status {data['cpa_status']})",
        f"  valid {data['start'].isoformat()} .. {data['end'].isoformat()}",
    ]
    if detailed:
        for party in data["parties"]:
            lines.append(f"  party {party['name']}: {', '.join(party['party_ids'])}; roles {', '.join(party['roles'])}")
            for service in party["services"]:
                lines.append(f"    {service['service']} as {service['role']}: sends {', '.join(service['can_send'])};"
                             f" receives {', '.join(service['can_receive'])}")
            for endpoint in party["endpoints"]:
                lines.append(f"    endpoint {endpoint}")
            for channel in party["channels"]:
                lines.append(f"    channel {channel['id']}: syncReplyMode {channel['sync_reply_mode']}, ackRequested "
                             f"{channel['ack_requested']}, duplicateElimination {channel['duplicate_elimination']}")
            if party["reliable_messaging"]:
                messaging = party["reliable_messaging"]
                lines.append(f"    reliable messaging: Retries {messaging['retries']}, RetryInterval "
                             f"{messaging['retry_interval']}, PersistDuration {messaging['persist_duration']}")
            if party["signing"]:
                lines.append(f"    signing: {', '.join(party['signing']['signature_algorithms'])}")
    for warning in data["warnings"]:
        lines.append(f"  cannot be activated: {warning['party']}: {warning['detail']} ({warning['element']})")
    return lines
