"""Two-factor login: password, TOTP enrolment and codes, recovery codes, lockout."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest

from core.errors import InvalidRequest
from core.identity.errors import LoginFailed, LoginLocked, SessionExpired
from core.identity.login import NextStep
from core.identity.model import AuditEvent, AuditQuery
from core.identity.service import Identity
from core.identity.settings import IdentitySettings
from core.model import Channel
from core.principal import Action, Grant, Role
from tests.identity.world import OPERATOR, ORG_A, PASSWORD

WMO_SEND = Grant("wmo", Action.SEND)


def test_first_login_enrols_totp(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER}, {WMO_SEND})

    verified = world.identity.login.verify_password("anna", PASSWORD)
    setup = world.identity.login.start_totp_enrolment(verified.login_token)
    world.totp_secrets["anna"] = setup.secret
    logged_in = world.identity.login.finish_totp_enrolment(verified.login_token, world.totp_code("anna"))

    assert verified.next_step == NextStep.ENROL_TOTP
    assert setup.provisioning_uri.startswith("otpauth://totp/GGk:anna?")
    assert f"secret={setup.secret}" in setup.provisioning_uri
    assert len(logged_in.recovery_codes) == 10
    assert len(set(logged_in.recovery_codes)) == 10
    assert logged_in.principal.channel == Channel.PORTAL
    assert logged_in.principal.organisation == ORG_A
    assert logged_in.principal.roles == frozenset({Role.GEBRUIKER})
    assert logged_in.principal.grants == frozenset({WMO_SEND})


def test_later_login_asks_totp_code(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    world.next_time_step()

    verified = world.identity.login.verify_password("ANNA", PASSWORD)
    logged_in = world.identity.login.verify_second_factor(verified.login_token, world.totp_code("anna"))

    assert verified.next_step == NextStep.SECOND_FACTOR
    assert logged_in.recovery_codes == ()
    assert world.identity.resolve_session(logged_in.session_token).user == logged_in.principal.user


def test_enrolled_user_cannot_enrol_again(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")

    verified = world.identity.login.verify_password("anna", PASSWORD)

    with pytest.raises(InvalidRequest):
        world.identity.login.start_totp_enrolment(verified.login_token)


def test_wrong_password_and_unknown_user_fail_alike(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})

    with pytest.raises(LoginFailed) as wrong_password:
        world.identity.login.verify_password("anna", "not the password at all")
    with pytest.raises(LoginFailed) as unknown_user:
        world.identity.login.verify_password("nobody", PASSWORD)

    assert wrong_password.value.code == unknown_user.value.code == "GGK401"
    assert wrong_password.value.detail == unknown_user.value.detail


def test_invited_or_disabled_account_cannot_log_in(world):
    issued = world.identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="bram")
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.identity.users.disable(OPERATOR, user.id)

    with pytest.raises(LoginFailed):
        world.identity.login.verify_password("anna", PASSWORD)
    with pytest.raises(LoginFailed):
        world.identity.login.verify_password("bram", PASSWORD)
    assert issued.user.username == "bram"


@pytest.mark.parametrize("username", ["anna", "nobody"])
def test_lockout_after_five_failures(world, username):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    for _ in range(4):
        with pytest.raises(LoginFailed):
            world.identity.login.verify_password(username, "wrong password!!")

    with pytest.raises(LoginLocked) as fifth:
        world.identity.login.verify_password(username, "wrong password!!")
    with pytest.raises(LoginLocked) as with_right_password:
        world.identity.login.verify_password(username, PASSWORD)

    assert fifth.value.code == "GGK429"
    assert fifth.value.retry_after == 15 * 60
    assert 0 < with_right_password.value.retry_after <= 15 * 60


def test_lockout_ends_after_fifteen_minutes(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    for _ in range(4):
        with pytest.raises(LoginFailed):
            world.identity.login.verify_password("anna", "wrong password!!")
    with pytest.raises(LoginLocked):
        world.identity.login.verify_password("anna", "wrong password!!")

    world.clock.advance(minutes=15, seconds=1)
    verified = world.identity.login.verify_password("anna", PASSWORD)

    assert verified.next_step == NextStep.ENROL_TOTP
    with pytest.raises(LoginFailed):  # the count starts again from zero
        world.identity.login.verify_password("anna", "wrong password!!")


def test_failures_outside_window_do_not_add_up(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    for _ in range(4):
        with pytest.raises(LoginFailed):
            world.identity.login.verify_password("anna", "wrong password!!")
    world.clock.advance(minutes=16)

    for _ in range(4):
        with pytest.raises(LoginFailed):
            world.identity.login.verify_password("anna", "wrong password!!")

    assert world.identity.login.verify_password("anna", PASSWORD).next_step == NextStep.ENROL_TOTP


def test_totp_code_is_usable_once(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    world.next_time_step()
    code = world.totp_code("anna")
    first = world.identity.login.verify_password("anna", PASSWORD)
    world.identity.login.verify_second_factor(first.login_token, code)

    second = world.identity.login.verify_password("anna", PASSWORD)
    with pytest.raises(LoginFailed):
        world.identity.login.verify_second_factor(second.login_token, code)


def test_totp_accepts_one_step_of_drift(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    world.clock.advance(minutes=5)

    late = world.identity.login.verify_password("anna", PASSWORD)
    world.identity.login.verify_second_factor(late.login_token, world.totp_code("anna", steps=-1))
    world.clock.advance(minutes=5)
    early = world.identity.login.verify_password("anna", PASSWORD)
    world.identity.login.verify_second_factor(early.login_token, world.totp_code("anna", steps=1))
    world.clock.advance(minutes=5)
    too_late = world.identity.login.verify_password("anna", PASSWORD)

    with pytest.raises(LoginFailed):
        world.identity.login.verify_second_factor(too_late.login_token, world.totp_code("anna", steps=-2))


def test_older_step_rejected_after_newer_used(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    world.clock.advance(minutes=5)
    newer = world.identity.login.verify_password("anna", PASSWORD)
    world.identity.login.verify_second_factor(newer.login_token, world.totp_code("anna", steps=1))

    older = world.identity.login.verify_password("anna", PASSWORD)
    with pytest.raises(LoginFailed):
        world.identity.login.verify_second_factor(older.login_token, world.totp_code("anna"))


def test_recovery_code_works_once(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    code = world.recovery_codes["anna"][3]

    first = world.identity.login.verify_password("anna", PASSWORD)
    logged_in = world.identity.login.verify_second_factor(first.login_token, code.upper().replace("-", " "))
    second = world.identity.login.verify_password("anna", PASSWORD)

    assert logged_in.recovery_codes_left == 9
    with pytest.raises(LoginFailed):
        world.identity.login.verify_second_factor(second.login_token, code)


def test_second_factor_failures_lock_and_end_login(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    verified = world.identity.login.verify_password("anna", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            world.identity.login.verify_second_factor(verified.login_token, "000000")

    with pytest.raises(LoginLocked):
        world.identity.login.verify_second_factor(verified.login_token, "abcd-efgh-jkmn-pqrs")
    with pytest.raises(SessionExpired):
        world.identity.login.verify_second_factor(verified.login_token, world.totp_code("anna"))


def test_wrong_enrolment_code_counts_as_failure(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    verified = world.identity.login.verify_password("anna", PASSWORD)
    setup = world.identity.login.start_totp_enrolment(verified.login_token)
    world.totp_secrets["anna"] = setup.secret

    with pytest.raises(LoginFailed):
        world.identity.login.finish_totp_enrolment(verified.login_token, world.totp_code("anna", steps=5))
    logged_in = world.identity.login.finish_totp_enrolment(verified.login_token, world.totp_code("anna"))

    failures = world.identity.audit.read(OPERATOR, AuditQuery(events=(AuditEvent.LOGIN_FAILED,))).records
    assert [r.details["factor"] for r in failures] == ["totp_enrolment"]
    assert logged_in.principal.user == verified_user_id(world, "anna")


def test_login_token_expires_after_ten_minutes(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")
    verified = world.identity.login.verify_password("anna", PASSWORD)

    world.clock.advance(minutes=10, seconds=1)

    with pytest.raises(SessionExpired):
        world.identity.login.verify_second_factor(verified.login_token, world.totp_code("anna"))


def test_login_token_is_no_session(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})

    verified = world.identity.login.verify_password("anna", PASSWORD)

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(verified.login_token)


def test_login_rehashes_weaker_password_hash(world):
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER})
    old_hash = world.store.password_hash(user.id)
    stronger = IdentitySettings(argon2_time_cost=2, argon2_memory_kib=16, argon2_parallelism=1)
    identity = Identity(world.store, world.hub, {"wmo", "jw"}, world.clock, _box_of(world), stronger)

    identity.login.verify_password("anna", PASSWORD)

    new_hash = world.store.password_hash(user.id)
    assert "t=1" in old_hash
    assert "t=2" in new_hash
    assert "m=16" in new_hash
    assert identity.login.verify_password("anna", PASSWORD).next_step == NextStep.ENROL_TOTP


def test_totp_secret_stored_sealed(world):
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER})
    world.log_in("anna")

    enrolment = world.store.get_totp(user.id)

    assert world.totp_secrets["anna"].encode() not in enrolment.sealed_secret
    assert _box_of(world).open(enrolment.sealed_secret, user.id.encode()) == world.totp_secrets["anna"].encode()
    with pytest.raises(ValueError):
        _box_of(world).open(enrolment.sealed_secret, b"another user")


def test_unknown_user_takes_as_long_as_wrong_password(memory_world):
    """The unknown name is checked against a dummy hash, so the time does not reveal it."""
    memory_world.add_standard_organisations()
    costly = IdentitySettings(argon2_time_cost=2, argon2_memory_kib=8192, argon2_parallelism=1,
                              max_failed_logins=1000)
    identity = Identity(memory_world.store, memory_world.hub, {"wmo"}, memory_world.clock,
                        _box_of(memory_world), costly)
    issued = identity.invitations.invite(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="anna")
    identity.invitations.accept(issued.token, PASSWORD)  # hashed at the same cost as the dummy

    known = _median_failure_seconds(identity, "anna")
    unknown = _median_failure_seconds(identity, "nobody")

    assert 1 / 3 < unknown / known < 3


def _median_failure_seconds(identity: Identity, username: str) -> float:
    durations = []
    for _ in range(7):
        started = time.perf_counter()
        with pytest.raises(LoginFailed):
            identity.login.verify_password(username, "wrong password!!")
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def _box_of(world):
    return world.identity.login._box


def verified_user_id(world, username: str) -> str:
    return world.store.find_user(username).id


def test_failed_login_audited_without_secret(world):
    user = world.activate("anna", ORG_A, {Role.GEBRUIKER})
    with pytest.raises(LoginFailed):
        world.identity.login.verify_password("anna", "secret attempt 123")

    records = world.identity.audit.read(OPERATOR, AuditQuery(user_id=user.id)).records

    failed = [r for r in records if r.event == AuditEvent.LOGIN_FAILED]
    assert len(failed) == 1
    assert failed[0].organisation == ORG_A
    assert "secret attempt 123" not in repr(records)
    assert timedelta(0) <= world.clock.current - failed[0].at < timedelta(seconds=1)


def test_enrolment_secret_kept_within_one_login(world):
    world.activate("anna", ORG_A, {Role.GEBRUIKER})
    first_login = world.identity.login.verify_password("anna", PASSWORD)
    shown = world.identity.login.start_totp_enrolment(first_login.login_token)

    shown_again = world.identity.login.start_totp_enrolment(first_login.login_token)
    world.clock.advance(minutes=1)
    second_login = world.identity.login.verify_password("anna", PASSWORD)
    renewed = world.identity.login.start_totp_enrolment(second_login.login_token)

    assert shown_again == shown
    assert renewed.secret != shown.secret
    with pytest.raises(SessionExpired):
        world.identity.login.start_totp_enrolment("not a login token")
