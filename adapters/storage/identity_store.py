"""``SqlIdentityStore``: the ``core.identity.ports.IdentityStore`` on SQLite or PostgreSQL.

Each method runs in a transaction of its own, started with BEGIN IMMEDIATE on SQLite
when it writes (see ``engine.py``). The methods that must be atomic (using a TOTP step,
a recovery code or an invitation, deciding a sign-up, counting a failed login) are one
conditional UPDATE or one upsert, so two hub processes cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession, sessionmaker

from core.errors import Conflict
from core.identity.model import (
    AuditQuery, AuditRecord, Invitation, LoginThrottle, Session, SessionStage, SignupApplication, SignupStatus,
    TotpEnrolment, User,
)
from core.identity.ports import IdentityStore

from adapters.storage import identity_records as identity_rows
from adapters.storage.engine import BEGIN_MODE_OPTION
from adapters.storage.identity_tables import (
    AuditRow, InvitationRow, LoginThrottleRow, RecoveryCodeRow, SessionRow, SignupRow, UserPasswordRow, UserRow,
    UserTotpRow,
)


class SqlIdentityStore(IdentityStore):
    """Identity records in a database migrated by ``adapters.storage.migrate``."""

    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _reading(self) -> Iterator[DbSession]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[DbSession]:
        with self._sessions(execution_options={BEGIN_MODE_OPTION: "IMMEDIATE"}) as session, session.begin():
            yield session

    # -- users ----------------------------------------------------------------------------

    def add_user(self, user: User) -> None:
        try:
            with self._writing() as session:
                session.execute(insert(UserRow), [identity_rows.user_values(user)])
                identity_rows.write_access(session, user)
        except IntegrityError:
            self._raise_if_username_taken(user)
            raise

    def save_user(self, user: User) -> None:
        values = identity_rows.user_values(user)
        del values["id"]
        try:
            with self._writing() as session:
                session.execute(update(UserRow).where(UserRow.id == user.id).values(**values))
                identity_rows.write_access(session, user)
        except IntegrityError:
            self._raise_if_username_taken(user)
            raise

    def _raise_if_username_taken(self, user: User) -> None:
        """Turn a unique-index violation on the username into Conflict; other violations stay as they are."""
        other = self.find_user(user.username) if user.username is not None else None
        if other is not None and other.id != user.id:
            raise Conflict(f"username {user.username!r} is taken", params={"username": user.username}) from None

    def get_user(self, user_id: str) -> User | None:
        with self._reading() as session:
            found = identity_rows.select_users(session, select(UserRow).where(UserRow.id == user_id))
        return found[0] if found else None

    def find_user(self, username: str) -> User | None:
        with self._reading() as session:
            found = identity_rows.select_users(session, select(UserRow).where(UserRow.username == username))
        return found[0] if found else None

    def list_users(self, organisation: str | None = None) -> list[User]:
        # Users without a username (invited, not yet accepted) sort last on both databases.
        statement = select(UserRow).order_by(UserRow.username.is_(None), UserRow.username, UserRow.id)
        if organisation is not None:
            statement = statement.where(UserRow.organisation_code == organisation)
        with self._reading() as session:
            return identity_rows.select_users(session, statement)

    # -- password --------------------------------------------------------------------------

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        with self._writing() as session:
            row = session.get(UserPasswordRow, user_id)
            if row is None:
                session.add(UserPasswordRow(user_id=user_id, password_hash=password_hash))
            else:
                row.password_hash = password_hash

    def password_hash(self, user_id: str) -> str | None:
        with self._reading() as session:
            return session.scalar(select(UserPasswordRow.password_hash).where(UserPasswordRow.user_id == user_id))

    # -- second factor ----------------------------------------------------------------------

    def set_totp(self, enrolment: TotpEnrolment) -> None:
        with self._writing() as session:
            session.execute(delete(UserTotpRow).where(UserTotpRow.user_id == enrolment.user_id))
            session.add(UserTotpRow(user_id=enrolment.user_id, sealed_secret=enrolment.sealed_secret,
                                    created_at=enrolment.created_at, confirmed_at=enrolment.confirmed_at,
                                    last_step=enrolment.last_step))

    def get_totp(self, user_id: str) -> TotpEnrolment | None:
        with self._reading() as session:
            row = session.get(UserTotpRow, user_id)
            if row is None:
                return None
            return TotpEnrolment(row.user_id, row.sealed_secret, row.created_at, row.confirmed_at, row.last_step)

    def confirm_totp(self, user_id: str, at: datetime, step: int) -> bool:
        statement = (update(UserTotpRow)
                     .where(UserTotpRow.user_id == user_id, UserTotpRow.confirmed_at.is_(None))
                     .values(confirmed_at=at, last_step=step))
        return self._changed_one(statement)

    def use_totp_step(self, user_id: str, step: int) -> bool:
        statement = (update(UserTotpRow)
                     .where(UserTotpRow.user_id == user_id)
                     .where(or_(UserTotpRow.last_step.is_(None), UserTotpRow.last_step < step))
                     .values(last_step=step))
        return self._changed_one(statement)

    def delete_totp(self, user_id: str) -> None:
        with self._writing() as session:
            session.execute(delete(UserTotpRow).where(UserTotpRow.user_id == user_id))
            session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))

    def replace_recovery_codes(self, user_id: str, code_hashes: list[str], at: datetime) -> None:
        with self._writing() as session:
            session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
            if code_hashes:
                session.execute(insert(RecoveryCodeRow), [
                    {"user_id": user_id, "code_hash": code_hash, "created_at": at} for code_hash in code_hashes
                ])

    def use_recovery_code(self, user_id: str, code_hash: str, at: datetime) -> bool:
        statement = (update(RecoveryCodeRow)
                     .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.code_hash == code_hash,
                            RecoveryCodeRow.used_at.is_(None))
                     .values(used_at=at))
        return self._changed_one(statement)

    def unused_recovery_codes(self, user_id: str) -> int:
        with self._reading() as session:
            return len(session.scalars(select(RecoveryCodeRow.id).where(
                RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None))).all())

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, session_record: Session) -> None:
        with self._writing() as session:
            session.add(SessionRow(token_hash=session_record.token_hash, user_id=session_record.user_id,
                                   stage=session_record.stage.value, created_at=session_record.created_at,
                                   last_seen_at=session_record.last_seen_at))

    def get_session(self, token_hash: str) -> Session | None:
        with self._reading() as session:
            row = session.get(SessionRow, token_hash)
            if row is None:
                return None
            return Session(row.token_hash, row.user_id, SessionStage(row.stage), row.created_at, row.last_seen_at)

    def touch_session(self, token_hash: str, at: datetime) -> None:
        self._changed_one(update(SessionRow).where(SessionRow.token_hash == token_hash).values(last_seen_at=at))

    def delete_session(self, token_hash: str) -> bool:
        return self._changed_one(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def delete_user_sessions(self, user_id: str) -> int:
        return self._changed(delete(SessionRow).where(SessionRow.user_id == user_id))

    def delete_sessions_before(self, created_before: datetime, seen_before: datetime) -> int:
        return self._changed(delete(SessionRow).where(
            or_(SessionRow.created_at < created_before, SessionRow.last_seen_at < seen_before)))

    # -- lockout ----------------------------------------------------------------------------

    def login_throttle(self, key: str) -> LoginThrottle | None:
        with self._reading() as session:
            row = session.get(LoginThrottleRow, key)
            return _throttle(row) if row is not None else None

    def record_failed_login(self, key: str, at: datetime, window: timedelta) -> LoginThrottle:
        with self._writing() as session:
            table = LoginThrottleRow.__table__
            statement = _dialect_insert(session).values(key=key, failures=1, window_start=at)
            expired = table.c.window_start < at - window
            statement = statement.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "failures": case((expired, 1), else_=table.c.failures + 1),
                    "window_start": case((expired, statement.excluded.window_start), else_=table.c.window_start),
                },
            )
            session.execute(statement)
            return _throttle(session.get(LoginThrottleRow, key, populate_existing=True))

    def lock_login(self, key: str, until: datetime) -> None:
        self._changed(update(LoginThrottleRow).where(LoginThrottleRow.key == key).values(locked_until=until))

    def clear_failed_logins(self, key: str) -> None:
        self._changed(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))

    def delete_throttles_before(self, before: datetime) -> int:
        return self._changed(delete(LoginThrottleRow).where(
            LoginThrottleRow.window_start < before,
            or_(LoginThrottleRow.locked_until.is_(None), LoginThrottleRow.locked_until < before)))

    # -- invitations ------------------------------------------------------------------------

    def add_invitation(self, invitation: Invitation) -> None:
        with self._writing() as session:
            session.add(InvitationRow(token_hash=invitation.token_hash, user_id=invitation.user_id,
                                      created_at=invitation.created_at, expires_at=invitation.expires_at,
                                      created_by=invitation.created_by, used_at=invitation.used_at))

    def get_invitation(self, token_hash: str) -> Invitation | None:
        with self._reading() as session:
            row = session.get(InvitationRow, token_hash)
            if row is None:
                return None
            return Invitation(row.token_hash, row.user_id, row.created_at, row.expires_at, row.created_by, row.used_at)

    def use_invitation(self, token_hash: str, at: datetime) -> bool:
        return self._changed_one(update(InvitationRow)
                                 .where(InvitationRow.token_hash == token_hash, InvitationRow.used_at.is_(None))
                                 .values(used_at=at))

    def revoke_invitations(self, user_id: str) -> int:
        return self._changed(delete(InvitationRow).where(InvitationRow.user_id == user_id,
                                                         InvitationRow.used_at.is_(None)))

    # -- sign-up ----------------------------------------------------------------------------

    def add_signup(self, application: SignupApplication) -> None:
        with self._writing() as session:
            session.execute(insert(SignupRow), [identity_rows.signup_values(application)])

    def get_signup(self, signup_id: str) -> SignupApplication | None:
        with self._reading() as session:
            row = session.get(SignupRow, signup_id)
            return identity_rows.signup_from_row(row) if row is not None else None

    def list_signups(self, status: SignupStatus | None = None) -> list[SignupApplication]:
        statement = select(SignupRow).order_by(SignupRow.submitted_at, SignupRow.id)
        if status is not None:
            statement = statement.where(SignupRow.status == status.value)
        with self._reading() as session:
            return [identity_rows.signup_from_row(row) for row in session.scalars(statement)]

    def decide_signup(self, application: SignupApplication) -> bool:
        return self._changed_one(
            update(SignupRow)
            .where(SignupRow.id == application.id, SignupRow.status == SignupStatus.PENDING.value)
            .values(status=application.status.value, decided_at=application.decided_at,
                    decided_by=application.decided_by, reason=application.reason))

    def set_signup_user(self, signup_id: str, user_id: str) -> None:
        self._changed(update(SignupRow).where(SignupRow.id == signup_id).values(user_id=user_id))

    # -- audit ------------------------------------------------------------------------------

    def add_audit(self, record: AuditRecord) -> int:
        with self._writing() as session:
            return session.execute(insert(AuditRow).returning(AuditRow.id), [identity_rows.audit_values(record)]).scalar_one()

    def add_audits(self, records: list[AuditRecord]) -> list[int]:
        if not records:
            return []
        with self._writing() as session:
            table = AuditRow.__table__
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            rows = [identity_rows.audit_values(record) for record in records]
            return list(session.connection().execute(statement, rows).scalars())  # one multi-row INSERT

    def list_audit(self, query: AuditQuery) -> list[AuditRecord]:
        with self._reading() as session:
            return [identity_rows.audit_from_row(row) for row in session.scalars(identity_rows.audit_statement(query))]

    # -- helpers ----------------------------------------------------------------------------

    def _changed(self, statement) -> int:
        with self._writing() as session:
            return session.execute(statement, execution_options={"synchronize_session": False}).rowcount

    def _changed_one(self, statement) -> bool:
        return self._changed(statement) == 1


def _throttle(row: LoginThrottleRow) -> LoginThrottle:
    return LoginThrottle(row.key, row.failures, row.window_start, row.locked_until)


def _dialect_insert(session: DbSession):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(LoginThrottleRow)
    if name == "sqlite":
        return sqlite.insert(LoginThrottleRow)
    raise ValueError(f"unsupported database dialect {name!r}")
