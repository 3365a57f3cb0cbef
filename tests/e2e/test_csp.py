"""The Content-Security-Policy in a real browser: no page breaks it, CKEditor works under it."""

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from portal.demo.tree import DEMO_PASSWORD
from portal.models import Document
from portal.services.demo import demo_tree_load
from tests.e2e.conftest import login
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation a page sees: kept on the page, and sent to the test as it happens (so
# none is lost when the page navigates away).
LISTEN = """
window.violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  var line = [event.violatedDirective, event.blockedURI, event.sourceFile, event.lineNumber];
  window.violations.push(line.join(" "));
  window.reportViolation(line.join(" "));
});
"""


def _watch(context: BrowserContext) -> list[str]:
    """Violations reported by the pages of this context, and CSP errors on their consoles."""
    seen: list[str] = []

    def report(line: str) -> None:
        seen.append(line)

    def console(message) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    context.expose_function("reportViolation", report)
    context.add_init_script(LISTEN)
    context.on("console", console)
    return seen


def _signed_in(browser: Browser, live_server, username: str) -> tuple[Page, list[str]]:
    page = login(browser, live_server, username)
    return page, _watch(page.context)


def _photo(width: int = 40, height: int = 30) -> dict:
    """A PNG of random pixels (it does not compress: about 3 bytes a pixel)."""
    pixels = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    pixels.save(buffer, format="PNG")
    return {"name": "anh.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def _visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")


def _no_violation(page: Page, seen: list[str]) -> None:
    """Nothing reported by the pages visited, nor so far by the one open."""
    assert page.evaluate("() => window.violations") == []
    assert seen == []


def test_the_watcher_sees_a_violation(browser, live_server):
    """The listener is not blind: an image from elsewhere is refused and reported."""
    context = browser.new_context()
    seen = _watch(context)
    page = context.new_page()
    _visit(page, f"{live_server.url}/tai-khoan/login/")
    page.evaluate(
        "() => { const img = new Image(); img.src = 'http://example.invalid/x.png';"
        " document.body.appendChild(img); }"
    )
    page.wait_for_function("() => window.violations.length > 0")
    assert page.evaluate("() => window.violations")[0].startswith("img-src http://example")
    assert any(line.startswith("img-src http://example") for line in seen), seen
    context.close()


def test_login_page_keeps_the_policy(browser, live_server):
    demo_tree_load()
    context = browser.new_context()
    seen = _watch(context)
    page = context.new_page()
    _visit(page, f"{live_server.url}/tai-khoan/login/")
    page.fill("input[name=login]", "doson.editor")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)
    _no_violation(page, seen)
    context.close()


def test_editor_works_under_the_policy(browser, live_server, settings):
    settings.IMAGE_QUOTA_PER_DOCUMENT_MB = 1
    orgs, users = demo_tree_load()
    document = make_document(users, orgs)
    published = make_document(users, orgs, state="published", title="Bản tin đã ban hành")
    page, seen = _signed_in(browser, live_server, "doson.editor")

    _visit(page, f"{live_server.url}/van-ban/")
    _visit(page, f"{live_server.url}/van-ban/{published.pk}/")
    _visit(page, f"{live_server.url}/thu-vien/")
    _visit(page, f"{live_server.url}/van-ban/{document.pk}/sua/")
    page.wait_for_selector("html[data-editor-ready='1']")
    body = page.locator(".ck-editor__editable")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Đoạn gõ dưới chính sách bảo mật nội dung.")
    page.click("#insert-footnote")
    expect(page.locator("#footnote-dialog")).to_be_visible()
    page.fill("#footnote-text", "Chú thích gõ trong hộp thoại.")
    page.click("#footnote-ok")
    expect(page.locator("#footnote-dialog")).to_be_hidden()
    # An image over the document's quota: the editor says why, in an alert.
    with page.expect_event("dialog") as alert:
        page.set_input_files(".ck-toolbar input[type=file]", files=[_photo(620, 620)])
    assert "trong hạn mức 1 MB của mỗi văn bản" in alert.value.message
    alert.value.accept()
    expect(body.locator("img")).to_have_count(0)
    # An image through the editor's own upload button, served back by the portal.
    page.set_input_files(".ck-toolbar input[type=file]", files=[_photo()])
    uploaded = body.locator("img[src^='/media/images/']")
    expect(uploaded).to_have_count(1)
    page.wait_for_function(
        "() => { const img = document.querySelector('.ck-editor__editable img');"
        " return img && img.complete && img.naturalWidth === 40; }"
    )
    page.click("#save")
    expect(page.locator("h1")).to_have_text(document.title)
    body_html = Document.objects.get(pk=document.pk).current_revision.body_html
    assert "Đoạn gõ dưới chính sách bảo mật nội dung." in body_html
    assert '<span class="footnote">Chú thích gõ trong hộp thoại.</span>' in body_html
    assert '<img src="/media/images/' in body_html

    _visit(page, f"{live_server.url}/van-ban/{document.pk}/")
    shown = page.locator(".body img")
    expect(shown).to_have_count(1)
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 40
    _no_violation(page, seen)


def test_reader_and_approver_pages_keep_the_policy(browser, live_server):
    orgs, users = demo_tree_load()
    make_document(users, orgs, state="published", title="Bản tin đã ban hành")
    forwarded = make_document(users, orgs, state="forwarded", title="Bản tin chờ duyệt")

    reader, seen = _signed_in(browser, live_server, "vanhuong.secretary")
    _visit(reader, f"{live_server.url}/")
    expect(reader.locator("h1")).to_be_visible()
    _visit(reader, f"{live_server.url}/thu-vien/")
    _no_violation(reader, seen)

    approver, seen = _signed_in(browser, live_server, "hp.approver")
    _visit(approver, f"{live_server.url}/van-ban/{forwarded.pk}/")
    approver.click("#approve")
    expect(approver.locator("#approve-confirm")).to_be_visible()
    _no_violation(approver, seen)
