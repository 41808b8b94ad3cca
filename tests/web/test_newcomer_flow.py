"""The README's newcomer flow in a real browser, against ``ggk serve`` started as a subprocess.

``ggk demo --keep DIR --schemas .../ijw/3.2/xsd --json`` makes the hub and its operator
``beheerder``. A gemeente (0344) applies through the public form for Wmo and Jeugd, the
operator approves it, its new gebruikersbeheerder accepts the link, links a TOTP app
and invites a Jeugd-only colleague. That colleague sends a real JW301 (Afzender 0344,
Ontvanger the demo's aanbieder) and follows it in track & trace, while Wmo stays
closed: a WMO301 upload is rejected with IB234 and the gemeente's Wmo messages are not
listed. Every page gets an axe-core check and a screenshot in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyotp
import pytest

from tests.flow.messages import with_header
from tests.flow.reference import require_istandaarden
from tests.web.browser_support import CHROMIUM, CHROMIUM_FLAGS, browser_missing, check_accessibility

sync_api = pytest.importorskip("playwright.sync_api", reason="the Python playwright package is not installed")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(300),
    pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or ""),
]

GGK = Path(sys.executable).with_name("ggk")
GEMEENTE = "0344"
AANBIEDER = "12345678"  # the demo hub's aanbieder, enrolled for Jeugd and Wmo
ADMIN = "beheer.0344"
JEUGD_USER = "jeugd.0344"
PASSWORD = "een lang wachtwoord voor de test"
SECRET = re.compile(r"[A-Z2-7]{16,}")
MESSAGE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}")


def ggk(*arguments: str, data_dir: Path | None = None) -> str:
    """Run the ggk command and return its standard output; fail the test with its errors otherwise."""
    command = [str(GGK)] + (["--data-dir", str(data_dir)] if data_dir else []) + list(arguments)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr[-2000:]}"
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, f"ggk serve stopped:\n{log.read_text()[-2000:]}"
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"ggk serve did not answer within 30 seconds:\n{log.read_text()[-2000:]}")


@pytest.fixture
def demo_hub(tmp_path):
    """Run the demo, then serve it on a free loopback port; yield the base URL, data folder and demo output."""
    istandaarden = require_istandaarden()
    data_dir = tmp_path / "demo"
    demo = json.loads(ggk("demo", "--keep", str(data_dir), "--schemas", str(istandaarden / "ijw/3.2/xsd"), "--json"))
    ggk("schemas", "import", str(istandaarden / "iwmo/3.2/xsd"), data_dir=data_dir)  # so a Wmo file reaches IB234
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    environment = {**os.environ, "GGK_WEB_ALLOW_HTTP": "true", "GGK_IDENTITY_PORTAL_URL": base}
    with open(log, "w") as output:
        server = subprocess.Popen([str(GGK), "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=output, stderr=subprocess.STDOUT, env=environment)
    try:
        wait_until_serving(base, server, log)
        yield base, data_dir, demo, istandaarden
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def new_page(browser):
    context = browser.new_context(bypass_csp=True, locale="nl-NL")  # axe-core is injected as a script
    return context.new_page()


def menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True).click()


def log_in_with_code(page, base: str, username: str, password: str, secret: str, step: str) -> None:
    page.goto(f"{base}/login")
    check_accessibility(page, f"{step}-login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/login/code"))
    check_accessibility(page, f"{step}-code")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/$"))


def accept_and_enrol(page, link: str, username: str, step: str) -> None:
    """Accept an invitation link, log in for the first time and link a TOTP app."""
    page.goto(link)
    check_accessibility(page, f"{step}-invitation")
    page.get_by_label("Nieuw wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord instellen").click()
    page.wait_for_url(re.compile(r"/login\?welcome=1"))
    check_accessibility(page, f"{step}-welcome")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/login/enrol"))
    check_accessibility(page, f"{step}-enrol")
    secret = SECRET.search(page.locator(".ggk-secret").inner_text()).group(0)
    page.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bevestigen en inloggen").click()
    page.get_by_role("heading", name="Uw herstelcodes").wait_for()
    page.get_by_role("link", name="Ik heb mijn codes bewaard, verder").click()
    page.get_by_role("heading", name="Overzicht", exact=True).wait_for()
    check_accessibility(page, f"{step}-overview")


def shown_link(page) -> str:
    link = page.get_by_label("Eenmalige link").input_value()
    assert "/invitations/" in link
    return link


def apply_for_gemeente(browser, base: str) -> None:
    page = new_page(browser)
    page.goto(f"{base}/signup")
    check_accessibility(page, "01-signup")
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.get_by_role("heading", name="Verbeter het volgende").wait_for()
    check_accessibility(page, "02-signup-errors")
    page.get_by_label("Soort organisatie").select_option("gemeente")
    page.get_by_label("Code", exact=True).fill(GEMEENTE)
    page.get_by_label("Naam", exact=True).fill("Gemeente Leusden")
    page.get_by_label("Wmo berichtenverkeer").check()
    page.get_by_label("Jeugd berichtenverkeer").check()
    page.get_by_label("Naam van de contactpersoon").fill("A. de Vries")
    page.get_by_label("E-mailadres van de contactpersoon").fill("a.devries@leusden.example")
    page.get_by_label("Gewenste gebruikersnaam van de eerste gebruikersbeheerder").fill(ADMIN)
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.get_by_role("heading", name="Aanmelding ontvangen").wait_for()
    check_accessibility(page, "03-signup-done")
    page.context.close()


def approve_application(operator, base: str) -> str:
    menu(operator, "Aanmeldingen")
    check_accessibility(operator, "05-applications")
    operator.get_by_role("link", name=GEMEENTE, exact=True).click()
    check_accessibility(operator, "06-application")
    operator.get_by_role("button", name="Aanmelding goedkeuren").click()
    operator.get_by_role("heading", name="Uitnodigingslink").wait_for()
    check_accessibility(operator, "07-approved-link")
    return shown_link(operator)


def invite_jeugd_user(admin) -> str:
    menu(admin, "Gebruikers")
    check_accessibility(admin, "12-users")
    admin.get_by_role("link", name="Gebruiker uitnodigen").click()
    check_accessibility(admin, "13-invite")
    admin.get_by_label("Gebruikersnaam (niet verplicht)").fill(JEUGD_USER)
    admin.get_by_label("Gebruiker", exact=True).check()
    admin.get_by_label("Jeugd berichtenverkeer: Versturen").check()
    admin.get_by_label("Jeugd berichtenverkeer: Ontvangen").check()
    admin.get_by_role("button", name="Account en link aanmaken").click()
    admin.get_by_role("heading", name="Uitnodigingslink").wait_for()
    check_accessibility(admin, "14-invite-link")
    link = shown_link(admin)
    admin.get_by_role("link", name="Naar het account").click()
    check_accessibility(admin, "15-user")
    return link


def upload(page, path: Path) -> None:
    menu(page, "Bestanden versturen")
    page.get_by_label("Berichtbestanden").set_input_files(str(path))
    page.get_by_role("button", name="Versturen").click()
    page.locator("[data-results-body] tr").first.wait_for()


def test_newcomer_flow(demo_hub, browser, tmp_path):
    base, data_dir, demo, istandaarden = demo_hub
    operator_login = demo["operator"]
    jw301 = tmp_path / "JW301-0344.xml"
    jw301.write_bytes(with_header((istandaarden / "ijw/3.2/berichten/JW301.xml").read_bytes(),
                                  {"Afzender": GEMEENTE, "Ontvanger": AANBIEDER}))
    wmo301 = tmp_path / "WMO301-0344.xml"
    wmo301.write_bytes(with_header((istandaarden / "iwmo/3.2/berichten/WMO301.xml").read_bytes(),
                                   {"Afzender": GEMEENTE, "Ontvanger": AANBIEDER}))

    apply_for_gemeente(browser, base)

    operator = new_page(browser)
    log_in_with_code(operator, base, operator_login["username"], operator_login["password"],
                     operator_login["totp_secret"], "04-operator")
    check_accessibility(operator, "04-operator-overview")
    admin_link = approve_application(operator, base)
    wmo_sent = json.loads(ggk("send", "--as", GEMEENTE, str(wmo301), "--json", data_dir=data_dir))
    wmo_id = MESSAGE_ID.search(json.dumps(wmo_sent)).group(0)

    admin = new_page(browser)
    accept_and_enrol(admin, admin_link, ADMIN, "08-admin")
    jeugd_link = invite_jeugd_user(admin)
    menu(admin, "Auditlog")
    check_accessibility(admin, "16-admin-audit")
    assert admin.get_by_role("cell", name="Account aangemaakt").count() >= 1

    jeugd = new_page(browser)
    accept_and_enrol(jeugd, jeugd_link, JEUGD_USER, "17-jeugd")
    assert jeugd.locator("h3.utrecht-heading-3").all_inner_texts() == ["Jeugd berichtenverkeer"]
    upload(jeugd, jw301)
    check_accessibility(jeugd, "18-jw301-accepted")
    follow = jeugd.get_by_role("link", name=re.compile("Bericht .* volgen"))
    message_id = MESSAGE_ID.search(follow.get_attribute("href")).group(0)
    upload(jeugd, wmo301)
    check_accessibility(jeugd, "19-wmo301-rejected")
    assert "IB234" in jeugd.locator("[data-results-body]").inner_text()

    menu(jeugd, "Track & trace")
    check_accessibility(jeugd, "20-trace-search")
    assert jeugd.locator("table.ggk-messages tbody tr").count() == 1  # the JW301 only, not the Wmo files
    jeugd.get_by_label("Bericht-id").fill(message_id)
    jeugd.get_by_role("button", name="Bericht zoeken").click()
    jeugd.wait_for_url(re.compile(f"/messages/{message_id}"))
    check_accessibility(jeugd, "21-trace-message")
    timeline = jeugd.locator(".ggk-timeline").inner_text()
    assert f"Aangeleverd door {GEMEENTE} via het portaal." in timeline
    assert f"Beschikbaar in het postvak van {AANBIEDER}." in timeline

    jeugd.goto(f"{base}/sent")
    check_accessibility(jeugd, "22-jeugd-sent")
    assert jeugd.locator(f"input[value='{wmo_id}']").count() == 0
    assert jeugd.locator(f"input[value='{message_id}']").count() == 1
    assert jeugd.locator("#service option").all_inner_texts() == ["Alle diensten", "Jeugd berichtenverkeer"]
    jeugd.goto(f"{base}/trace?service=wmo")
    check_accessibility(jeugd, "23-jeugd-wmo-filter")
    assert "Kies een van de genoemde diensten." in jeugd.locator("main").inner_text()
    jeugd.goto(f"{base}/messages/{wmo_id}")
    check_accessibility(jeugd, "24-jeugd-wmo-message")
    assert jeugd.get_by_role("heading", name="Pagina niet gevonden").count() == 1

    operator.goto(f"{base}/trace?org={GEMEENTE}&service=wmo")
    check_accessibility(operator, "25-operator-wmo")
    assert operator.locator(f"a[href='/messages/{wmo_id}']").count() == 1
    operator.goto(f"{base}/audit?org={GEMEENTE}")
    check_accessibility(operator, "26-operator-audit")
    operator.goto(f"{base}/users?org={GEMEENTE}")
    check_accessibility(operator, "27-operator-users")
    assert operator.get_by_role("link", name=JEUGD_USER).count() == 1
