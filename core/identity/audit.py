"""The audit log: who did what, when, for which organisation.

Identity use cases write their own records. Message use cases call ``record_uploads``
(ingest, once per committed batch) and ``record_download`` (the mailbox). Records
contain ids, role and grant names and reasons, never a password, code, token or a
person's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import structlog

from core.identity import rules
from core.identity.model import AuditEvent, AuditQuery, AuditRecord
from core.identity.ports import IdentityStore
from core.ports import Clock
from core.principal import Principal

log = structlog.get_logger(__name__)

MAX_PAGE = 500
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Upload:
    """One handed-in message for ``AuditLog.record_uploads``."""

    message_id: str
    organisation: str | None  # the sending organisation
    service: str | None = None
    status: str = "accepted"  # or "rejected"


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    next_before_id: int | None  # pass as ``AuditQuery.before_id`` for the next page; None on the last page


class AuditLog:
    def __init__(self, store: IdentityStore, clock: Clock):
        self._store = store
        self._clock = clock

    def record(self, event: AuditEvent, principal: Principal | None, *, organisation: str | None = None,
               subject_user_id: str | None = None, message_id: str | None = None, signup_id: str | None = None,
               **details: Any) -> AuditRecord:
        """Append a record; ``principal`` None stands for an anonymous caller such as a login attempt."""
        record = AuditRecord(
            at=self._clock.now(), event=event,
            actor=_actor(principal),
            organisation=organisation,
            actor_user_id=principal.user if principal is not None else None,
            subject_user_id=subject_user_id, message_id=message_id, signup_id=signup_id, details=details,
        )
        record_id = self._store.add_audit(record)
        return replace(record, id=record_id)

    def record_upload(self, principal: Principal, message_id: str, organisation: str | None,
                      service: str | None = None, status: str = "accepted") -> AuditRecord:
        """Record that ``principal`` handed in message ``message_id`` on behalf of ``organisation``."""
        return self.record_uploads(principal, [Upload(message_id, organisation, service, status)])[0]

    def record_uploads(self, principal: Principal, uploads: Iterable[Upload]) -> list[AuditRecord]:
        """Record a batch of handed-in messages in one transaction, as ingest commits them in one."""
        now = self._clock.now()
        records = [
            AuditRecord(at=now, event=AuditEvent.MESSAGE_UPLOADED, actor=_actor(principal),
                        organisation=upload.organisation, actor_user_id=principal.user, message_id=upload.message_id,
                        details={"service": upload.service, "channel": principal.channel.value,
                                 "status": upload.status})
            for upload in uploads
        ]
        if not records:
            return []
        ids = self._store.add_audits(records)
        return [replace(record, id=record_id) for record, record_id in zip(records, ids)]

    def record_download(self, principal: Principal, message_id: str, organisation: str | None,
                        service: str | None = None) -> AuditRecord:
        """Record that ``principal`` fetched message ``message_id`` delivered to ``organisation``."""
        return self.record(AuditEvent.MESSAGE_DOWNLOADED, principal, organisation=organisation,
                           message_id=message_id, service=service, channel=principal.channel.value)

    def read(self, principal: Principal, query: AuditQuery | None = None) -> AuditPage:
        """Return one page of records the principal may read, newest first.

        A hub operator reads every record; a gebruikersbeheerder reads the records of
        their own organisation, whatever ``query.organisation`` requests.
        """
        query = query or AuditQuery()
        scope = rules.audit_scope(principal)
        if scope is not None:
            query = replace(query, organisation=scope)
        limit = max(1, min(query.limit, MAX_PAGE))
        rows = self._store.list_audit(replace(query, limit=limit + 1))
        page = rows[:limit]
        next_before = page[-1].id if len(rows) > limit else None
        log.info("audit_read", actor=principal.describe(), organisation=query.organisation, count=len(page))
        return AuditPage(page, next_before)


def _actor(principal: Principal | None) -> str:
    """Return the audit label of the caller; one without user, organisation or role is anonymous."""
    if principal is None:
        return ANONYMOUS
    if principal.user is None and principal.organisation is None and not principal.roles:
        return f"{ANONYMOUS}/{principal.channel.value}"
    return principal.describe()
