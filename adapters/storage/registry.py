"""The hub's reference records: organisations with their enrolments, freezes and schema releases.

Every function works inside the caller's session and transaction, which ``SqlStore``
opens and commits.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.model import Channel, Enrolment, Freeze, Organisation, SchemaSet
from core.ports import SchemaActivation

from adapters.storage.dialect import insert_or_update
from adapters.storage.mapping import (
    activation_from_row, enrolment_values, freeze_from_row, organisation_from_rows, schema_set_from_row,
    schema_set_values,
)
from adapters.storage.tables import (
    EnrolmentRow, FreezeRow, OrganisationRow, SchemaActivationRow, SchemaFileRow, SchemaSetRow,
)

# -- organisations -----------------------------------------------------------------------


def organisation_exists(session: Session, code: str) -> bool:
    return session.scalar(select(OrganisationRow.code).where(OrganisationRow.code == code)) is not None


def insert_organisation(session: Session, organisation: Organisation) -> None:
    session.execute(insert(OrganisationRow), [{
        "code": organisation.code,
        "kind": organisation.kind.value,
        "name": organisation.name,
        "oin": organisation.oin,
        "active": organisation.active,
    }])
    _insert_enrolments(session, organisation)


def update_organisation(session: Session, organisation: Organisation) -> None:
    """Replace name, OIN, active flag and enrolments. Raise NotFound for an unknown code."""
    changed = session.execute(
        update(OrganisationRow)
        .where(OrganisationRow.code == organisation.code)
        .values(name=organisation.name, oin=organisation.oin, active=organisation.active),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed == 0:
        raise NotFound(f"organisation {organisation.code} does not exist", params={"organisation": organisation.code})
    session.execute(delete(EnrolmentRow).where(EnrolmentRow.organisation_code == organisation.code))
    _insert_enrolments(session, organisation)


def get_organisation(session: Session, code: str) -> Organisation | None:
    row = session.get(OrganisationRow, code)
    if row is None:
        return None
    return organisation_from_rows(row, _enrolments(session, [code]).get(code, []))


def list_organisations(session: Session) -> list[Organisation]:
    rows = list(session.scalars(select(OrganisationRow).order_by(OrganisationRow.code)))
    enrolments = _enrolments(session, None)
    return [organisation_from_rows(row, enrolments.get(row.code, [])) for row in rows]


def _insert_enrolments(session: Session, organisation: Organisation) -> None:
    rows = enrolment_values(organisation.code, organisation.enrolments)
    if rows:
        session.execute(insert(EnrolmentRow), rows)


def _enrolments(session: Session, codes: list[str] | None) -> dict[str, list[Enrolment]]:
    statement = select(EnrolmentRow).order_by(EnrolmentRow.id)
    if codes is not None:
        statement = statement.where(EnrolmentRow.organisation_code.in_(codes))
    found: dict[str, list[Enrolment]] = {}
    for row in session.scalars(statement):
        found.setdefault(row.organisation_code, []).append(Enrolment(row.service, Channel(row.channel)))
    return found


# -- freezes -----------------------------------------------------------------------------


def set_freeze(session: Session, freeze: Freeze) -> None:
    values = {"message_type": freeze.message_type, "since": freeze.since, "until": freeze.until, "reason": freeze.reason}
    insert_or_update(session, FreezeRow, values, ["message_type"])


def clear_freeze(session: Session, message_type: str) -> bool:
    return session.execute(delete(FreezeRow).where(FreezeRow.message_type == message_type)).rowcount > 0


def list_freezes(session: Session) -> list[Freeze]:
    return [freeze_from_row(row) for row in session.scalars(select(FreezeRow).order_by(FreezeRow.message_type))]


# -- schema releases ---------------------------------------------------------------------


def add_schema_set(session: Session, schema_set: SchemaSet, files: dict[str, bytes]) -> None:
    """Store the set and its files and activate it for each of its namespaces from ``imported_at``."""
    session.execute(insert(SchemaSetRow), [schema_set_values(schema_set)])
    if files:
        rows = [{"schema_set_id": schema_set.id, "name": name, "content": content} for name, content in files.items()]
        session.execute(insert(SchemaFileRow), rows)
    if schema_set.namespaces:
        activations = [
            {"namespace": namespace, "schema_set_id": schema_set.id, "active_from": schema_set.imported_at}
            for namespace in schema_set.namespaces
        ]
        session.execute(insert(SchemaActivationRow), activations)


def list_schema_sets(session: Session) -> list[SchemaSet]:
    statement = select(SchemaSetRow).order_by(SchemaSetRow.imported_at, SchemaSetRow.id)
    return [schema_set_from_row(row) for row in session.scalars(statement)]


def schema_files(session: Session, schema_set_id: str) -> dict[str, bytes]:
    """Return the set's files by name. Raise KeyError for an unknown set."""
    rows = session.execute(
        select(SchemaFileRow.name, SchemaFileRow.content)
        .where(SchemaFileRow.schema_set_id == schema_set_id)
        .order_by(SchemaFileRow.name)
    ).all()
    if not rows and session.get(SchemaSetRow, schema_set_id) is None:
        raise KeyError(schema_set_id)
    return {name: bytes(content) for name, content in rows}


def schema_activations(session: Session) -> list[SchemaActivation]:
    statement = select(SchemaActivationRow).order_by(SchemaActivationRow.id)
    return [activation_from_row(row) for row in session.scalars(statement)]


def schema_generation(session: Session) -> int:
    """Return the number of activations recorded. No code path deletes one, so the number only grows."""
    return session.scalar(select(func.count()).select_from(SchemaActivationRow)) or 0
