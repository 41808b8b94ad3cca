"""The ``ggk wlz`` commands on a real data folder, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from adapters.cli.main import _register_commands, cli
from core.plugins import PluginHost
from tests.wlz.builders import bsns, invalid_bsn, provisions_csv, register_csv

PEOPLE = bsns(3)


@pytest.fixture(scope="module", autouse=True)
def commands():
    _register_commands()
    PluginHost().load().add_cli_commands(cli)


@pytest.fixture
def ggk(tmp_path, database_url, monkeypatch):
    """Return a function running ``ggk ARGS...`` on a fresh hub with the Wlz partners and a gemeente."""
    environ = {"GGK_DATA_DIR": str(tmp_path / "hub"), "GGK_DATABASE_URL": database_url}
    monkeypatch.delenv("GGK_CONFIG", raising=False)
    runner = CliRunner()

    def run(*args: str, expect: int | None = 0):
        result = runner.invoke(cli, list(args), env=environ, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output + result.stderr
        return result

    run("init")
    run("org", "add", "--ketenpartner", "IB", "--name", "Inlichtingenbureau", "--dienst", "wlz")
    run("org", "add", "--ketenpartner", "CIZ", "--name", "CIZ", "--dienst", "wlz")
    run("org", "add", "--gemeente", "0363", "--name", "Gemeente A", "--dienst", "wlz", "--dienst", "wmo")
    return run


def register(tmp_path):
    return register_csv(tmp_path / "register.csv", [("B1", PEOPLE[0], "VV", "2026-01-01", None),
                                                    ("B2", PEOPLE[1], "GGZ", "2026-03-01", "2026-03-31")])


def test_import_twice_reports_once(ggk, tmp_path):
    path = register(tmp_path)

    first = json.loads(ggk("wlz", "import", str(path), "--as", "CIZ", "--json").output)
    second = json.loads(ggk("wlz", "import", str(path), "--json").output)

    assert first["added"] == 2
    assert first["already_imported"] is False
    assert first["signals"]["signals"] == 0
    assert second["already_imported"] is True
    assert second["added"] == 2
    text = ggk("wlz", "import", str(path)).output
    assert "was imported before" in text


def test_import_with_broken_rows_exits_two(ggk, tmp_path):
    path = register_csv(tmp_path / "broken.csv", [("B1", invalid_bsn(PEOPLE[0]), "VV", "2026-01-01", None)])

    result = ggk("wlz", "import", str(path), "--json", expect=2)

    report = json.loads(result.output)
    assert report["code"] == "WLZ004"
    assert report["errors"][0]["row"] == 1
    assert report["errors"][0]["field"] == "bsn"
    assert "WLZ004" in ggk("wlz", "import", str(path), expect=2).stderr


def test_toets_answers_and_audits(ggk, tmp_path):
    ggk("wlz", "import", str(register(tmp_path)))
    bsn_file = tmp_path / "bsns.txt"
    bsn_file.write_text(f"{PEOPLE[1]}\n{PEOPLE[2]}\n", encoding="utf-8")

    answer = json.loads(ggk("wlz", "toets", "--as", "0363", PEOPLE[0], "--file", str(bsn_file),
                            "--peildatum", "2026-03-15", "--json").output)
    audit = json.loads(ggk("wlz", "audit", "--json").output)

    assert [r["indicatie"] for r in answer["results"]] == [True, True, False]
    assert answer["results"][1]["perioden"] == [{"soort": "GGZ", "ingangsdatum": "2026-03-01",
                                                 "einddatum": "2026-03-31"}]
    assert [(a["organisation"], a["bsn_count"], a["peildatum"]) for a in audit] == [("0363", 3, "2026-03-15")]
    text = ggk("wlz", "toets", "--as", "0363", PEOPLE[0], "--peildatum", "2026-03-15").output
    assert text == f"{PEOPLE[0]}  ja  VV 2026-01-01 - open\n"


@pytest.mark.parametrize("arguments, code", [
    (["--as", "0363", "123456789"], "WLZ001"),
    (["--as", "0363", PEOPLE[0], "--peildatum", "15-03-2026"], "WLZ002"),
    (["--as", "0363"], "WLZ003"),
    (["--as", "0599", PEOPLE[0]], "GGK403"),  # an organisation the hub does not know
])
def test_toets_errors_carry_codes(ggk, arguments, code):
    result = ggk("wlz", "toets", *arguments, expect=None)

    assert result.exit_code in (1, 2)
    assert f"ggk: {code}:" in result.stderr


def test_provisions_and_signals_run(ggk, tmp_path):
    ggk("wlz", "import", str(register(tmp_path)))  # its own signal run finds no provisions yet
    rows = [{"bsn": PEOPLE[0], "wet": "WMO", "status": "LOPEND", "ingangsdatum": "2026-02-01"}]
    listed = json.loads(ggk("wlz", "provisions", "import", "--as", "0363",
                            str(provisions_csv(tmp_path / "lijst.csv", rows)), "--json").output)

    first = json.loads(ggk("wlz", "signals", "run", "--date", "2026-06-01", "--json").output)
    second = json.loads(ggk("wlz", "signals", "run", "--date", "2026-06-01", "--json").output)
    inbox = json.loads(ggk("inbox", "0363", "--dienst", "wlz", "--json").output)

    assert listed == {"gemeente": "0363", "rows": 1, "replaced": 0}
    assert first["by_gemeente"] == {"0363": 1}
    assert first["messages"] == 1
    assert second["signals"] == 0
    assert [(m["message_type"], m["sender"]) for m in inbox] == [("WLZSIGNAAL", "IB")]
