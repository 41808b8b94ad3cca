"""The Wlz pages and API on a real hub: the registertoets (one BSN, a batch file, its CSV), the
signals list, the grant check, Dutch errors, the OpenAPI document, and the Digikoppeling
endpoints mounted on the same app."""

from __future__ import annotations

import csv
import io
import re

import pytest
import structlog
import structlog.testing

from adapters.web import create_app
from core.model import Channel, OrgKind
from core.principal import Action, Grant, Principal, Role
from tests.web.support import FakeSessions, Hub, form, multipart
from tests.web.test_openapi import Checked
from tests.wlz.builders import bsns, invalid_bsn, provisions_csv, register_csv
from tests.wlz.hub import OPERATOR, build_wlz_hub

GEMEENTE = "0363"
GEMEENTE_OIN = "00000001001234567000"
OIN_HEADER = "X-Client-OIN"
PEOPLE = bsns(4)
BATCH_LIMIT = 5


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def wlz_hub(tmp_path, database_url):
    """A portal on a hub with gemeente 0363 (wlz, wmo) and a register of two indications."""
    flags = {("web", "allow_http"): True, ("wlz", "batch_limit"): BATCH_LIMIT,
             ("wlz", "wus_oin_header"): OIN_HEADER}
    hub = build_wlz_hub(tmp_path / "hub", database_url, flags)
    hub.add_partners()
    hub.add(OrgKind.GEMEENTE, GEMEENTE, services=("wlz", "wmo"), oin=GEMEENTE_OIN)
    rows = [("B1", PEOPLE[0], "VV", "2026-01-01", None), ("B2", PEOPLE[1], "GGZ", "2025-01-01", "2026-12-31")]
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "register.csv", rows))
    sessions = FakeSessions()
    settings = hub.container.settings()
    web = Hub(hub.data_dir, settings, hub.container, sessions, create_app(hub.container, settings, sessions=sessions))
    web.wlz = hub
    yield web
    hub.container.engine().dispose()


def staff(*actions: Action, organisation: str = GEMEENTE) -> Principal:
    grants = frozenset(Grant("wlz", action) for action in actions)
    return Principal(channel=Channel.PORTAL, organisation=organisation, user="u-7", roles=frozenset({Role.GEBRUIKER}),
                     grants=grants)


def toets_user(wlz_hub):
    return wlz_hub.client().sign_in(staff(Action.REGISTERTOETS, Action.RECEIVE))


def ask_one(client, bsn: str, peildatum: str = "2026-12-01"):
    token = client.csrf_token("/wlz/registertoets")
    body, headers = multipart([("csrf_token", None, token.encode()), ("bsn", None, bsn.encode()),
                               ("peildatum", None, peildatum.encode()), ("bestand", "", b"")])
    return client.post("/wlz/registertoets", body=body, headers=headers)


def ask_file(client, content: bytes, peildatum: str = "2026-12-01"):
    token = client.csrf_token("/wlz/registertoets")
    body, headers = multipart([("csrf_token", None, token.encode()), ("bsn", None, b""),
                               ("peildatum", None, peildatum.encode()), ("bestand", "bsns.csv", content)])
    return client.post("/wlz/registertoets", body=body, headers=headers)


def table_rows(html: str) -> list[list[str]]:
    body = html.split('<tbody class="utrecht-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_menu_shows_registertoets_only_with_the_grant(wlz_hub):
    with_grant = toets_user(wlz_hub).get("/")
    without = wlz_hub.client().sign_in(staff(Action.RECEIVE)).get("/")

    assert 'href="/wlz/registertoets"' in with_grant.text
    assert "Wlz-registertoets" in with_grant.text
    assert 'href="/wlz/registertoets"' not in without.text
    assert 'href="/wlz/signalen"' in without.text


def test_one_bsn_shows_the_indication(wlz_hub):
    client = toets_user(wlz_hub)

    page = client.get("/wlz/registertoets")
    result = ask_one(client, PEOPLE[0])
    none = ask_one(client, PEOPLE[2])

    assert page.status_code == 200
    assert 'value="2026-12-01"' in page.text  # the peildatum defaults to today
    assert result.status_code == 200
    assert table_rows(result.text) == [[PEOPLE[0], "ja", "vanaf 2026-01-01", "VV"]]
    assert table_rows(none.text) == [[PEOPLE[2], "nee", "–", "–"]]
    assert "/wlz/registertoets/csv" not in result.text  # the CSV is offered for a batch


def test_plain_form_post_without_file(wlz_hub):
    client = toets_user(wlz_hub)

    result = form(client, "/wlz/registertoets", [("bsn", PEOPLE[1]), ("peildatum", "2027-01-01")],
                  token=client.csrf_token("/wlz/registertoets"))

    assert result.status_code == 200
    assert table_rows(result.text) == [[PEOPLE[1], "nee", "–", "–"]]


def test_bsn_and_file_together_is_an_error(wlz_hub):
    client = toets_user(wlz_hub)
    token = client.csrf_token("/wlz/registertoets")
    body, headers = multipart([("csrf_token", None, token.encode()), ("bsn", None, PEOPLE[0].encode()),
                               ("peildatum", None, b"2026-12-01"), ("bestand", "bsns.txt", PEOPLE[1].encode())])

    result = client.post("/wlz/registertoets", body=body, headers=headers)

    assert result.status_code == 400
    assert "Vul één BSN in of kies een bestand, niet allebei." in result.text


def test_batch_file_shows_table_and_downloads_csv(wlz_hub):
    client = toets_user(wlz_hub)
    content = ("\ufeffbsn\n" + "\n".join([PEOPLE[0], PEOPLE[1], "", PEOPLE[2], PEOPLE[0]]) + "\n").encode()

    result = ask_file(client, content)

    assert result.status_code == 200
    assert table_rows(result.text) == [[PEOPLE[0], "ja", "vanaf 2026-01-01", "VV"],
                                       [PEOPLE[1], "ja", "2025-01-01 tot en met 2026-12-31", "GGZ"],
                                       [PEOPLE[2], "nee", "–", "–"],
                                       [PEOPLE[0], "ja", "vanaf 2026-01-01", "VV"]]
    bsn_list = re.search(r'name="bsns" value="([^"]*)"', result.text).group(1)
    download = client.post("/wlz/registertoets/csv", body=(
        f"csrf_token={client.csrf_token('/wlz/registertoets')}&peildatum=2026-12-01&bsns="
        + bsn_list.replace("\n", "%0A")), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["bsn", "peildatum", "indicatie", "soort", "ingangsdatum", "einddatum"]
    assert lines[1:4] == [[PEOPLE[0], "2026-12-01", "ja", "VV", "2026-01-01", ""],
                          [PEOPLE[1], "2026-12-01", "ja", "GGZ", "2025-01-01", "2026-12-31"],
                          [PEOPLE[2], "2026-12-01", "nee", "", "", ""]]
    audit = wlz_hub.wlz.services.registertoets.audit(OPERATOR, GEMEENTE)
    assert [record.bsn_count for record in audit][:2] == [4, 4]


def test_invalid_input_gives_dutch_errors(wlz_hub, capsys):
    client = toets_user(wlz_hub)

    wrong_bsn = ask_one(client, invalid_bsn(PEOPLE[0]))
    wrong_day = ask_one(client, PEOPLE[0], peildatum="2026-02-30")
    too_many = ask_file(client, "\n".join(bsns(BATCH_LIMIT + 1)).encode())
    wrong_line = ask_file(client, f"{PEOPLE[0]}\n{invalid_bsn(PEOPLE[1])}\n".encode())

    assert wrong_bsn.status_code == 400
    assert "Dit BSN is niet geldig: het moet uit negen cijfers bestaan die voldoen aan de elfproef." in wrong_bsn.text
    assert 'aria-invalid="true"' in wrong_bsn.text
    assert wrong_day.status_code == 400
    assert "De peildatum 2026-02-30 bestaat niet" in wrong_day.text
    assert too_many.status_code == 400
    assert f"ten hoogste {BATCH_LIMIT} tegelijk" in too_many.text
    assert wrong_line.status_code == 400
    assert "op regel(s) 2." in wrong_line.text
    assert invalid_bsn(PEOPLE[1]) not in wrong_line.text  # the file's BSNs are not echoed back
    assert wlz_hub.wlz.services.registertoets.audit(OPERATOR, GEMEENTE) == []
    logged = capsys.readouterr()
    assert PEOPLE[0] not in logged.out + logged.err


@pytest.fixture
def default_logging():
    """Log at every level while the test runs, whatever an earlier test configured."""
    saved = structlog.get_config()
    structlog.reset_defaults()
    yield
    structlog.configure(**saved)


def test_no_bsn_is_logged(wlz_hub, capsys, default_logging):
    client = toets_user(wlz_hub)
    capsys.readouterr()

    with structlog.testing.capture_logs() as events:
        ask_one(client, PEOPLE[0])
        ask_file(client, "\n".join(PEOPLE).encode())
        client.post("/api/wlz/registertoets", json={"bsns": PEOPLE}, headers={"X-CSRF-Token": client.csrf_token()})

    logged = capsys.readouterr()
    written = repr(events) + logged.out + logged.err
    assert any(event["event"].startswith("wlz_registertoets") for event in events)
    assert [bsn for bsn in PEOPLE if bsn in written] == []


def test_without_the_grant_the_pages_refuse(wlz_hub):
    client = wlz_hub.client().sign_in(staff(Action.RECEIVE))
    token = client.csrf_token("/upload")
    body, headers = multipart([("csrf_token", None, token.encode()), ("bsn", None, PEOPLE[0].encode()),
                               ("peildatum", None, b"2026-12-01")])

    page = client.get("/wlz/registertoets")
    post = client.post("/wlz/registertoets", body=body, headers=headers)
    api = client.post("/api/wlz/registertoets", json={"bsns": [PEOPLE[0]]}, headers={"X-CSRF-Token": token})

    assert page.status_code == 403
    assert "Geen toegang" in page.text
    assert post.status_code == 403
    assert (api.status_code, api.json["code"]) == (403, "GGK403")


def test_api_answers_match_the_document(wlz_hub):
    client = toets_user(wlz_hub)
    checked = Checked(client, client.get("/api/openapi.json").json)
    token = client.csrf_token("/wlz/registertoets")
    headers = {"X-CSRF-Token": token}
    path = "/api/wlz/registertoets"

    answer = checked.call("POST", path, path, json={"bsns": [PEOPLE[0], PEOPLE[2]], "peildatum": "2026-12-01"},
                          headers=headers)
    wrong = checked.call("POST", path, path, json={"bsns": [invalid_bsn(PEOPLE[0])]}, headers=headers)
    too_many = checked.call("POST", path, path, json={"bsns": bsns(BATCH_LIMIT + 1)}, headers=headers)
    forged = checked.call("POST", path, path, json={"bsns": [PEOPLE[0]]}, headers={"X-CSRF-Token": "forged"})

    assert answer.status_code == 200
    assert answer.json == {"peildatum": "2026-12-01", "results": [
        {"bsn": PEOPLE[0], "indicatie": True,
         "perioden": [{"soort": "VV", "ingangsdatum": "2026-01-01", "einddatum": None}]},
        {"bsn": PEOPLE[2], "indicatie": False, "perioden": []}]}
    assert (wrong.status_code, wrong.json["code"]) == (400, "WLZ001")
    assert wrong.json["detail"] == "1 BSN('s) voldoen niet aan de elfproef, op positie(s) 1."
    assert too_many.json["errors"] == {"bsns": f"Geef 1 tot en met {BATCH_LIMIT} BSN's op."}
    assert (too_many.status_code, too_many.json["code"]) == (400, "WLZ003")
    assert forged.status_code == 403


def test_signals_page_lists_wlzsignaal_with_download(wlz_hub, tmp_path):
    hub = wlz_hub.wlz
    rows = [{"bsn": PEOPLE[3], "wet": "WMO", "status": "AANGEVRAAGD"}]
    hub.services.provisions.import_list(Principal.organisation_software(GEMEENTE, Channel.CLI), GEMEENTE,
                                        provisions_csv(tmp_path / "lijst.csv", rows))
    hub.services.register.import_file(OPERATOR, register_csv(tmp_path / "r2.csv", [
        ("B3", PEOPLE[3], "LG", "2026-11-01", None)], changes=False))
    client = wlz_hub.client().sign_in(staff(Action.RECEIVE))

    page = client.get("/wlz/signalen")

    links = re.findall(r'href="(/messages/[^"]+/file)"', page.text)
    assert page.status_code == 200
    assert len(links) == 1
    download = client.get(links[0])
    assert download.status_code == 200
    assert b"WLZSIGNAAL" in download.content or b"urn:ggk:wlz:signaal" in download.content


def soap_request(bsn: str) -> bytes:
    namespace = "urn:ggk:wlz:registertoets:1.0"
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:wsa="http://www.w3.org/2005/08/addressing" '
        f'xmlns:rt="{namespace}"><soap:Header>'
        "<wsa:MessageID>urn:uuid:0b5a7c7e-6a1e-4f5e-9a39-1f2a3b4c5d6e</wsa:MessageID>"
        "<wsa:To>http://127.0.0.1/digikoppeling/wus/registertoets</wsa:To>"
        f"<wsa:Action>{namespace}:Registertoets</wsa:Action></soap:Header>"
        f"<soap:Body><rt:RegistertoetsVraag><rt:Peildatum>2026-12-01</rt:Peildatum><rt:Bsn>{bsn}</rt:Bsn>"
        "</rt:RegistertoetsVraag></soap:Body></soap:Envelope>"
    ).encode()


def test_wus_soap_post_through_the_portal_app(wlz_hub):
    client = wlz_hub.client()

    answer = client.post("/digikoppeling/wus/registertoets", body=soap_request(PEOPLE[0]),
                         headers={"Content-Type": "text/xml; charset=utf-8", OIN_HEADER: GEMEENTE_OIN,
                                  "SOAPAction": '"urn:ggk:wlz:registertoets:1.0:Registertoets"'})

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    assert b"RegistertoetsAntwoord" in answer.content
    assert re.search(rb"<(\w+:)?Indicatie>true</", answer.content)
    assert "set-cookie" not in {name.lower() for name in answer.headers}


def test_ebms_endpoint_is_mounted_without_csrf(wlz_hub):
    answer = wlz_hub.client().post("/digikoppeling/ebms", body=b"<not-ebms/>",
                                   headers={"Content-Type": "text/xml; charset=utf-8"})

    assert answer.status_code not in (403, 404, 405)


def test_pages_pass_axe_in_chromium(wlz_hub):
    """The registertoets form, its result, its errors and the signals list in real Chromium, checked with axe-core."""
    from adapters.web.config import ListenerConfig
    from adapters.web.server import HubServer
    from adapters.web.sessions import PLAIN_COOKIE
    from tests.web.browser_support import CHROMIUM, CHROMIUM_FLAGS, browser_missing, check_accessibility

    sync_api = pytest.importorskip("playwright.sync_api", reason="the Python playwright package is not installed")
    if browser_missing():
        pytest.skip(browser_missing())
    token = wlz_hub.sessions.sign_in(staff(Action.REGISTERTOETS, Action.RECEIVE))
    server = HubServer(wlz_hub.app, [ListenerConfig("portal", "127.0.0.1", 0)], threads=2)
    server.start()
    base = f"http://127.0.0.1:{server.port('portal')}"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(bypass_csp=True, locale="nl-NL")  # axe is injected inline
            context.add_cookies([{"name": PLAIN_COOKIE, "value": token, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/wlz/registertoets")
            check_accessibility(page, "wlz-01-registertoets")
            page.get_by_label("BSN", exact=True).fill(PEOPLE[0])
            page.get_by_role("button", name="Toetsen").click()
            page.get_by_role("heading", name=re.compile("Resultaat op")).wait_for()
            check_accessibility(page, "wlz-02-result")
            page.get_by_label("BSN", exact=True).fill(invalid_bsn(PEOPLE[0]))
            page.get_by_role("button", name="Toetsen").click()
            page.get_by_role("heading", name="Verbeter het volgende").wait_for()
            check_accessibility(page, "wlz-03-invalid-bsn")
            page.goto(f"{base}/wlz/signalen")
            check_accessibility(page, "wlz-04-signalen")
            browser.close()
    finally:
        server.stop()
