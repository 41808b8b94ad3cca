"""The portal in a real headless Chromium: log in with the second factor, send a real JW301,
download it as the recipient, follow it in track & trace, and check every main page with axe-core.

Screenshots of the main pages go to test-artifacts/. Skipped when Chromium, Playwright,
axe-core (npm ci) or the identity component is missing.
"""

from __future__ import annotations

import re

import pytest

from adapters.web.config import ListenerConfig
from adapters.web.server import HubServer
from tests.web.browser_support import CHROMIUM, CHROMIUM_FLAGS, browser_missing, check_accessibility
from tests.web.support import AANBIEDER, GEMEENTE

sync_api = pytest.importorskip("playwright.sync_api", reason="the Python playwright package is not installed")
pytest.importorskip("core.identity.service", reason="the identity component is not in the tree")

from tests.web.identity_support import PASSWORD, with_identity  # noqa: E402

SECRET = re.compile(r"[A-Z2-7]{16,}")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or ""),
]


@pytest.fixture
def portal(hub):
    people = with_identity(hub)
    people.invite_and_accept("gemeente.medewerker", GEMEENTE)
    people.invite_and_accept("aanbieder.medewerker", AANBIEDER)
    server = HubServer(hub.app, [ListenerConfig("portal", "127.0.0.1", 0)], threads=4)
    server.start()
    yield f"http://127.0.0.1:{server.port('portal')}", people
    server.stop()


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def log_in(page, base: str, people, username: str) -> None:
    """Log in through the pages: password, then enrol the TOTP app the first time."""
    page.goto(f"{base}/login")
    check_accessibility(page, "01-login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/login/enrol"))
    check_accessibility(page, "02-enrol-totp")
    people.secrets[username] = SECRET.search(page.locator(".ggk-secret").inner_text()).group(0)
    page.get_by_label("Code uit de app").fill(people.code(username))
    page.get_by_role("button", name="Bevestigen en inloggen").click()
    page.get_by_role("heading", name="Uw herstelcodes").wait_for()
    check_accessibility(page, "03-recovery-codes")
    page.get_by_role("link", name="Ik heb mijn codes bewaard, verder").click()
    page.get_by_role("heading", name="Overzicht").wait_for()


def test_send_download_and_trace_jw301(portal, browser, jw32, tmp_path):
    base, people = portal
    context = browser.new_context(bypass_csp=True, accept_downloads=True, locale="nl-NL")  # axe is injected inline
    sender = context.new_page()

    log_in(sender, base, people, "gemeente.medewerker")
    check_accessibility(sender, "04-dashboard")
    sender.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bestanden versturen").click()
    check_accessibility(sender, "05-upload")
    sender.get_by_label("Berichtbestanden").set_input_files(str(jw32 / "berichten" / "JW301.xml"))
    sender.get_by_role("button", name="Versturen").click()
    sender.get_by_role("cell", name="Geaccepteerd").wait_for()
    check_accessibility(sender, "06-upload-result")
    follow = sender.get_by_role("link", name=re.compile("Bericht .* volgen"))
    message_id = re.search(r"[0-9a-f-]{36}", follow.get_attribute("href")).group(0)
    context.close()

    context = browser.new_context(bypass_csp=True, accept_downloads=True, locale="nl-NL")
    recipient = context.new_page()
    log_in(recipient, base, people, "aanbieder.medewerker")
    recipient.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Postvak in").click()
    recipient.get_by_role("link", name="JW301.xml").wait_for()
    check_accessibility(recipient, "07-inbox")
    recipient.get_by_role("link", name="JW301.xml").click()
    check_accessibility(recipient, "08-message")
    with recipient.expect_download() as download:
        recipient.get_by_role("link", name="Bestand downloaden").click()
    saved = tmp_path / "gedownload.xml"
    download.value.save_as(saved)
    assert saved.read_bytes() == (jw32 / "berichten" / "JW301.xml").read_bytes()

    recipient.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Track & trace").click()
    recipient.get_by_label("Bericht-id").fill(message_id)
    recipient.get_by_role("button", name="Bericht zoeken").click()
    recipient.wait_for_url(re.compile(f"/messages/{message_id}"))
    assert recipient.locator(".ggk-timeline").get_by_text("Gedownload").count() >= 1
    check_accessibility(recipient, "09-trace-message")
    recipient.goto(f"{base}/trace")
    check_accessibility(recipient, "10-trace-search")
    recipient.goto(f"{base}/sent")
    check_accessibility(recipient, "11-sent")
    recipient.goto(f"{base}/?lang=en")
    recipient.get_by_role("heading", name="Overview").wait_for()
    check_accessibility(recipient, "12-dashboard-english")
    recipient.goto(f"{base}/messages/00000000-0000-4000-8000-000000000000")
    check_accessibility(recipient, "13-not-found")
    context.close()
