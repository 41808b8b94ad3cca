"""Authorisation matrix: every kind of principal against every action, in its own and another organisation.

Each cell runs the real use case on a fresh in-memory hub and asserts that it either
succeeds or raises NotAuthorised (NotFound where the use case hides what exists).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from core import authz
from core.errors import NotAuthorised, NotFound
from core.identity.model import AuditQuery
from core.mailbox import MailboxService
from core.model import Channel, OrgKind
from core.principal import Action, Grant, Principal, Role
from tests.identity.world import OPERATOR, ORG_A, ORG_B, World
from tests.storage.support import acceptance, message

GEBRUIKER_GRANTS = {Grant("wmo", Action.SEND), Grant("wmo", Action.RECEIVE), Grant("wlz", Action.REGISTERTOETS)}
ACTORS = ("operator", "operator_cli", "admin", "productbeheerder", "gebruiker", "software", "anonymous")

# One row per action; per actor in ACTORS order two letters: own organisation (A), other (B). Y allowed, N denied.
MATRIX = {
    "list_users":          "YY YY YN NN NN NN NN",
    "create_gebruiker":    "YY YY YN NN NN NN NN",
    "create_admin":        "YY YY NN NN NN NN NN",
    "grant_service":       "YY YY YN NN NN NN NN",
    "grant_admin_role":    "YY YY NN NN NN NN NN",
    "disable_user":        "YY YY YN NN NN NN NN",
    "reset_second_factor": "YY YY YN NN NN NN NN",
    "invite":              "YY YY YN NN NN NN NN",
    "read_audit":          "YY YY YN NN NN NN NN",
    "upload_wmo":          "YY YY NN NN YN YN NN",
    "download_wmo":        "YY YY NN NN YN YN NN",
    "download_jw":         "YY YY NN NN NN YN NN",
    "registertoets_wlz":   "YY YY NN NN YN YN NN",
    "enrol_organisation":  "YY YY NN NN NN NN NN",
    "approve_signup":      "YY YY NN NN NN NN NN",
    "submit_signup":       "YY YY YY YY YY YY YY",
}


@dataclass
class Scene:
    world: World
    mailbox: MailboxService
    gebruikers: dict[str, str]  # organisation -> id of a plain gebruiker there
    messages: dict[tuple[str, str], str]  # (organisation, service) -> id of a message delivered to it


def build_scene(world: World, tmp_payloads) -> Scene:
    world.organisations.add(OPERATOR, OrgKind.GEMEENTE, ORG_A, "Gemeente A", ["wmo", "jw", "wlz"], [Channel.PORTAL])
    world.organisations.add(OPERATOR, OrgKind.GEMEENTE, ORG_B, "Gemeente B", ["wmo", "jw", "wlz"], [Channel.PORTAL])
    gebruikers = {org: world.activate(f"target.{org}", org, {Role.GEBRUIKER}).id for org in (ORG_A, ORG_B)}
    messages = {}
    for org in (ORG_A, ORG_B):
        for service in ("wmo", "jw"):
            item = message(recipient=org, sender="42420001", service=service, identificatie=uuid.uuid4().hex[:12])
            world.hub.accept([acceptance(tmp_payloads, item)])
            messages[(org, service)] = item.id
        world.identity.audit.record_upload(OPERATOR, str(uuid.uuid4()), org, "wmo")
    mailbox = MailboxService(world.hub, tmp_payloads, world.clock)
    return Scene(world, mailbox, gebruikers, messages)


def actor(scene: Scene, name: str) -> Principal:
    world = scene.world
    if name == "operator":
        return world.principal("ops", None, {Role.OPERATOR})
    if name == "operator_cli":
        return OPERATOR
    if name == "admin":
        return world.principal("beheer", ORG_A, {Role.GEBRUIKERSBEHEERDER})
    if name == "productbeheerder":
        return world.principal("product", ORG_A, {Role.PRODUCTBEHEERDER})
    if name == "gebruiker":
        return world.principal("gebruiker", ORG_A, {Role.GEBRUIKER}, GEBRUIKER_GRANTS)
    if name == "software":
        return Principal.organisation_software(ORG_A, Channel.WEBSERVICE)
    return Principal(channel=Channel.PORTAL)


def read_audit(scene: Scene, principal: Principal, org: str) -> None:
    records = scene.world.identity.audit.read(principal, AuditQuery(organisation=org)).records
    if not any(r.organisation == org for r in records):
        raise NotAuthorised(f"no audit records of {org} visible")


def submit_signup(scene: Scene, principal: Principal) -> None:
    code = f"{uuid.uuid4().int % 10000:04d}"
    scene.world.identity.signups.submit(principal, OrgKind.GEMEENTE, code, "Gemeente", ["wmo"], [Channel.PORTAL],
                                        "Contact", "contact@example.nl", f"beheer.{code}")


def approve_signup(scene: Scene, principal: Principal) -> None:
    application = scene.world.identity.signups.submit(
        Principal(channel=Channel.PORTAL), OrgKind.GEMEENTE, "0518", "Gemeente C", ["wmo"], [Channel.PORTAL],
        "Contact", "contact@example.nl", "beheer.0518")
    scene.world.identity.signups.approve(principal, application.id)


ACTIONS: dict[str, Callable[[Scene, Principal, str], object]] = {
    "list_users": lambda s, p, org: s.world.identity.users.list(p, org),
    "create_gebruiker": lambda s, p, org: s.world.identity.users.create(p, org, {Role.GEBRUIKER}),
    "create_admin": lambda s, p, org: s.world.identity.users.create(p, org, {Role.GEBRUIKERSBEHEERDER}),
    "grant_service": lambda s, p, org: s.world.identity.users.set_grants(
        p, s.gebruikers[org], {Grant("wmo", Action.SEND)}),
    "grant_admin_role": lambda s, p, org: s.world.identity.users.set_roles(
        p, s.gebruikers[org], {Role.GEBRUIKER, Role.GEBRUIKERSBEHEERDER}),
    "disable_user": lambda s, p, org: s.world.identity.users.disable(p, s.gebruikers[org]),
    "reset_second_factor": lambda s, p, org: s.world.identity.users.reset_second_factor(p, s.gebruikers[org]),
    "invite": lambda s, p, org: s.world.identity.invitations.invite(p, org, {Role.GEBRUIKER}),
    "read_audit": read_audit,
    "upload_wmo": lambda s, p, org: authz.require_act_for(p, org, "wmo", Action.SEND),
    "download_wmo": lambda s, p, org: s.mailbox.fetch(p, s.messages[(org, "wmo")]),
    "download_jw": lambda s, p, org: s.mailbox.fetch(p, s.messages[(org, "jw")]),
    "registertoets_wlz": lambda s, p, org: authz.require_act_for(p, org, "wlz", Action.REGISTERTOETS),
    "enrol_organisation": lambda s, p, org: s.world.organisations.enrol(p, org, ["pgb"], [Channel.PORTAL]),
    "approve_signup": lambda s, p, org: approve_signup(s, p),
    "submit_signup": lambda s, p, org: submit_signup(s, p),
}


def cells():
    for action, row in MATRIX.items():
        pairs = row.split()
        assert len(pairs) == len(ACTORS), action
        for name, pair in zip(ACTORS, pairs):
            for target, letter in (("own", pair[0]), ("other", pair[1])):
                yield pytest.param(action, name, target, letter == "Y", id=f"{action}-{name}-{target}")


def test_matrix_covers_every_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize("action,actor_name,target,allowed", list(cells()))
def test_authorisation_cell(memory_world, action, actor_name, target, allowed):
    scene = build_scene(memory_world, memory_world.payloads)
    principal = actor(scene, actor_name)
    org = ORG_A if target == "own" else ORG_B

    if allowed:
        ACTIONS[action](scene, principal, org)
    else:
        with pytest.raises((NotAuthorised, NotFound)):
            ACTIONS[action](scene, principal, org)
