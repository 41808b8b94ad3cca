"""``ggk cpa ...`` and ``ggk digikoppeling ...`` on a real data folder, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from adapters.cli import commands_cpa
from adapters.cli.main import _register_commands, cli
from tests.cpa.certificates import TestCa
from tests.cpa.reference import cpa_path, require_digikoppeling

HUB_OIN = "00000000000000000001"  # the second party of every reference CPA
PARTY_OIN = "00000000000000000000"
SHA1 = {"sha1_signature", "sha1_digest"}
# (CPAId, the warnings that block activation): each file declares rsa-sha1, SSL 3.0 or plain HTTP somewhere.
REFERENCE_CPAS = {
    "cpa-cv-http.xml": ("CPAID_EchoService-1-0", SHA1 | {"no_tls"}),
    "cpa-cv-https.xml": ("CPAID_EchoService-1-0", SHA1 | {"outdated_tls"}),
    "cpaStubEBF.be.https.signed.xml": ("cpaStubEBF.be.https.signed", SHA1 | {"outdated_tls"}),
    "cpaStubEBF.rm.http.unsigned.sync.xml": ("cpaStubEBF.rm.http.unsigned.sync", {"no_tls"}),
    "cpaStubEBF.rm.http.unsigned.xml": ("cpaStubEBF.rm.http.unsigned", {"no_tls"}),
    "cpaStubEBF.rm.https.signed.xml": ("cpaStubEBF.rm.https.signed", SHA1 | {"outdated_tls"}),
}


@pytest.fixture(scope="module", autouse=True)
def commands():
    _register_commands()
    if "cpa" not in cli.commands:
        commands_cpa.register(cli)


@pytest.fixture(scope="module")
def identities(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    ca = TestCa()
    hub_key, hub_certificate = ca.issue("ggk hub", HUB_OIN).write(folder, "hub")
    _, organisation_certificate = ca.issue("gemeente", "00000001003840000000").write(folder, "gemeente")
    return hub_key, hub_certificate, organisation_certificate


@pytest.fixture(params=["sqlite", "postgresql"])
def ggk(request, tmp_path, monkeypatch, identities):
    """Return a function running ``ggk ARGS...`` on a fresh data folder whose hub has HUB_OIN."""
    hub_key, hub_certificate, _ = identities
    environ = {
        "GGK_DATA_DIR": str(tmp_path / "hub"),
        "GGK_DIGIKOPPELING_XSD_FOLDER": str(require_digikoppeling() / "xsd"),
        "GGK_DIGIKOPPELING_HUB_OINS": HUB_OIN,
        "GGK_DIGIKOPPELING_ENDPOINT_URL": "https://ggk.example.nl/digikoppeling/ebms",
        "GGK_DIGIKOPPELING_CERTIFICATE": str(hub_certificate),
        "GGK_DIGIKOPPELING_PRIVATE_KEY": str(hub_key),
    }
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
    run("org", "add", "--gemeente", "0384", "--name", "Gemeente A", "--dienst", "wmo", "--channel", "webservice",
        "--oin", "00000001003840000000")
    return run


def as_json(result) -> dict | list:
    return json.loads(result.output)


@pytest.mark.parametrize("name", sorted(REFERENCE_CPAS))
def test_reference_cpa_imports_and_shows(ggk, name):
    cpaid, warnings = REFERENCE_CPAS[name]
    ggk("org", "add", "--ketenpartner", "LOGIUS", "--name", "Logius", "--dienst", "wmo", "--oin", PARTY_OIN)

    imported = as_json(ggk("cpa", "import", str(cpa_path(name)), "--json"))
    shown = as_json(ggk("cpa", "show", cpaid, "--json"))
    listed = as_json(ggk("cpa", "list", "--json"))

    assert imported["cpaid"] == shown["cpaid"] == cpaid
    assert shown["organisation"] == "LOGIUS"
    assert shown["state"] == "imported"
    assert shown["hub_oin"] == HUB_OIN
    assert shown["party_oin"] == PARTY_OIN
    assert {warning["kind"] for warning in shown["warnings"]} == warnings
    assert len(shown["parties"]) == 2
    assert {oin.rsplit(":", 1)[1] for party in shown["parties"] for oin in party["party_ids"]} == {HUB_OIN, PARTY_OIN}
    assert all(party["services"] for party in shown["parties"])
    assert [record["cpaid"] for record in listed] == [cpaid]
    text = ggk("cpa", "show", cpaid).output
    assert cpaid in text
    assert ("cannot be activated" in text) == bool(warnings)


def test_cpa_with_warnings_is_not_approved(ggk):
    ggk("org", "add", "--ketenpartner", "LOGIUS", "--name", "Logius", "--dienst", "wmo", "--oin", PARTY_OIN)
    ggk("cpa", "import", str(cpa_path("cpa-cv-https.xml")), "--operator", "alice")

    result = ggk("cpa", "approve", "CPAID_EchoService-1-0", "--operator", "bob", expect=2)

    assert "CPA003" in result.stderr


def test_import_needs_known_party(ggk):
    result = ggk("cpa", "import", str(cpa_path("cpaStubEBF.be.https.signed.xml")), expect=2)

    assert "GGK400" in result.stderr
    assert "set-oin" in result.stderr


def test_request_approve_download_end(ggk, identities, tmp_path):
    _, _, organisation_certificate = identities

    requested = as_json(ggk("cpa", "request", "--organisation", "0384", "--endpoint", "https://a.example.nl/ebms",
                            "--certificate", str(organisation_certificate), "--profile", "osb-rm-s", "--json",
                            "--operator", "alice"))
    cpaid = requested["cpaid"]
    refused = ggk("cpa", "approve", cpaid, "--operator", "alice", expect=1)
    approved = as_json(ggk("cpa", "approve", cpaid, "--operator", "bob", "--json"))
    ggk("cpa", "download", cpaid, "-o", str(tmp_path / "cpa.xml"))
    ended = as_json(ggk("cpa", "end", cpaid, "--json"))

    assert requested["state"] == "requested"
    assert requested["profile"] == "osb-rm-s"
    assert requested["warnings"] == []
    assert "GGK403" in refused.stderr
    assert approved["state"] == "active"
    assert approved["activated_by"] == "user:bob@-/cli"
    assert b"<tns:CollaborationProtocolAgreement" in (tmp_path / "cpa.xml").read_bytes()
    hub_party = next(p for p in requested["parties"] if f"urn:osb:oin:{HUB_OIN}" in p["party_ids"])
    assert hub_party["endpoints"] == ["https://ggk.example.nl/digikoppeling/ebms"]
    assert hub_party["signing"]["signature_algorithms"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert ended["state"] == "ended"


def test_show_unknown_cpa_is_not_found(ggk):
    assert "GGK404" in ggk("cpa", "show", "nope", expect=1).stderr


def test_stuf_version_per_organisation(ggk):
    default = as_json(ggk("digikoppeling", "stuf-version", "0384", "--json"))
    changed = as_json(ggk("digikoppeling", "stuf-version", "0384", "ggk0310", "--json"))
    reset = as_json(ggk("digikoppeling", "stuf-version", "0384", "--default", "--json"))

    assert default == {"organisation": "0384", "stuf_version": "ggk0210", "own_setting": False}
    assert changed == {"organisation": "0384", "stuf_version": "ggk0310", "own_setting": True}
    assert reset["own_setting"] is False


def test_send_once_and_alerts_when_idle(ggk):
    counts = as_json(ggk("digikoppeling", "send-once", "--json"))

    assert counts == {"pushed": 0, "failed": 0, "waiting": 0, "undeliverable": 0, "signals": 0}
    assert as_json(ggk("digikoppeling", "alerts", "--json")) == []
