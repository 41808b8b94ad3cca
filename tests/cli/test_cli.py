"""The ggk command line on a real data folder, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from adapters.cli.main import _register_commands, cli


@pytest.fixture(scope="module", autouse=True)
def commands():
    _register_commands()


@pytest.fixture(params=["sqlite", "postgresql"])
def ggk(request, tmp_path, monkeypatch):
    """Return a function running ``ggk --data-dir DIR ARGS...`` and its result."""
    environ = {"GGK_DATA_DIR": str(tmp_path / "hub")}
    if request.param == "postgresql":
        environ["GGK_DATABASE_URL"] = request.getfixturevalue("pg_schema_url")
    for name in ("GGK_CONFIG", "GGK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str, expect: int | None = 0):
        result = runner.invoke(cli, list(args), env=environ, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output + (result.stderr if result.stderr_bytes else "")
        return result

    run("init")
    return run


@pytest.fixture
def ijw(reference_data) -> Path:
    return reference_data / "istandaarden" / "ijw" / "3.2"


def prepare(ggk, ijw: Path) -> None:
    ggk("schemas", "import", str(ijw / "xsd"))
    ggk("org", "add", "--gemeente", "0384", "--name", "Gemeente A", "--dienst", "jw")
    ggk("org", "add", "--aanbieder", "42420001", "--name", "Aanbieder B", "--dienst", "jw", "--channel", "filedrop")


def test_send_inbox_fetch_trace(ggk, ijw, tmp_path):
    prepare(ggk, ijw)

    sent = json.loads(ggk("send", "--as", "0384", str(ijw / "berichten" / "JW301.xml"), "--json").output)
    message_id = sent[0]["message_id"]
    inbox = json.loads(ggk("inbox", "42420001", "--json").output)
    ggk("fetch", "42420001", message_id, "-o", str(tmp_path / "out.xml"))
    trace = json.loads(ggk("trace", message_id, "--json").output)

    assert sent[0]["status"] == "accepted"
    assert sent[0]["code"] is None
    assert [m["message_id"] for m in inbox] == [message_id]
    assert (tmp_path / "out.xml").read_bytes() == (ijw / "berichten" / "JW301.xml").read_bytes()
    assert [e["state"] for e in trace["events"]][-1] == "downloaded"
    assert trace["message"]["downloaded_at"] is not None


def test_send_reports_rejection_with_exit_one(ggk, ijw, tmp_path):
    prepare(ggk, ijw)
    document = etree.parse(str(ijw / "berichten" / "JW301.xml"))
    document.find(".//{*}Geslacht").text = "7"
    invalid = tmp_path / "invalid.xml"
    document.write(str(invalid), xml_declaration=True, encoding="UTF-8")

    result = ggk("send", "--as", "0384", str(ijw / "berichten" / "JW301.xml"), str(invalid), "--json", expect=1)
    outcomes = json.loads(result.output)

    assert [o["status"] for o in outcomes] == ["accepted", "rejected"]
    assert outcomes[1]["code"] == "StUF055"
    assert outcomes[1]["line"] == document.find(".//{*}Geslacht").sourceline
    assert outcomes[1]["explanation"].startswith("Het bestand voldoet niet")


def test_send_usage_errors_exit_two(ggk, tmp_path):
    assert ggk("send", "--as", "0384", str(tmp_path / "absent.xml"), expect=2).exit_code == 2
    assert ggk("send", str(tmp_path), expect=2).exit_code == 2


def test_duplicate_send_is_ib216(ggk, ijw):
    prepare(ggk, ijw)
    ggk("send", "--as", "0384", str(ijw / "berichten" / "JW301.xml"))

    result = json.loads(ggk("send", "--as", "0384", str(ijw / "berichten" / "JW301.xml"), "--json", expect=1).output)

    assert result[0]["code"] == "IB216"


def test_freeze_and_unfreeze(ggk, ijw):
    prepare(ggk, ijw)
    ggk("freeze", "JW301")

    frozen = json.loads(ggk("send", "--as", "0384", str(ijw / "berichten" / "JW301.xml"), "--json", expect=1).output)
    ggk("unfreeze", "JW301")
    thawed = json.loads(ggk("send", "--as", "0384", str(ijw / "berichten" / "JW301.xml"), "--json").output)

    assert frozen[0]["code"] == "IB103"
    assert thawed[0]["status"] == "accepted"


def test_freeze_rejects_unknown_type_and_past_time(ggk):
    assert "unknown message type" in ggk("freeze", "XX999", expect=2).output
    assert ggk("freeze", "JW301", "--until", "2001-01-01T00:00", expect=2).exit_code == 2
    assert ggk("freeze", "JW301", "--until", "tomorrow", expect=2).exit_code == 2


def test_org_add_validates_codes(ggk):
    assert "4 digits" in ggk("org", "add", "--gemeente", "384", "--name", "X", "--dienst", "jw", expect=2).output
    assert "unknown service" in ggk("org", "add", "--gemeente", "0384", "--name", "X", "--dienst", "zzz", expect=2).output
    assert ggk("org", "add", "--name", "X", "--dienst", "jw", expect=2).exit_code == 2


def test_schemas_list_shows_active_sets(ggk, ijw):
    ggk("schemas", "import", str(ijw / "xsd"))
    second = json.loads(ggk("schemas", "import", str(ijw / "xsd"), "--json").output)

    listing = json.loads(ggk("schemas", "list", "--json").output)

    assert len(listing["schema_sets"]) == 2
    assert {a["schema_set_id"] for a in listing["active"]} == {second["schema_set_id"]}
    assert len(listing["history"]) == 2 * len(second["namespaces"])


def test_config_show_names_sources(ggk):
    rows = {row["setting"]: row for row in json.loads(ggk("config", "show", "--json").output)}

    assert rows["ingest.max_size"]["value"] == "26214400"
    assert rows["ingest.max_size"]["source"] == "default"


def test_wrong_setting_stops_with_its_name(tmp_path):
    (tmp_path / "ggk.toml").write_text("[ingest]\nmax_size = \"big\"\n")

    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "config", "show"])

    assert result.exit_code == 2
    assert "ingest.max_size" in result.output
    assert str(tmp_path / "ggk.toml") in result.output


def test_commands_before_init_say_so(tmp_path):
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "new"), "inbox", "0384"])

    assert result.exit_code == 2
    assert "init" in result.output


def test_demo_with_schemas_links_retour(tmp_path, ijw):
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "demo"), "--schemas", str(ijw / "xsd"), "--json"],
                                env={"GGK_DATABASE_URL": None})
    report = json.loads(result.output)

    assert result.exit_code == 0, result.output
    assert report["heen"]["status"] == "accepted"
    assert report["retour"]["heen_id"] == report["heen"]["message_id"]
    assert report["trace"]["retour"]["message_id"] == report["retour"]["message_id"]


def test_demo_without_schemas_says_header_only(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "demo")], env={"GGK_DATABASE_URL": None})

    assert result.exit_code == 0, result.output
    assert "NIET tegen de XSD" in result.output


def test_filedrop_once_moves_a_file_through(ggk, ijw, tmp_path):
    prepare(ggk, ijw)
    ggk("org", "enrol", "0384", "--dienst", "jw", "--channel", "filedrop")
    ggk("filedrop", "--once")
    outbox = tmp_path / "hub" / "filedrop" / "0384" / "uit"
    (outbox / "JW301.xml").write_bytes((ijw / "berichten" / "JW301.xml").read_bytes())
    old = time.time() - 60  # settled long ago
    os.utime(outbox / "JW301.xml", (old, old))

    report = json.loads(ggk("filedrop", "--once", "--json").output)

    assert report["accepted"] == 1
    assert report["delivered"] == 1
    assert (tmp_path / "hub" / "filedrop" / "0384" / "verzonden" / "JW301.xml").exists()
    assert len(list((tmp_path / "hub" / "filedrop" / "42420001" / "in").glob("JW301_*.xml"))) == 1


def test_demo_prints_operator_who_can_log_in(tmp_path):
    import pyotp

    from config.container import build_container
    from config.settings import load_settings

    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "demo"), "--json"], env={"GGK_DATABASE_URL": None})
    operator = json.loads(result.output)["operator"]
    identity = build_container(load_settings(tmp_path / "demo", environ={})).identity()

    started = identity.login.verify_password(operator["username"], operator["password"])
    logged_in = identity.login.verify_second_factor(started.login_token, pyotp.TOTP(operator["totp_secret"]).now())

    assert started.next_step == "second_factor"
    assert logged_in.principal.is_operator


def test_demo_refuses_a_folder_with_a_real_hub(ggk, tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "hub")], env={"GGK_DATABASE_URL": None})

    assert result.exit_code == 2
    assert "not empty" in result.output


def test_inbox_of_unknown_organisation_is_an_error(ggk):
    result = ggk("inbox", "9999", expect=1)

    assert "GGK404" in result.output
