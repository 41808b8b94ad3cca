"""Pgb through the ``ggk`` command on a real data folder, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.cli.main import _register_commands, cli
from tests.pgb.messages import GEMEENTE, SVB, Toekenning, bab, retour_on, sourceline, tkb


@pytest.fixture(scope="module", autouse=True)
def commands():
    _register_commands()


@pytest.fixture(params=["sqlite", "postgresql"])
def ggk(request, tmp_path, monkeypatch):
    """Return a function running ``ggk ARGS...`` on a fresh data folder, checking the exit code."""
    environ = {"GGK_DATA_DIR": str(tmp_path / "hub")}
    if request.param == "postgresql":
        environ["GGK_DATABASE_URL"] = request.getfixturevalue("pg_schema_url")
    for name in ("GGK_CONFIG", "GGK_DATABASE_URL", "GGK_PLUGINS_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str, expect: int | None = 0):
        result = runner.invoke(cli, list(args), env=environ, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output
        return result

    run("init")
    run("org", "add", "--gemeente", GEMEENTE, "--name", "Gemeente Amsterdam", "--dienst", "pgb")
    run("org", "add", "--ketenpartner", SVB, "--name", "Sociale Verzekeringsbank", "--dienst", "pgb",
        "--channel", "webservice")
    return run


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def send_json(ggk, sender: str, path: str, expect: int = 0) -> dict:
    [result] = json.loads(ggk("send", "--as", sender, path, "--json", expect=expect).output)
    return result


def test_org_add_enrols_for_pgb(ggk):
    organisation = json.loads(ggk("org", "show", SVB, "--json").output)

    assert organisation["kind"] == "ketenpartner"
    assert {e["service"] for e in organisation["enrolments"]} == {"pgb"}


def test_tkb_to_svb_and_retour_back(ggk, tmp_path):
    heen_data = tkb()
    heen = send_json(ggk, GEMEENTE, write(tmp_path, "tkb.xml", heen_data))
    inbox = json.loads(ggk("inbox", SVB, "--json").output)
    ggk("fetch", SVB, heen["message_id"], "-o", str(tmp_path / "ontvangen.xml"))

    retour = send_json(ggk, SVB, write(tmp_path, "retour.xml", retour_on(heen_data)))
    trace = json.loads(ggk("trace", heen["message_id"], "--json").output)

    assert heen["status"] == "accepted"
    assert heen["message_type"] == "PGB101"
    assert heen["recipient"] == SVB
    assert [m["message_id"] for m in inbox] == [heen["message_id"]]
    assert (tmp_path / "ontvangen.xml").read_bytes() == heen_data
    assert retour["recipient"] == GEMEENTE
    assert retour["heen_id"] == heen["message_id"]
    assert "retour_received" in [e["state"] for e in trace["events"]]


def test_bab_from_svb_and_retour_from_gemeente(ggk, tmp_path):
    heen_data = bab()

    heen = send_json(ggk, SVB, write(tmp_path, "bab.xml", heen_data))
    retour = send_json(ggk, GEMEENTE, write(tmp_path, "babretour.xml", retour_on(heen_data)))

    assert heen["recipient"] == GEMEENTE
    assert retour["recipient"] == SVB
    assert retour["heen_id"] == heen["message_id"]


def test_end_before_start_rejected_with_line(ggk, tmp_path):
    data = tkb(Toekenning(ingangsdatum="2027-06-01", einddatum="2027-05-01"))
    path = write(tmp_path, "tkb.xml", data)

    as_json = send_json(ggk, GEMEENTE, path, expect=1)
    as_text = ggk("send", "--as", GEMEENTE, path, expect=1).output

    assert as_json["status"] == "rejected"
    assert as_json["code"] == "GGK601"
    assert as_json["line"] == sourceline(data, "Einddatum")
    assert f"GGK601 (line {as_json['line']}" in as_text
    assert "Toekenning 1: Einddatum 2027-05-01 is before Ingangsdatum 2027-06-01" in as_text


def test_invalid_bsn_rejected(ggk, tmp_path):
    result = send_json(ggk, GEMEENTE, write(tmp_path, "tkb.xml", tkb(Toekenning(bsn="123456789"))), expect=1)

    assert result["code"] == "GGK602"


def test_gemeente_sending_bab_is_ib234(ggk, tmp_path):
    result = send_json(ggk, GEMEENTE, write(tmp_path, "bab.xml", bab()), expect=1)

    assert result["code"] == "IB234"


def test_freeze_of_tkb_is_ib103(ggk, tmp_path):
    path = write(tmp_path, "tkb.xml", tkb())
    ggk("freeze", "PGB101")

    frozen = send_json(ggk, GEMEENTE, path, expect=1)
    ggk("unfreeze", "PGB101")
    thawed = send_json(ggk, GEMEENTE, path)

    assert frozen["code"] == "IB103"
    assert thawed["status"] == "accepted"


def test_disabled_pgb_makes_tkb_unknown(ggk, tmp_path, monkeypatch):
    monkeypatch.setenv("GGK_PLUGINS_DISABLED", "pgb")
    path = write(tmp_path, "tkb.xml", tkb())

    result = send_json(ggk, GEMEENTE, path, expect=1)

    assert result["code"] == "GGK004"
