"""Headless Chromium for the browser tests: launch flags, axe-core checks and screenshots.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright through
``executable_path``; Playwright's own browser download is never used. axe-core comes
from ``npm ci``. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def browser_missing() -> str | None:
    """Return why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed"
    if not AXE.exists():
        return "axe-core is not installed: run npm ci"
    return None


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the page, save a screenshot, and fail on any WCAG 2.1 A or AA violation."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], f"{name}: {violations}"
