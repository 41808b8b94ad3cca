"""Row conversions and queries of the identity store: users, sign-up applications, audit records.

Every function works inside the caller's session; ``SqlIdentityStore`` opens and commits it.
"""

from __future__ import annotations

import json

from sqlalchemy import Select, delete, insert, or_, select
from sqlalchemy.orm import Session

from core.identity.model import AuditEvent, AuditQuery, AuditRecord, SignupApplication, SignupStatus, User, UserStatus
from core.model import Channel, OrgKind
from core.principal import Action, Grant, Role

from adapters.storage.identity_tables import AuditRow, SignupRow, UserGrantRow, UserRoleRow, UserRow

# -- users -------------------------------------------------------------------------------


def user_values(user: User) -> dict:
    return {
        "id": user.id, "username": user.username, "organisation_code": user.organisation, "email": user.email,
        "status": user.status.value, "created_at": user.created_at, "created_by": user.created_by,
    }


def write_access(session: Session, user: User) -> None:
    """Replace the user's role and grant rows."""
    session.execute(delete(UserRoleRow).where(UserRoleRow.user_id == user.id))
    session.execute(delete(UserGrantRow).where(UserGrantRow.user_id == user.id))
    if user.roles:
        session.execute(insert(UserRoleRow), [{"user_id": user.id, "role": r.value} for r in user.roles])
    if user.grants:
        session.execute(insert(UserGrantRow), [
            {"user_id": user.id, "service": g.service, "action": g.action.value} for g in user.grants
        ])


def users_from_rows(session: Session, rows: list[UserRow]) -> list[User]:
    """Build users with their roles and grants, loading those in two queries."""
    ids = [row.id for row in rows]
    roles: dict[str, set[Role]] = {i: set() for i in ids}
    grants: dict[str, set[Grant]] = {i: set() for i in ids}
    if ids:
        for role_row in session.scalars(select(UserRoleRow).where(UserRoleRow.user_id.in_(ids))):
            roles[role_row.user_id].add(Role(role_row.role))
        for grant_row in session.scalars(select(UserGrantRow).where(UserGrantRow.user_id.in_(ids))):
            grants[grant_row.user_id].add(Grant(grant_row.service, Action(grant_row.action)))
    return [
        User(id=row.id, username=row.username, organisation=row.organisation_code, roles=frozenset(roles[row.id]),
             grants=frozenset(grants[row.id]), email=row.email, status=UserStatus(row.status),
             created_at=row.created_at, created_by=row.created_by)
        for row in rows
    ]


def select_users(session: Session, statement: Select) -> list[User]:
    return users_from_rows(session, list(session.scalars(statement)))


# -- sign-up applications -------------------------------------------------------------------


def signup_values(application: SignupApplication) -> dict:
    return {
        "id": application.id, "submitted_at": application.submitted_at, "kind": application.kind.value,
        "code": application.code, "name": application.name, "services": json.dumps(list(application.services)),
        "channels": json.dumps([c.value for c in application.channels]), "contact_name": application.contact_name,
        "contact_email": application.contact_email, "username": application.username,
        "status": application.status.value, "decided_at": application.decided_at,
        "decided_by": application.decided_by, "reason": application.reason, "user_id": application.user_id,
    }


def signup_from_row(row: SignupRow) -> SignupApplication:
    return SignupApplication(
        id=row.id, submitted_at=row.submitted_at, kind=OrgKind(row.kind), code=row.code, name=row.name,
        services=tuple(json.loads(row.services)), channels=tuple(Channel(c) for c in json.loads(row.channels)),
        contact_name=row.contact_name, contact_email=row.contact_email, username=row.username,
        status=SignupStatus(row.status), decided_at=row.decided_at, decided_by=row.decided_by, reason=row.reason,
        user_id=row.user_id,
    )


# -- audit -------------------------------------------------------------------------------


def audit_values(record: AuditRecord) -> dict:
    return {
        "at": record.at, "event": record.event.value, "actor": record.actor,
        "organisation_code": record.organisation, "actor_user_id": record.actor_user_id,
        "subject_user_id": record.subject_user_id, "message_id": record.message_id,
        "signup_id": record.signup_id, "details": json.dumps(record.details, sort_keys=True),
    }


def audit_from_row(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        at=row.at, event=AuditEvent(row.event), actor=row.actor, organisation=row.organisation_code,
        actor_user_id=row.actor_user_id, subject_user_id=row.subject_user_id, message_id=row.message_id,
        signup_id=row.signup_id, details=json.loads(row.details), id=row.id,
    )


def audit_statement(query: AuditQuery) -> Select:
    statement = select(AuditRow).order_by(AuditRow.id.desc()).limit(query.limit)
    if query.organisation is not None:
        statement = statement.where(AuditRow.organisation_code == query.organisation)
    if query.events is not None:
        statement = statement.where(AuditRow.event.in_([e.value for e in query.events]))
    if query.user_id is not None:
        statement = statement.where(or_(AuditRow.actor_user_id == query.user_id,
                                        AuditRow.subject_user_id == query.user_id))
    if query.message_id is not None:
        statement = statement.where(AuditRow.message_id == query.message_id)
    if query.since is not None:
        statement = statement.where(AuditRow.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditRow.at < query.until)
    if query.before_id is not None:
        statement = statement.where(AuditRow.id < query.before_id)
    return statement
