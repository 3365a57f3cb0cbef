"""Forgotten password on a phone: from the login form to signing in with the new one."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.services.demo import demo_tree_load
from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "hoa-phuong-do-2025"


def _fits_the_phone(page: Page) -> None:
    """No sideways scrolling, and every field as wide as the screen allows."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for field in page.locator("main input:not([type=hidden])").all():
        assert field.bounding_box()["width"] > 300  # of 390 px


def test_secretary_resets_the_password_on_a_phone(browser, live_server, mailoutbox):
    demo_tree_load()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.click("text=Quên mật khẩu?")
    expect(page.locator("h1")).to_have_text("Đặt lại mật khẩu")
    _fits_the_phone(page)
    page.fill("input[name=email]", "vanhuong.secretary@example.org")
    shot(page, "password-reset-1-form-phone")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Hãy mở hộp thư")
    _fits_the_phone(page)
    shot(page, "password-reset-2-sent-phone")

    (mail,) = mailoutbox
    page.goto(re.search(r"http\S+/password/reset/key/\S+", mail.body).group(0))
    expect(page.locator("h1")).to_have_text("Đặt mật khẩu mới")
    _fits_the_phone(page)
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    shot(page, "password-reset-3-new-password-phone")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Đã đặt mật khẩu mới")
    _fits_the_phone(page)
    shot(page, "password-reset-4-done-phone")

    page.click("main a.button")  # "Đăng nhập"
    page.fill("input[name=login]", "vanhuong.secretary")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#nav-reader-home")).to_be_visible()
    context.close()
