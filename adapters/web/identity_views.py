"""The JSON shapes of the account, invitation, sign-up and audit API, as ``openapi_identity.py`` describes them.

No shape carries a password, token or TOTP secret; an invitation's one-time link is
returned once, to the caller who issued it.
"""

from __future__ import annotations

from datetime import datetime

from core.identity.audit import AuditPage
from core.identity.invitations import InvitationView, IssuedInvitation
from core.identity.model import AuditRecord, SignupApplication, User


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def user_view(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "organisation": user.organisation,
        "roles": sorted(role.value for role in user.roles),
        "grants": sorted(f"{grant.service}:{grant.action.value}" for grant in user.grants),
        "email": user.email,
        "status": user.status.value,
        "created_at": _moment(user.created_at),
        "links": {"self": f"/api/users/{user.id}"},
    }


def invitation_view(issued: IssuedInvitation) -> dict:
    return {"user": user_view(issued.user), "link": issued.link, "expires_at": _moment(issued.expires_at),
            "mailed": issued.mailed}


def pending_invitation_view(view: InvitationView) -> dict:
    return {"username": view.username, "organisation": view.organisation, "expires_at": _moment(view.expires_at)}


def signup_view(application: SignupApplication) -> dict:
    return {
        "id": application.id,
        "submitted_at": _moment(application.submitted_at),
        "kind": application.kind.value,
        "code": application.code,
        "name": application.name,
        "services": list(application.services),
        "channels": [channel.value for channel in application.channels],
        "contact_name": application.contact_name,
        "contact_email": application.contact_email,
        "username": application.username,
        "status": application.status.value,
        "decided_at": _moment(application.decided_at),
        "reason": application.reason,
        "user_id": application.user_id,
        "links": {"self": f"/api/signups/{application.id}"},
    }


def audit_record_view(record: AuditRecord) -> dict:
    return {
        "id": record.id,
        "at": _moment(record.at),
        "event": record.event.value,
        "actor": record.actor,
        "organisation": record.organisation,
        "actor_user_id": record.actor_user_id,
        "subject_user_id": record.subject_user_id,
        "message_id": record.message_id,
        "signup_id": record.signup_id,
        "details": record.details,
    }


def audit_page_view(page: AuditPage) -> dict:
    return {"records": [audit_record_view(record) for record in page.records],
            "next": str(page.next_before_id) if page.next_before_id is not None else None}
