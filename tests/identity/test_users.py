"""Managing accounts: who may create, change and disable whom, and password rules."""

from __future__ import annotations

import pytest

from core.errors import Conflict, InvalidRequest, NotAuthorised, NotFound
from core.identity.errors import LoginFailed, SessionExpired
from core.identity.login import NextStep
from core.identity.model import AuditEvent, AuditQuery, UserStatus
from core.principal import Action, Grant, Role
from tests.identity.world import OPERATOR, ORG_A, ORG_B, PASSWORD

WMO_SEND = Grant("wmo", Action.SEND)
WMO_RECEIVE = Grant("wmo", Action.RECEIVE)
WLZ_TOETS = Grant("wlz", Action.REGISTERTOETS)


@pytest.fixture
def admin(world):
    """A logged-in gebruikersbeheerder of ORG_A."""
    return world.principal("beheer", ORG_A, {Role.GEBRUIKERSBEHEERDER})


def test_admin_creates_colleague(world, admin):
    user = world.identity.users.create(admin, ORG_A, {Role.GEBRUIKER}, {WMO_SEND, WMO_RECEIVE},
                                       username="Carla", email="carla@example.nl")

    stored = world.store.get_user(user.id)
    assert stored.username == "carla"
    assert stored.status == UserStatus.INVITED
    assert stored.grants == frozenset({WMO_SEND, WMO_RECEIVE})
    assert stored.created_by == admin.describe()
    created = world.identity.audit.read(OPERATOR, AuditQuery(events=(AuditEvent.USER_CREATED,))).records[0]
    assert created.subject_user_id == user.id
    assert created.details["grants"] == ["wmo:receive", "wmo:send"]


def test_admin_grants_only_enrolled_services(world, admin):
    with pytest.raises(NotAuthorised) as raised:
        world.identity.users.create(admin, ORG_A, {Role.GEBRUIKER}, {WLZ_TOETS}, username="carla")

    assert raised.value.params["grants"] == ["wlz:registertoets"]
    assert world.store.find_user("carla") is None


def test_admin_cannot_grant_admin_role(world, admin):
    with pytest.raises(NotAuthorised):
        world.identity.users.create(admin, ORG_A, {Role.GEBRUIKERSBEHEERDER}, username="carla")


def test_admin_cannot_create_in_other_organisation(world, admin):
    with pytest.raises(NotAuthorised):
        world.identity.users.create(admin, ORG_B, {Role.GEBRUIKER}, username="carla")


def test_nobody_changes_own_rights(world, admin):
    with pytest.raises(NotAuthorised):
        world.identity.users.set_grants(admin, admin.user, {WMO_SEND})
    with pytest.raises(NotAuthorised):
        world.identity.users.set_roles(admin, admin.user, {Role.GEBRUIKERSBEHEERDER, Role.GEBRUIKER})
    with pytest.raises(NotAuthorised):
        world.identity.users.disable(admin, admin.user)


def test_operator_user_cannot_change_own_rights(world):
    operator = world.principal("ops", None, {Role.OPERATOR})

    with pytest.raises(NotAuthorised):
        world.identity.users.disable(operator, operator.user)


def test_admin_cannot_manage_other_admin(world, admin):
    other = world.activate("beheer2", ORG_A, {Role.GEBRUIKERSBEHEERDER})

    with pytest.raises(NotAuthorised):
        world.identity.users.disable(admin, other.id)
    with pytest.raises(NotAuthorised):
        world.identity.users.set_roles(admin, other.id, {Role.GEBRUIKER})


def test_admin_changes_colleague_access(world, admin):
    colleague = world.activate("carla", ORG_A, {Role.GEBRUIKER}, {WMO_SEND})

    world.identity.users.set_roles(admin, colleague.id, {Role.GEBRUIKER, Role.PRODUCTBEHEERDER})
    changed = world.identity.users.set_grants(admin, colleague.id, {WMO_RECEIVE, Grant("jw", Action.SEND)})

    assert world.store.get_user(colleague.id).roles == frozenset({Role.GEBRUIKER, Role.PRODUCTBEHEERDER})
    assert changed.grants == frozenset({WMO_RECEIVE, Grant("jw", Action.SEND)})
    events = [r.event for r in world.identity.audit.read(admin, AuditQuery(user_id=colleague.id)).records]
    assert events[:2] == [AuditEvent.GRANTS_CHANGED, AuditEvent.ROLES_CHANGED]


def test_admin_may_remove_grant_no_longer_enrolled(world, admin):
    colleague = world.activate("carla", ORG_A, {Role.GEBRUIKER}, {Grant("jw", Action.SEND), WMO_SEND})
    organisation = world.hub.get_organisation(ORG_A)
    organisation.enrolments = [e for e in organisation.enrolments if e.service != "jw"]
    world.hub.save_organisation(organisation)

    changed = world.identity.users.set_grants(admin, colleague.id, {WMO_SEND})

    assert changed.grants == frozenset({WMO_SEND})


def test_operator_appoints_admin_not_operator(world):
    admin = world.identity.users.create(OPERATOR, ORG_B, {Role.GEBRUIKERSBEHEERDER, Role.GEBRUIKER}, {WLZ_TOETS})

    assert admin.roles == frozenset({Role.GEBRUIKERSBEHEERDER, Role.GEBRUIKER})
    with pytest.raises(NotAuthorised):
        world.identity.users.create(OPERATOR, ORG_B, {Role.OPERATOR})
    with pytest.raises(NotAuthorised):
        world.identity.users.create(OPERATOR, None, {Role.GEBRUIKER})


def test_operator_creates_operator(world):
    operator = world.identity.users.create(OPERATOR, None, {Role.OPERATOR}, username="ops")

    assert operator.organisation is None
    with pytest.raises(NotAuthorised):
        world.identity.users.create(OPERATOR, None, {Role.OPERATOR}, {WMO_SEND}, username="ops2")


def test_unknown_organisation_not_found(world):
    with pytest.raises(NotFound):
        world.identity.users.create(OPERATOR, "9999", {Role.GEBRUIKER})


def test_username_taken_case_insensitive(world):
    world.identity.users.create(OPERATOR, ORG_A, {Role.GEBRUIKER}, username="carla")

    with pytest.raises(Conflict):
        world.identity.users.create(OPERATOR, ORG_B, {Role.GEBRUIKER}, username="CARLA")


@pytest.mark.parametrize("username", ["ab", "has space", "-starts-with-dash", "x" * 65, "naïve"])
def test_invalid_username_rejected(world, username):
    with pytest.raises(InvalidRequest):
        world.identity.users.create(OPERATOR, ORG_A, {Role.GEBRUIKER}, username=username)


def test_account_needs_a_role(world):
    with pytest.raises(InvalidRequest):
        world.identity.users.create(OPERATOR, ORG_A, set())


def test_admin_lists_own_organisation_only(world, admin):
    world.activate("carla", ORG_A, {Role.GEBRUIKER})
    world.activate("daan", ORG_B, {Role.GEBRUIKER})

    own = world.identity.users.list(admin)
    everyone = world.identity.users.list(OPERATOR)

    assert [u.username for u in own] == ["beheer", "carla"]
    assert [u.username for u in everyone] == ["beheer", "carla", "daan"]
    with pytest.raises(NotAuthorised):
        world.identity.users.list(admin, ORG_B)


def test_admin_cannot_see_other_organisation_user(world, admin):
    other = world.activate("daan", ORG_B, {Role.GEBRUIKER})

    with pytest.raises(NotFound):
        world.identity.users.get(admin, other.id)


def test_gebruiker_lists_no_accounts(world):
    gebruiker = world.principal("carla", ORG_A, {Role.GEBRUIKER}, {WMO_SEND})

    with pytest.raises(NotAuthorised):
        world.identity.users.list(gebruiker)
    assert world.identity.users.get(gebruiker, gebruiker.user).username == "carla"


def test_enable_returns_account_to_previous_state(world, admin):
    active = world.activate("carla", ORG_A, {Role.GEBRUIKER})
    invited = world.identity.users.create(admin, ORG_A, {Role.GEBRUIKER}, username="daan")
    for user in (active, invited):
        world.identity.users.disable(admin, user.id)

    assert world.identity.users.enable(admin, active.id).status == UserStatus.ACTIVE
    assert world.identity.users.enable(admin, invited.id).status == UserStatus.INVITED
    assert world.identity.login.verify_password("carla", PASSWORD).next_step == NextStep.ENROL_TOTP


def test_reset_second_factor_enrols_again(world, admin):
    colleague = world.activate("carla", ORG_A, {Role.GEBRUIKER})
    token = world.log_in("carla").session_token

    world.identity.users.reset_second_factor(admin, colleague.id)

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(token)
    assert world.store.get_totp(colleague.id) is None
    assert world.store.unused_recovery_codes(colleague.id) == 0
    assert world.identity.login.verify_password("carla", PASSWORD).next_step == NextStep.ENROL_TOTP


def test_change_own_password(world):
    world.activate("carla", ORG_A, {Role.GEBRUIKER})
    logged_in = world.log_in("carla")

    world.identity.users.change_password(logged_in.principal, PASSWORD, "a brand new passphrase")

    with pytest.raises(SessionExpired):
        world.identity.resolve_session(logged_in.session_token)
    with pytest.raises(LoginFailed):
        world.identity.login.verify_password("carla", PASSWORD)
    assert world.identity.login.verify_password("carla", "a brand new passphrase").next_step == NextStep.SECOND_FACTOR


def test_change_password_checks_current_and_rules(world):
    world.activate("carla", ORG_A, {Role.GEBRUIKER})
    principal = world.log_in("carla").principal

    with pytest.raises(LoginFailed):
        world.identity.users.change_password(principal, "wrong current pw", "a brand new passphrase")
    with pytest.raises(InvalidRequest) as short:
        world.identity.users.change_password(principal, PASSWORD, "too short")
    with pytest.raises(NotAuthorised):
        world.identity.users.change_password(OPERATOR, PASSWORD, "a brand new passphrase")

    assert short.value.params["rule"] == "min_length"
