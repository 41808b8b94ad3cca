"""Portal sessions: tokens, idle and absolute timeouts, logout, and accounts that stop."""

from __future__ import annotations

import hashlib

import pytest

from core.identity.credentials import throttle_key
from core.identity.errors import LoginFailed, SessionExpired
from core.identity.model import SessionStage
from core.principal import Action, Grant, Role
from tests.identity.world import OPERATOR, ORG_A


def test_session_resolves_to_principal(world):
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER, Role.PRODUCTBEHEERDER}, {Grant("jw", Action.RECEIVE)})
    token = world.log_in("anna").session_token

    active = world.identity.resume_session(token)

    assert active.principal.user == user.id
    assert active.principal.organisation == ORG_A
    assert active.principal.roles == frozenset({Role.GEBRUIKER, Role.PRODUCTBEHEERDER})
    assert active.principal.grants == frozenset({Grant("jw", Action.RECEIVE)})
    assert active.username == "anna"
    assert active.principal.describe() == f"user:{user.id}@{ORG_A}/portal"


def test_session_stored_as_hash_only(world):
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("anna").session_token

    stored = world.store.get_session(hashlib.sha256(token.encode()).hexdigest())

    assert stored is not None
    assert stored.user_id == user.id
    assert stored.stage == SessionStage.ACTIVE
    assert world.store.get_session(token) is None
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_session_ends_after_idle_timeout(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("anna").session_token
    world.clock.advance(minutes=14)
    world.identity.resolve_session(token)  # use within the idle time extends it
    world.clock.advance(minutes=14)
    world.identity.resolve_session(token)

    world.clock.advance(minutes=15, seconds=1)

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(token)
    assert world.store.get_session(hashlib.sha256(token.encode()).hexdigest()) is None


def test_session_ends_after_eight_hours(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("anna").session_token
    for _ in range(8 * 6 - 1):
        world.clock.advance(minutes=10)
        world.identity.resolve_session(token)

    world.clock.advance(minutes=10, seconds=1)

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(token)


def test_logout_ends_session(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("anna").session_token

    world.identity.logout(token)
    world.identity.logout(token)  # a second logout is no error

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(token)


def test_disabling_user_ends_every_session(world):
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER})
    first = world.log_in("anna").session_token
    world.next_time_step()
    second = world.log_in("anna").session_token

    world.identity.users.disable(OPERATOR, user.id)

    for token in (first, second):
        with pytest.raises(SessionExpired):
            world.identity.resolve_session(token)
    assert world.store.delete_user_sessions(user.id) == 0


def test_deactivated_organisation_ends_sessions(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("anna").session_token

    world.organisations.set_active(OPERATOR, ORG_A, False)

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(token)


def test_grants_limited_to_enrolled_services(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER}, {Grant("wmo", Action.SEND), Grant("jw", Action.SEND)})
    token = world.log_in("anna").session_token
    organisation = world.hub.get_organisation(ORG_A)
    organisation.enrolments = [e for e in organisation.enrolments if e.service != "jw"]
    world.hub.save_organisation(organisation)

    principal = world.identity.resolve_session(token)

    assert principal.grants == frozenset({Grant("wmo", Action.SEND)})


def test_purge_removes_expired_sessions(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    old = world.log_in("anna").session_token
    world.clock.advance(minutes=20)
    world.next_time_step()
    fresh = world.log_in("anna").session_token

    removed = world.identity.sessions.purge_expired()

    assert removed == 1
    assert world.identity.resolve_session(fresh).organisation == ORG_A
    assert world.store.get_session(hashlib.sha256(old.encode()).hexdigest()) is None


def test_purge_removes_finished_lockout_counters(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    for username in ("anna", "nobody"):
        with pytest.raises(LoginFailed):
            world.identity.login.verify_password(username, "wrong password!!")
    world.clock.advance(minutes=16)
    with pytest.raises(LoginFailed):
        world.identity.login.verify_password("someone", "wrong password!!")

    removed = world.identity.purge_expired()

    assert removed == 2
    assert world.store.login_throttle(throttle_key("anna")) is None
    assert world.store.login_throttle(throttle_key("someone")).failures == 1
