"""The ``ggk user`` commands on a migrated SQLite hub, with the identity use cases built directly."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner
from structlog.testing import capture_logs

from adapters.cli import commands_users
from adapters.cli.context import CliContext
from adapters.cli.main import GgkGroup
from adapters.storage.identity_store import SqlIdentityStore
from core.identity.login import NextStep
from core.identity.sealing import AesGcmSecretBox
from core.identity.service import Identity
from core.model import Channel, OrgKind
from core.organisations import OrganisationService
from tests.fakes import FixedClock
from tests.identity.conftest import FAST
from tests.identity.world import KNOWN_SERVICES, OPERATOR, ORG_A, PASSWORD
from tests.storage.support import build_sql_store


@pytest.fixture
def hub(tmp_path: Path, sqlite_url: str):
    env = build_sql_store(sqlite_url, tmp_path / "payloads")
    OrganisationService(env.store, set(KNOWN_SERVICES)).add(
        OPERATOR, OrgKind.GEMEENTE, ORG_A, "Gemeente A", ["wmo", "jw"], [Channel.PORTAL])
    identity = Identity(SqlIdentityStore(env.engine), env.store, set(KNOWN_SERVICES), FixedClock(),
                        AesGcmSecretBox(os.urandom(32)), FAST)
    yield identity
    env.engine.dispose()


@pytest.fixture
def ggk(hub, tmp_path):
    """Run ``ggk`` with the user commands against the test hub; return (exit code, output, error output)."""
    context = CliContext(str(tmp_path), None, _container=SimpleNamespace(identity=lambda: hub))

    @click.group(cls=GgkGroup)
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = context

    commands_users.register(root)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        with capture_logs():  # keeps log lines out of the output that --json promises to be JSON
            result = runner.invoke(root, list(args), input=stdin)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_add_prints_one_time_link(ggk, hub):
    code, out, _err = ggk("user", "add", "carla", "--organisation", ORG_A, "--role", "gebruiker",
                          "--grant", "wmo:send", "--grant", "WMO:receive")

    assert code == 0
    assert "https://ggk.example.nl/invitations/" in out
    token = out.split("/invitations/")[1].split()[0]
    assert hub.invitations.view(token).username == "carla"
    assert {f"{g.service}:{g.action.value}" for g in hub.users.find(OPERATOR, "carla").grants} == {"wmo:send", "wmo:receive"}


def test_add_with_password_from_stdin(ggk, hub):
    code, out, _err = ggk("user", "add", "ops", "--operator", "--password-stdin", "--json", stdin=PASSWORD + "\n")

    shown = json.loads(out)
    assert code == 0
    assert shown["status"] == "active"
    assert shown["roles"] == ["operator"]
    assert shown["organisation"] is None
    assert hub.login.verify_password("ops", PASSWORD).next_step == NextStep.ENROL_TOTP


def test_add_json_carries_link(ggk):
    code, out, _err = ggk("user", "add", "carla", "--organisation", ORG_A, "--role", "gebruikersbeheerder", "--json")

    shown = json.loads(out)
    assert code == 0
    assert shown["status"] == "invited"
    assert shown["link"].startswith("https://ggk.example.nl/invitations/")
    assert shown["mailed"] is False


@pytest.mark.parametrize("args,message", [
    (["--role", "gebruiker"], "either --organisation CODE or --operator"),
    (["--operator", "--organisation", ORG_A], "either --organisation CODE or --operator"),
    (["--organisation", ORG_A], "at least one --role"),
    (["--operator", "--role", "gebruiker"], "takes no --role"),
    (["--organisation", ORG_A, "--role", "gebruiker", "--grant", "wmo"], "is not SERVICE:ACTION"),
    (["--organisation", ORG_A, "--role", "gebruiker", "--grant", "wmo:delete"], "unknown action"),
])
def test_add_rejects_wrong_options(ggk, args, message):
    code, _out, err = ggk("user", "add", "carla", *args)

    assert code == 2
    assert message in err


def test_add_reports_core_errors(ggk):
    ggk("user", "add", "carla", "--organisation", ORG_A, "--role", "gebruiker")

    taken_code, _out, taken_err = ggk("user", "add", "CARLA", "--organisation", ORG_A, "--role", "gebruiker")
    weak_code, _out, weak_err = ggk("user", "add", "daan", "--organisation", ORG_A, "--role", "gebruiker",
                                    "--password-stdin", stdin="short\n")
    grant_code, _out, grant_err = ggk("user", "add", "eva", "--organisation", ORG_A, "--role", "gebruiker",
                                      "--grant", "wlz:registertoets")

    assert (taken_code, taken_err.split(":")[1].strip()) == (1, "GGK409")
    assert (weak_code, weak_err.split(":")[1].strip()) == (2, "GGK400")
    assert (grant_code, grant_err.split(":")[1].strip()) == (1, "GGK403")


def test_list_disable_enable(ggk):
    ggk("user", "add", "carla", "--organisation", ORG_A, "--role", "gebruiker", "--password-stdin",
        stdin=PASSWORD + "\n")
    ggk("user", "add", "ops", "--operator")

    disabled_code, disabled_out, _err = ggk("user", "disable", "Carla", "--json")
    _code, listed, _err = ggk("user", "list", "--json")
    _code, text, _err = ggk("user", "list", "--organisation", ORG_A)
    enabled_code, enabled_out, _err = ggk("user", "enable", "carla")

    assert disabled_code == 0
    assert json.loads(disabled_out)["status"] == "disabled"
    assert [(u["username"], u["status"]) for u in json.loads(listed)] == [("carla", "disabled"), ("ops", "invited")]
    assert text.strip() == f"carla  {ORG_A}  disabled  gebruiker  -"
    assert enabled_code == 0
    assert "active" in enabled_out


def test_link_and_reset_totp(ggk, hub):
    ggk("user", "add", "carla", "--organisation", ORG_A, "--role", "gebruiker")

    code, out, _err = ggk("user", "link", "carla", "--json")
    token = json.loads(out)["link"].rsplit("/", 1)[1]
    hub.invitations.accept(token, PASSWORD)
    reset_code, _out, _err = ggk("user", "reset-totp", "carla")
    missing_code, _out, missing_err = ggk("user", "disable", "nobody")

    assert code == 0
    assert reset_code == 0
    assert hub.login.verify_password("carla", PASSWORD).next_step == NextStep.ENROL_TOTP
    assert missing_code == 1
    assert "GGK404" in missing_err
