"""A cell secretary on a phone: this month's bulletin in two taps from the login form, and a
document page that prints as the text alone."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Receipt
from portal.services.demo import demo_tree_load
from tests.e2e.conftest import login, shot
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDDEN_IN_PRINT = [
    ".topbar",
    "nav",
    ".lang-switch",
    ".messages",
    ".actions",
    ".history",
    "#outline",
]


def test_secretary_downloads_this_months_bulletin_in_at_most_three_taps(browser, live_server):
    organisations, users = demo_tree_load()
    today = timezone.localdate()  # the live server runs in this process, on the same clock
    bulletin = make_document(
        users, organisations, state="published",
        title=f"Thông tin sinh hoạt chi bộ tháng {today.month:02d} năm {today.year}",
        kind_fields={"period_month": today.month, "period_year": today.year},
    )  # fmt: skip

    page = login(browser, live_server, "vanhuong.secretary", mobile=True)
    taps = 1  # the login form's submit button
    button = page.locator("#download-this-month")
    expect(button).to_be_in_viewport()  # at the top of a 390 × 844 screen, no scrolling
    expect(page.locator("h1")).to_have_text(f"Bản tin tháng {today.month}/{today.year}")
    expect(page.locator("nav")).not_to_contain_text("Văn bản đang xử lý")
    shot(page, "reader-1-landing-phone")
    with page.expect_download() as download_info:
        button.click()
        taps += 1
    download = download_info.value
    assert taps <= 3
    assert download.suggested_filename == (
        f"Bản tin tháng {today.month}-{today.year} Ban Tuyên giáo Quận ủy Đồ Sơn.pdf"
    )
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert Receipt.objects.filter(document=bulletin).count() == 1
    page.reload()
    expect(page.locator("#received")).to_contain_text("Chi bộ đã tải ngày")
    shot(page, "reader-2-landing-after-download-phone")


def _visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def test_a_document_page_prints_as_its_text_alone(browser, live_server):
    organisations, users = demo_tree_load()
    document = make_document(users, organisations, state="approved")

    head = login(browser, live_server, "doson.head")
    head.goto(f"{live_server.url}/van-ban/{document.pk}/")
    head.click("#publish")
    expect(head.locator("#status")).to_have_text("Đã ban hành")
    for selector in HIDDEN_IN_PRINT:  # on screen, everything is there
        assert _visible(head, selector), selector

    head.emulate_media(media="print")
    shot(head, "reader-3-document-print")
    for selector in HIDDEN_IN_PRINT:
        assert not _visible(head, selector), selector
    assert not head.locator("#download-pdf").is_visible()
    assert head.locator("article.reader .body").is_visible()
    expect(head.locator("article.reader h1")).to_have_text(document.title)
    style = head.evaluate(
        """() => {
            const body = getComputedStyle(document.body);
            const text = getComputedStyle(document.querySelector('.reader .body p'));
            const link = document.querySelector('.reader a') || document.body;
            return {color: text.color, background: body.backgroundColor,
                    size: parseFloat(text.fontSize),
                    after: getComputedStyle(link, '::after').content};
        }"""
    )
    assert style["color"] == "rgb(0, 0, 0)"
    assert style["background"] == "rgb(255, 255, 255)"
    assert style["size"] >= 16  # 12 pt and up
    assert style["after"] in ("none", "normal")  # no printed link addresses
    assert head.pdf(format="A4").startswith(b"%PDF")

    reader = login(browser, live_server, "vanhuong.secretary", mobile=True)
    reader.goto(f"{live_server.url}/van-ban/{document.pk}/")
    reader.emulate_media(media="print")
    assert not _visible(reader, ".topbar") and not _visible(reader, ".actions")
    assert reader.locator("article.reader .body").is_visible()
    assert reader.pdf().startswith(b"%PDF")


def test_secretary_searches_without_accents_from_any_page_on_a_phone(browser, live_server):
    organisations, users = demo_tree_load()
    make_document(
        users, organisations, state="published", title="Hướng dẫn tuyên truyền tháng 12",
        kind="guidance", kind_fields={},
        body_html="<p>Đẩy mạnh <strong>tuyên truyền</strong> kỷ niệm Ngày thành lập Đảng.</p>",
    )  # fmt: skip
    make_document(users, organisations, state="draft", title="Dự thảo tuyên truyền")

    page = login(browser, live_server, "vanhuong.secretary", mobile=True)
    page.locator("#nav-search-q").fill("tuyen truyen ky niem")
    page.locator("#nav-search-q").press("Enter")
    expect(page.locator("#search-summary")).to_contain_text("1 văn bản có «tuyen truyen ky niem»")
    hit = page.locator(".search-hit")
    expect(hit.locator("a mark").first).to_have_text("tuyên")
    expect(hit.locator(".snippet mark")).to_have_text(["tuyên", "truyền", "kỷ", "niệm"])
    expect(hit.locator(".snippet")).to_have_text(
        "Đẩy mạnh tuyên truyền kỷ niệm Ngày thành lập Đảng."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(page, "reader-3-search-phone")
    hit.locator("a").click()
    expect(page.locator("h1")).to_contain_text("Hướng dẫn tuyên truyền tháng 12")


def test_secretary_sees_a_correction_and_a_recall_on_a_phone(browser, live_server):
    from portal.services.corrections import document_correct, document_recall
    from tests.factories import run_tasks

    organisations, users = demo_tree_load()
    corrected = make_document(
        users, organisations, state="published", title="Hướng dẫn tuyên truyền tháng 12",
        kind="guidance", kind_fields={}, body_html="<p>Kỷ niệm 80 năm Ngày truyền thống.</p>",
    )  # fmt: skip
    recalled = make_document(users, organisations, state="published", title="Bản tin phát nhầm")
    page = login(browser, live_server, "vanhuong.secretary", mobile=True)
    for document in (corrected, recalled):  # the cell downloads both
        page.goto(f"{live_server.url}/van-ban/{document.pk}/")
        with page.expect_download():
            page.locator("#download-pdf").click()
    approver = users["hp.approver"]
    document_correct(document=corrected, actor=approver, title=corrected.title,
                     body_html="<p>Kỷ niệm 81 năm Ngày truyền thống.</p>",
                     reason="Ghi sai số năm kỷ niệm.")  # fmt: skip
    run_tasks()
    document_recall(document=recalled, actor=approver, reason="Phát nhầm đối tượng.")

    page.goto(f"{live_server.url}/")
    expect(page.locator("#nav-notifications")).to_contain_text("Thông báo (2)")
    page.goto(f"{live_server.url}/van-ban/{corrected.pk}/")
    banner = page.locator("#corrected-banner")
    expect(banner).to_contain_text("Ghi sai số năm kỷ niệm.")
    expect(page.locator(".reader .body")).to_have_text("Kỷ niệm 81 năm Ngày truyền thống.")
    shot(page, "reader-4-corrected-phone")
    banner.get_by_role("link", name="bản trước đính chính").click()
    expect(page.locator("#superseded-banner")).to_contain_text("Ghi sai số năm kỷ niệm.")
    expect(page.locator(".reader .body")).to_have_text("Kỷ niệm 80 năm Ngày truyền thống.")
    with page.expect_download() as old:
        page.locator("#issued-pdf").click()
    assert Path(old.value.path()).read_bytes().startswith(b"%PDF")

    page.goto(f"{live_server.url}/van-ban/{recalled.pk}/")
    expect(page.locator("#recalled-banner")).to_contain_text("Phát nhầm đối tượng.")
    expect(page.locator("#text-recalled")).to_be_visible()
    expect(page.locator("#download-pdf")).to_have_count(0)
    shot(page, "reader-5-recalled-phone")
