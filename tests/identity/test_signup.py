"""Sign-up (aanmelding): applying, and the operator's approval or rejection."""

from __future__ import annotations

import pytest

from core.errors import Conflict, InvalidRequest, NotAuthorised
from core.identity.login import NextStep
from core.identity.model import AuditEvent, AuditQuery, SignupStatus, UserStatus
from core.model import Channel, Enrolment, OrgKind
from core.principal import Action, Grant, Principal, Role
from tests.identity.world import OPERATOR, ORG_A, PASSWORD

ANONYMOUS = Principal(channel=Channel.PORTAL)


def submit(world, code="0518", username="beheer.0518", kind=OrgKind.GEMEENTE, services=("wmo", "jw"),
           channels=(Channel.PORTAL, Channel.WEBSERVICE)):
    return world.identity.signups.submit(
        ANONYMOUS, kind, code, "Gemeente C", services, channels, "Ellen Visser", "ict@gemeente-c.example.nl", username,
    )


def test_submit_stores_pending_application(world):
    application = submit(world)

    stored = world.identity.signups.get(OPERATOR, application.id)
    assert stored.status == SignupStatus.PENDING
    assert stored.services == ("jw", "wmo")
    assert stored.channels == (Channel.PORTAL, Channel.WEBSERVICE)
    assert stored.contact_name == "Ellen Visser"
    assert [a.id for a in world.identity.signups.list(OPERATOR, SignupStatus.PENDING)] == [application.id]


@pytest.mark.parametrize("change", [
    {"code": "518"}, {"services": ()}, {"services": ("cake",)}, {"username": "x"},
    {"kind": OrgKind.AANBIEDER}, {"channels": (Channel.CLI,)},
])
def test_submit_rejects_invalid_application(world, change):
    with pytest.raises(InvalidRequest):
        submit(world, **change)


def test_second_pending_application_conflicts(world):
    submit(world)

    with pytest.raises(Conflict):
        submit(world, username="someone.else")


def test_only_operator_reads_applications(world):
    application = submit(world)
    admin = world.principal("beheer", ORG_A, {Role.GEBRUIKERSBEHEERDER})

    with pytest.raises(NotAuthorised):
        world.identity.signups.list(admin)
    with pytest.raises(NotAuthorised):
        world.identity.signups.get(ANONYMOUS, application.id)


def test_approval_registers_organisation_and_invites_admin(world):
    application = submit(world)

    decision = world.identity.signups.approve(OPERATOR, application.id, grants={Grant("wmo", Action.RECEIVE)})
    world.identity.invitations.accept(decision.invitation.token, PASSWORD)
    first_login = world.identity.login.verify_password("beheer.0518", PASSWORD)

    organisation = world.hub.get_organisation("0518")
    assert organisation.name == "Gemeente C"
    assert set(organisation.enrolments) == {Enrolment(s, c) for s in ("wmo", "jw")
                                            for c in (Channel.PORTAL, Channel.WEBSERVICE)}
    admin = world.store.get_user(decision.invitation.user.id)
    assert admin.roles == frozenset({Role.GEBRUIKERSBEHEERDER})
    assert admin.grants == frozenset({Grant("wmo", Action.RECEIVE)})
    assert admin.email == "ict@gemeente-c.example.nl"
    assert admin.status == UserStatus.ACTIVE
    assert first_login.next_step == NextStep.ENROL_TOTP
    stored = world.identity.signups.get(OPERATOR, application.id)
    assert stored.status == SignupStatus.APPROVED
    assert stored.user_id == admin.id
    assert stored.decided_by == OPERATOR.describe()


def test_approval_enrols_existing_organisation(world):
    application = submit(world, code=ORG_A, services=("pgb",), channels=())

    decision = world.identity.signups.approve(OPERATOR, application.id)

    assert world.hub.get_organisation(ORG_A).services() == {"wmo", "jw", "pgb"}
    assert decision.organisation.code == ORG_A


def test_approval_with_taken_username(world):
    world.activate("beheer.0518", ORG_A, {Role.GEBRUIKER})
    application = submit(world)

    with pytest.raises(Conflict):
        world.identity.signups.approve(OPERATOR, application.id)
    decision = world.identity.signups.approve(OPERATOR, application.id, username="beheer.c")

    assert decision.invitation.user.username == "beheer.c"
    assert world.hub.get_organisation("0518") is not None


def test_application_decided_once(world):
    application = submit(world)
    world.identity.signups.reject(OPERATOR, application.id, "not a customer of the Inlichtingenbureau")

    with pytest.raises(Conflict):
        world.identity.signups.approve(OPERATOR, application.id)
    stored = world.identity.signups.get(OPERATOR, application.id)
    assert stored.status == SignupStatus.REJECTED
    assert stored.reason == "not a customer of the Inlichtingenbureau"
    assert world.hub.get_organisation("0518") is None


def test_only_operator_decides(world):
    application = submit(world)
    admin = world.principal("beheer", ORG_A, {Role.GEBRUIKERSBEHEERDER})

    with pytest.raises(NotAuthorised):
        world.identity.signups.approve(admin, application.id)
    with pytest.raises(NotAuthorised):
        world.identity.signups.reject(ANONYMOUS, application.id, "no")


def test_signup_audited_without_contact_name(world):
    application = submit(world)
    world.identity.signups.approve(OPERATOR, application.id)

    records = world.identity.audit.read(OPERATOR, AuditQuery(organisation="0518")).records

    events = [r.event for r in records]
    assert events[0] == AuditEvent.SIGNUP_APPROVED
    assert events[-1] == AuditEvent.SIGNUP_SUBMITTED
    assert records[-1].actor == "anonymous/portal"
    assert "Ellen Visser" not in repr(records)
