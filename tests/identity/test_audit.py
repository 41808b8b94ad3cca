"""The audit log: uploads and downloads, who reads which records, filters and pages."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.errors import NotAuthorised
from core.identity.audit import Upload
from core.identity.model import AuditEvent, AuditQuery
from core.model import Channel
from core.principal import Action, Grant, Principal, Role
from tests.identity.world import OPERATOR, ORG_A, ORG_B

SOFTWARE_A = Principal.organisation_software(ORG_A, Channel.WEBSERVICE)


def test_upload_and_download_recorded(world):
    message_id = str(uuid.uuid4())
    gebruiker = world.principal("carla", ORG_B, {Role.GEBRUIKER}, {Grant("wmo", Action.RECEIVE)})

    world.identity.audit.record_upload(SOFTWARE_A, message_id, ORG_A, "wmo")
    world.identity.audit.record_download(gebruiker, message_id, ORG_B, "wmo")

    records = world.identity.audit.read(OPERATOR, AuditQuery(message_id=message_id)).records
    assert [r.event for r in records] == [AuditEvent.MESSAGE_DOWNLOADED, AuditEvent.MESSAGE_UPLOADED]
    assert records[0].organisation == ORG_B
    assert records[0].actor_user_id == gebruiker.user
    assert records[0].details == {"service": "wmo", "channel": "portal"}
    assert records[1].actor == SOFTWARE_A.describe()
    assert records[1].details["channel"] == "webservice"


def test_admin_reads_own_organisation_only(world):
    admin = world.principal("beheer", ORG_A, {Role.GEBRUIKERSBEHEERDER})
    world.identity.audit.record_upload(SOFTWARE_A, str(uuid.uuid4()), ORG_A, "wmo")
    world.identity.audit.record_upload(OPERATOR, str(uuid.uuid4()), ORG_B, "wmo")

    asked_for_other = world.identity.audit.read(admin, AuditQuery(organisation=ORG_B)).records
    everything = world.identity.audit.read(OPERATOR).records

    assert asked_for_other
    assert {r.organisation for r in asked_for_other} == {ORG_A}
    assert {ORG_A, ORG_B} <= {r.organisation for r in everything}


@pytest.mark.parametrize("roles", [{Role.GEBRUIKER}, {Role.PRODUCTBEHEERDER}])
def test_other_roles_read_no_audit(world, roles):
    principal = world.principal("carla", ORG_A, roles)

    with pytest.raises(NotAuthorised):
        world.identity.audit.read(principal)


def test_software_reads_no_audit(world):
    with pytest.raises(NotAuthorised):
        world.identity.audit.read(SOFTWARE_A)


def test_filters_by_event_user_and_time(world):
    carla = world.activate("carla", ORG_A, {Role.GEBRUIKER})
    start = world.clock.now()
    world.clock.advance(minutes=5)
    world.log_in("carla")
    world.clock.advance(minutes=5)
    middle = world.clock.now()
    world.identity.users.disable(OPERATOR, carla.id)

    logins = world.identity.audit.read(OPERATOR, AuditQuery(events=(AuditEvent.LOGIN_SUCCEEDED,))).records
    about_carla = world.identity.audit.read(OPERATOR, AuditQuery(user_id=carla.id, since=start)).records
    before_middle = world.identity.audit.read(OPERATOR, AuditQuery(user_id=carla.id, since=start,
                                                                   until=middle)).records

    assert [r.subject_user_id for r in logins] == [carla.id]
    assert [r.event for r in about_carla] == [AuditEvent.USER_DISABLED, AuditEvent.LOGIN_SUCCEEDED,
                                              AuditEvent.TOTP_ENROLLED]
    assert AuditEvent.USER_DISABLED not in [r.event for r in before_middle]


def test_keyset_pages_cover_every_record_once(world):
    for _ in range(25):
        world.identity.audit.record_upload(SOFTWARE_A, str(uuid.uuid4()), ORG_A, "wmo")
    query = AuditQuery(events=(AuditEvent.MESSAGE_UPLOADED,), limit=10)

    first = world.identity.audit.read(OPERATOR, query)
    world.identity.audit.record_upload(SOFTWARE_A, str(uuid.uuid4()), ORG_A, "wmo")  # a newer record does not shift pages
    second = world.identity.audit.read(OPERATOR, AuditQuery(**{**query.__dict__, "before_id": first.next_before_id}))
    third = world.identity.audit.read(OPERATOR, AuditQuery(**{**query.__dict__, "before_id": second.next_before_id}))

    ids = [r.id for page in (first, second, third) for r in page.records]
    assert [len(p.records) for p in (first, second, third)] == [10, 10, 5]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 25
    assert third.next_before_id is None


def test_records_ordered_newest_first(world):
    world.identity.audit.record_upload(SOFTWARE_A, "a" * 8, ORG_A)
    world.clock.advance(seconds=1)
    world.identity.audit.record_upload(SOFTWARE_A, "b" * 8, ORG_A)

    records = world.identity.audit.read(OPERATOR, AuditQuery(organisation=ORG_A)).records

    assert [r.message_id for r in records[:2]] == ["b" * 8, "a" * 8]
    assert records[0].at - records[1].at >= timedelta(seconds=1)


def test_batch_of_uploads_recorded_together(world):
    uploads = [Upload(str(uuid.uuid4()), ORG_A, "wmo"), Upload(str(uuid.uuid4()), ORG_A, "jw", "rejected")]

    recorded = world.identity.audit.record_uploads(SOFTWARE_A, uploads)
    read = world.identity.audit.read(OPERATOR, AuditQuery(events=(AuditEvent.MESSAGE_UPLOADED,))).records

    assert [r.message_id for r in read] == [u.message_id for u in reversed(uploads)]
    assert [r.id for r in read] == [r.id for r in reversed(recorded)]
    assert read[0].details == {"service": "jw", "channel": "webservice", "status": "rejected"}
    assert world.identity.audit.record_uploads(SOFTWARE_A, []) == []
