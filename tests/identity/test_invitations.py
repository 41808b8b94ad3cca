"""Invitations: one-time links to set a username and password, mailed when a mailer is set."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from structlog.testing import capture_logs

from core.errors import Conflict, InvalidRequest
from core.identity.errors import InvitationInvalid, SessionExpired
from core.identity.login import NextStep
from core.identity.model import AuditEvent, AuditQuery, UserStatus
from core.identity.ports import MailError, Mailer
from core.principal import Role
from tests.identity.conftest import build_world
from tests.identity.world import OPERATOR, ORG_A, PASSWORD


class RecordingMailer(Mailer):
    def __init__(self, fail: bool = False):
        self.sent: list[tuple[str, str, str]] = []
        self.fail = fail

    def send(self, to: str, subject: str, body: str) -> None:
        if self.fail:
            raise MailError("mail server 127.0.0.1:1 refused the connection")
        self.sent.append((to, subject, body))


def test_invitation_link_holds_token_stored_hashed(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    assert issued.link == f"https://ggk.example.nl/invitations/{issued.token}"
    assert world.store.get_invitation(issued.token) is None
    stored = world.store.get_invitation(hashlib.sha256(issued.token.encode()).hexdigest())
    assert stored.user_id == issued.user.id
    assert stored.expires_at - stored.created_at == timedelta(hours=72)
    assert issued.mailed is False


def test_accept_sets_password_once(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    user = world.identity.invitations.accept(issued.token, PASSWORD)

    assert user.status == UserStatus.ACTIVE
    assert world.identity.login.verify_password("carla", PASSWORD).next_step == NextStep.ENROL_TOTP
    with pytest.raises(InvitationInvalid):
        world.identity.invitations.accept(issued.token, "another good password")


def test_invitation_expires_after_72_hours(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    world.clock.advance(hours=72)

    with pytest.raises(InvitationInvalid) as raised:
        world.identity.invitations.view(issued.token)
    assert raised.value.code == "GGK410"
    with pytest.raises(InvitationInvalid):
        world.identity.invitations.accept(issued.token, PASSWORD)


def test_invitee_chooses_username(world):
    world.activate("daan", ORG_A, {Role.GEBRUIKER})
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER})

    assert world.identity.invitations.view(issued.token).username is None
    with pytest.raises(InvalidRequest):
        world.identity.invitations.accept(issued.token, PASSWORD)
    with pytest.raises(Conflict):
        world.identity.invitations.accept(issued.token, PASSWORD, username="Daan")
    user = world.identity.invitations.accept(issued.token, PASSWORD, username="Carla")

    assert user.username == "carla"


def test_preset_username_cannot_change(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    with pytest.raises(InvalidRequest):
        world.identity.invitations.accept(issued.token, PASSWORD, username="someone")

    assert world.identity.invitations.accept(issued.token, PASSWORD, username="CARLA").username == "carla"


@pytest.mark.parametrize("password,rule", [("elevenchars", "min_length"), ("carla.jansen", "not_username")])
def test_weak_password_keeps_link_usable(world, password, rule):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla.jansen")

    with pytest.raises(InvalidRequest) as raised:
        world.identity.invitations.accept(issued.token, password)

    assert raised.value.params["rule"] == rule
    assert world.identity.invitations.accept(issued.token, PASSWORD).status == UserStatus.ACTIVE


def test_reissue_revokes_earlier_link(world):
    first = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    second = world.identity.invitations.reissue(OPERATOR, first.user.id)

    with pytest.raises(InvitationInvalid):
        world.identity.invitations.view(first.token)
    assert world.identity.invitations.view(second.token).username == "carla"


def test_reissue_for_active_account_resets_password(world):
    user = world.activate("carla", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("carla").session_token

    issued = world.identity.invitations.reissue(OPERATOR, user.id)
    world.identity.invitations.accept(issued.token, "a forgotten one replaced")

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(token)
    assert world.identity.login.verify_password("carla", "a forgotten one replaced").next_step == NextStep.SECOND_FACTOR


def test_disabled_account_link_invalid(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    world.identity.users.disable(OPERATOR, issued.user.id)

    with pytest.raises(InvitationInvalid):
        world.identity.invitations.accept(issued.token, PASSWORD)
    with pytest.raises(InvalidRequest):
        world.identity.invitations.reissue(OPERATOR, issued.user.id)


def test_invitation_mailed_when_mailer_set(memory_world):
    mailer = RecordingMailer()
    world = build_world(memory_world.hub, memory_world.store, mailer=mailer)
    world.add_standard_organisations()

    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla",
                                               email="carla@example.nl")

    assert issued.mailed is True
    assert len(mailer.sent) == 1
    to, subject, body = mailer.sent[0]
    assert to == "carla@example.nl"
    assert "GGk" in subject
    assert issued.link in body
    assert ORG_A in body


def test_mail_failure_still_returns_link(memory_world):
    world = build_world(memory_world.hub, memory_world.store, mailer=RecordingMailer(fail=True))
    world.add_standard_organisations()

    with capture_logs() as logs:
        issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla",
                                                   email="carla@example.nl")

    assert issued.mailed is False
    failures = [entry for entry in logs if entry["event"] == "invitation_mail_failed"]
    assert failures[0]["user_id"] == issued.user.id
    assert issued.token not in repr(logs)
    assert world.identity.invitations.accept(issued.token, PASSWORD).status == UserStatus.ACTIVE


def test_invitation_audited(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")
    world.identity.invitations.accept(issued.token, PASSWORD)

    records = world.identity.audit.read(OPERATOR, AuditQuery(user_id=issued.user.id)).records

    assert [r.event for r in records] == [AuditEvent.INVITATION_ACCEPTED, AuditEvent.INVITATION_ISSUED,
                                          AuditEvent.USER_CREATED]
    assert issued.token not in repr(records)
    assert records[1].actor == OPERATOR.describe()
