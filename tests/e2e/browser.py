"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright.

Never ``playwright install``: the machine has no internet but the package registries, and
Debian's Chromium is what a hall's screens run. Screenshots go to ``HALLQ_SCREENSHOTS`` (a
directory) when set, so a person can look at every page at its real size.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--autoplay-policy=no-user-gesture-required"]

# The real sizes of the screens the pages are made for.
KIOSK_PORTRAIT = {"width": 1080, "height": 1920}
KIOSK_LANDSCAPE = {"width": 1920, "height": 1080}
HALL_SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1280, "height": 800}


def chromium_missing() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture(scope="session")
def chromium():
    """One browser for the session; pages get a fresh context each."""
    from tests.e2e.conftest import unavailable

    reason = chromium_missing()
    if reason:
        unavailable(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """``open_page(url, viewport, locale="zh-CN")`` → a Playwright page in a new context."""
    contexts = []

    def open_(url: str, viewport: dict = HALL_SCREEN, locale: str = "zh-CN", **options):
        # Playwright's wait_for_function evaluates its predicate with eval(), which the pages'
        # Content-Security-Policy forbids; test_content_security_policy.py opens every page
        # with the policy enforced.
        options.setdefault("bypass_csp", True)
        context = chromium.new_context(viewport=viewport, locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path | None:
    """Save a full-size screenshot when ``HALLQ_SCREENSHOTS`` names a directory."""
    directory = os.environ.get("HALLQ_SCREENSHOTS")
    if not directory:
        return None
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path
