"""What the browser tests share: Debian's chromium through Playwright, logging in, screenshots."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from portal.demo.tree import DEMO_PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests
    # are still plain synchronous calls made between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def login(browser: Browser, live_server, username: str, *, mobile: bool = False) -> Page:
    """A new browser context logged in as the demo user (phone-sized when mobile)."""
    viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)
    if "/tai-khoan/2fa/authenticate/" in page.url:  # an approver: the app's code as well
        shot(page, f"0-two-step-sign-in-{username}")
        page.fill("input[name=code]", _current_code())
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/2fa/" not in url)
    return page


def _current_code() -> str:
    """The demo approvers' authenticator code now; a code is accepted once, so the record of
    used codes (the cache the live server shares, a table of the test database) is cleared
    first."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.core.cache import cache

    from portal.demo.tree import DEMO_TOTP_SECRET

    cache.clear()
    return format_hotp_value(
        hotp_value(DEMO_TOTP_SECRET, int(time.time()) // app_settings.TOTP_PERIOD)
    )


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot under test-output/e2e/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
