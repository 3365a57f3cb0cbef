"""The whole flow in a real browser: draft, review, approve, publish, download, scoping."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from portal.demo.tree import DEMO_PASSWORD
from portal.models import Document, Receipt
from portal.services.demo import demo_tree_load
from tests.factories import run_tasks

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TITLE = "Thông tin sinh hoạt chi bộ tháng 01 năm 2025"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # are still plain synchronous calls made between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _login(browser: Browser, live_server, username: str, *, mobile: bool = False) -> Page:
    viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_bulletin_from_draft_to_cell_secretary(browser, live_server):
    demo_tree_load()

    editor = _login(browser, live_server, "doson.editor")
    editor.click("text=Bản tin mới")
    editor.fill("input[name=title]", TITLE)
    editor.fill("input[name=period_month]", "1")
    editor.fill("input[name=period_year]", "2025")
    body = editor.locator(".ck-editor__editable")
    body.click()
    body.type("Tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam.")
    _shot(editor, "1-editor-draft")
    editor.click("#save")
    expect(editor.locator("h1")).to_have_text(TITLE)
    editor.click("#submit")
    expect(editor.locator("#status")).to_have_text("Chờ duyệt")
    _shot(editor, "2-editor-submitted")
    document = Document.objects.get(title=TITLE)
    assert "95 năm Ngày thành lập Đảng" in document.current_revision.body_html
    detail = f"{live_server.url}/van-ban/{document.pk}/"

    head = _login(browser, live_server, "doson.head")
    expect(head.locator("#awaiting")).to_contain_text(TITLE)
    head.goto(detail)
    head.click("#forward")
    expect(head.locator("body")).to_contain_text("bước 2")
    _shot(head, "3-head-forwarded")

    approver = _login(browser, live_server, "hp.approver")
    approver.goto(detail)
    approver.click("#approve")
    expect(approver.locator("#status")).to_have_text("Đã duyệt")
    expect(approver.locator(".number")).to_contain_text("Số 1-BT/BTGQU")
    run_tasks()  # the background worker renders the approved revision
    approver.click("#publish")
    expect(approver.locator("#status")).to_have_text("Đã ban hành")
    _shot(approver, "4-approver-published")

    reader = _login(browser, live_server, "vanhuong.secretary", mobile=True)
    expect(reader.locator("#library")).to_contain_text(TITLE)
    _shot(reader, "5-secretary-library-phone")
    reader.click(f"text={TITLE}")
    with reader.expect_download() as download_info:
        reader.click("#download-pdf")
    download = download_info.value
    assert download.suggested_filename == "Bản tin 1-BT-BTGQU.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    with reader.expect_download() as word_info:
        reader.click("#download-docx")
    word = word_info.value
    assert word.suggested_filename == "Bản tin 1-BT-BTGQU.docx"
    assert Path(word.path()).read_bytes().startswith(b"PK")
    _shot(reader, "6-secretary-document-phone")
    assert Receipt.objects.filter(document=document).count() == 1

    outsider = _login(browser, live_server, "ngoquyen.secretary", mobile=True)
    expect(outsider.locator("#library")).not_to_contain_text(TITLE)
    response = outsider.goto(detail)
    assert response is not None and response.status == 404
    expect(outsider.locator("body")).to_contain_text("Không tìm thấy")
    _shot(outsider, "7-other-district-secretary-404")
