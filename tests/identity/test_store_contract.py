"""The IdentityStore contract, run against the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from core.errors import Conflict
from core.identity.model import (
    AuditEvent, AuditQuery, AuditRecord, Invitation, Session, SessionStage, SignupApplication, SignupStatus,
    TotpEnrolment, User, UserStatus,
)
from core.model import Channel, OrgKind
from core.principal import Action, Grant, Role
from tests.identity.world import ORG_A, ORG_B

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def user(username: str | None, organisation: str | None = ORG_A, **fields) -> User:
    values = dict(id=str(uuid.uuid4()), username=username, organisation=organisation,
                  roles=frozenset({Role.GEBRUIKER}), status=UserStatus.ACTIVE, created_at=T0, created_by="test")
    values.update(fields)
    return User(**values)


@pytest.fixture
def store(world):
    return world.store


def test_user_round_trip(store):
    original = user("carla", roles=frozenset({Role.GEBRUIKER, Role.PRODUCTBEHEERDER}),
                    grants=frozenset({Grant("wmo", Action.SEND), Grant("jw", Action.RECEIVE)}), email="c@example.nl")

    store.add_user(original)

    assert store.get_user(original.id) == original
    assert store.find_user("carla") == original
    assert store.find_user("nobody") is None
    assert store.get_user(str(uuid.uuid4())) is None


def test_save_user_replaces_access(store):
    original = user("carla", grants=frozenset({Grant("wmo", Action.SEND)}))
    store.add_user(original)

    original.roles = frozenset({Role.GEBRUIKERSBEHEERDER})
    original.grants = frozenset({Grant("jw", Action.SEND)})
    original.status = UserStatus.DISABLED
    store.save_user(original)

    assert store.get_user(original.id) == original


def test_username_unique(store):
    store.add_user(user("carla"))
    other = user(None)
    store.add_user(other)

    with pytest.raises(Conflict):
        store.add_user(user("carla", organisation=ORG_B))
    other.username = "carla"
    with pytest.raises(Conflict):
        store.save_user(other)
    assert store.get_user(other.id).username is None


def test_list_users_by_organisation(store):
    for name, org in (("daan", ORG_A), (None, ORG_A), ("bram", ORG_B), ("anna", ORG_A), ("ops", None)):
        store.add_user(user(name, organisation=org))

    assert [u.username for u in store.list_users(ORG_A)] == ["anna", "daan", None]
    assert [u.username for u in store.list_users()] == ["anna", "bram", "daan", "ops", None]


def test_password_hash_replaced(store):
    carla = user("carla")
    store.add_user(carla)

    assert store.password_hash(carla.id) is None
    store.set_password_hash(carla.id, "$argon2id$first")
    store.set_password_hash(carla.id, "$argon2id$second")
    assert store.password_hash(carla.id) == "$argon2id$second"


def test_totp_steps_only_move_forward(store):
    carla = user("carla")
    store.add_user(carla)
    store.set_totp(TotpEnrolment(carla.id, b"\x01sealed", T0))

    assert store.use_totp_step(carla.id, 100) is True
    assert store.use_totp_step(carla.id, 100) is False
    assert store.use_totp_step(carla.id, 99) is False
    assert store.use_totp_step(carla.id, 101) is True
    assert store.use_totp_step(str(uuid.uuid4()), 5) is False
    assert store.get_totp(carla.id).last_step == 101


def test_totp_confirmed_once(store):
    carla = user("carla")
    store.add_user(carla)
    store.set_totp(TotpEnrolment(carla.id, b"\x01sealed", T0))

    assert store.confirm_totp(carla.id, T0 + timedelta(seconds=5), 7) is True
    assert store.confirm_totp(carla.id, T0 + timedelta(seconds=9), 8) is False
    assert store.get_totp(carla.id) == TotpEnrolment(carla.id, b"\x01sealed", T0, T0 + timedelta(seconds=5), 7)


def test_recovery_codes_used_once(store):
    carla = user("carla")
    store.add_user(carla)
    store.set_totp(TotpEnrolment(carla.id, b"\x01sealed", T0))
    store.replace_recovery_codes(carla.id, ["a" * 64, "b" * 64], T0)

    assert store.use_recovery_code(carla.id, "a" * 64, T0) is True
    assert store.use_recovery_code(carla.id, "a" * 64, T0) is False
    assert store.use_recovery_code(carla.id, "c" * 64, T0) is False
    assert store.unused_recovery_codes(carla.id) == 1
    store.replace_recovery_codes(carla.id, ["d" * 64], T0)
    assert store.use_recovery_code(carla.id, "b" * 64, T0) is False
    store.delete_totp(carla.id)
    assert store.unused_recovery_codes(carla.id) == 0
    assert store.get_totp(carla.id) is None


def test_sessions(store):
    carla, daan = user("carla"), user("daan")
    store.add_user(carla)
    store.add_user(daan)
    sessions = [Session("1" * 64, carla.id, SessionStage.ACTIVE, T0, T0),
                Session("2" * 64, carla.id, SessionStage.PASSWORD_VERIFIED, T0, T0),
                Session("3" * 64, daan.id, SessionStage.ACTIVE, T0 - timedelta(hours=9), T0)]
    for session in sessions:
        store.add_session(session)

    store.touch_session("1" * 64, T0 + timedelta(minutes=3))
    store.touch_session("9" * 64, T0)  # unknown: no error

    assert store.get_session("1" * 64).last_seen_at == T0 + timedelta(minutes=3)
    assert store.delete_sessions_before(T0 - timedelta(hours=8), T0 - timedelta(minutes=15)) == 1
    assert store.get_session("3" * 64) is None
    assert store.delete_user_sessions(carla.id) == 2
    assert store.delete_session("1" * 64) is False


def test_failed_logins_counted_per_window(store):
    window = timedelta(minutes=15)

    assert store.record_failed_login("k" * 64, T0, window).failures == 1
    assert store.record_failed_login("k" * 64, T0 + timedelta(minutes=10), window).failures == 2
    store.lock_login("k" * 64, T0 + timedelta(minutes=30))
    restarted = store.record_failed_login("k" * 64, T0 + timedelta(minutes=16), window)

    assert restarted.failures == 1
    assert restarted.window_start == T0 + timedelta(minutes=16)
    assert restarted.locked_until == T0 + timedelta(minutes=30)
    assert store.login_throttle("k" * 64) == restarted
    assert store.delete_throttles_before(T0 + timedelta(minutes=20)) == 0
    assert store.delete_throttles_before(T0 + timedelta(minutes=31)) == 1
    store.record_failed_login("k" * 64, T0, window)
    store.clear_failed_logins("k" * 64)
    store.clear_failed_logins("k" * 64)
    assert store.login_throttle("k" * 64) is None


def test_invitations_used_once(store):
    carla = user("carla")
    store.add_user(carla)
    first = Invitation("1" * 64, carla.id, T0, T0 + timedelta(hours=72), "operator@-/cli")
    second = Invitation("2" * 64, carla.id, T0, T0 + timedelta(hours=72), "operator@-/cli")
    store.add_invitation(first)
    store.add_invitation(second)

    assert store.use_invitation("1" * 64, T0) is True
    assert store.use_invitation("1" * 64, T0) is False
    assert store.get_invitation("1" * 64).used_at == T0
    assert store.revoke_invitations(carla.id) == 1
    assert store.get_invitation("2" * 64) is None
    assert store.get_invitation("1" * 64) is not None


def test_signups_decided_once(store):
    applications = [
        SignupApplication(str(uuid.uuid4()), T0 + timedelta(minutes=i), OrgKind.GEMEENTE, f"05{i}0", "Gemeente",
                          ("wmo",), (Channel.PORTAL, Channel.FILEDROP), "Contact", "c@example.nl", "beheer")
        for i in range(3)
    ]
    for application in reversed(applications):
        store.add_signup(application)
    decided = applications[1]
    decided.status, decided.decided_at, decided.decided_by = SignupStatus.REJECTED, T0, "operator@-/cli"
    decided.reason = "unknown gemeente"

    assert store.decide_signup(decided) is True
    assert store.decide_signup(decided) is False
    store.set_signup_user(decided.id, "user-1")
    assert store.get_signup(decided.id).reason == "unknown gemeente"
    assert store.get_signup(decided.id).user_id == "user-1"
    assert [a.id for a in store.list_signups(SignupStatus.PENDING)] == [applications[0].id, applications[2].id]
    assert [a.id for a in store.list_signups()] == [a.id for a in applications]
    assert store.get_signup(applications[0].id).channels == (Channel.PORTAL, Channel.FILEDROP)


def test_audit_ids_grow_and_filter(store):
    ids = [store.add_audit(AuditRecord(T0 + timedelta(seconds=i), AuditEvent.MESSAGE_UPLOADED, "org@0384/webservice",
                                       organisation=ORG_A if i % 2 else ORG_B, message_id=f"m{i}",
                                       details={"service": "wmo", "n": i}))
           for i in range(6)]

    everything = store.list_audit(AuditQuery())
    page = store.list_audit(AuditQuery(organisation=ORG_A, before_id=ids[5], limit=1))
    timed = store.list_audit(AuditQuery(since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=4)))

    assert ids == sorted(ids)
    assert len(set(ids)) == 6
    assert [r.id for r in everything] == list(reversed(ids))
    assert everything[0].details == {"service": "wmo", "n": 5}
    assert [r.message_id for r in page] == ["m3"]
    assert [r.message_id for r in timed] == ["m3", "m2"]
    assert store.list_audit(AuditQuery(message_id="m4"))[0].organisation == ORG_B


def test_one_winner_per_totp_step_and_invitation(store):
    carla = user("carla")
    store.add_user(carla)
    store.set_totp(TotpEnrolment(carla.id, b"\x01sealed", T0))
    store.add_invitation(Invitation("1" * 64, carla.id, T0, T0 + timedelta(hours=1), "test"))
    results: dict[str, list[bool]] = {"step": [], "invitation": []}
    barrier = threading.Barrier(6)

    def race() -> None:
        barrier.wait()
        results["step"].append(store.use_totp_step(carla.id, 42))
        results["invitation"].append(store.use_invitation("1" * 64, T0))

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results["step"]) == [False] * 5 + [True]
    assert sorted(results["invitation"]) == [False] * 5 + [True]


def test_audit_batch_keeps_order(store):
    batch = [AuditRecord(T0, AuditEvent.MESSAGE_UPLOADED, "org@0384/filedrop", organisation=ORG_A, message_id=f"m{i}")
             for i in range(3)]

    ids = store.add_audits(batch)

    assert ids == sorted(ids)
    assert [r.message_id for r in store.list_audit(AuditQuery())] == ["m2", "m1", "m0"]
    assert store.add_audits([]) == []


def test_concurrent_failures_all_counted(store):
    barrier = threading.Barrier(8)

    def fail() -> None:
        barrier.wait()
        store.record_failed_login("k" * 64, T0, timedelta(minutes=15))

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.login_throttle("k" * 64).failures == 8
