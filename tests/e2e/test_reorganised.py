"""After the reorganisation of 1 July 2025, in a real browser: the former Đồ Sơn editor drafts
this month's bulletin of phường Đồ Sơn, the ward's head forwards it, the city approves it
(two-step sign-in), and a cell that used to be under Đồ Sơn downloads it and still finds the
2024 Đồ Sơn bulletins, with their old header and number, in its library. Screenshots go to
test-output/e2e/reorganised-*.png."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Document, Receipt
from portal.services.demo import demo_reorganised_load
from tests.e2e.conftest import login, shot

# The month's helpers, shared rather than copied: draft from the template, read a PDF.
from tests.e2e.test_month import _draft_bulletin, _pdf_text
from tests.factories import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARD_DEPARTMENT = "Ban Xây dựng Đảng Đảng ủy phường Đồ Sơn"


def test_a_ward_bulletin_after_the_reorganisation_reaches_a_former_district_cell(
    browser, live_server, tmp_path
):
    demo_reorganised_load()
    today = timezone.localdate()

    # The former Đồ Sơn editor now drafts for the ward's Ban Xây dựng Đảng.
    editor = login(browser, live_server, "doson.editor")
    bulletin = _draft_bulletin(
        editor, "Đảng ủy phường Đồ Sơn triển khai sinh hoạt chi bộ tháng này."
    )
    assert bulletin.issuer.code == "phuong-doson-bxdd"
    assert (bulletin.bulletin.period_month, bulletin.bulletin.period_year) == (
        today.month,
        today.year,
    )
    detail = f"{live_server.url}/van-ban/{bulletin.pk}/"
    draft = _pdf_text(editor, f"{detail}du-thao.pdf", tmp_path, "ward-draft")
    assert "ĐẢNG ỦY PHƯỜNG ĐỒ SƠN" in draft and "BAN XÂY DỰNG ĐẢNG" in draft
    assert re.search(r"Số\s+-BT/BXDĐ", draft)
    shot(editor, "reorganised-1-ward-editor-draft")
    editor.click("#submit")
    expect(editor.locator(".messages")).to_contain_text("Hoàng Văn Nam, Lãnh đạo ban")

    # The former Đồ Sơn head, now head of the ward's department, forwards it to the city.
    head = login(browser, live_server, "doson.head")
    expect(head.locator("#awaiting")).to_contain_text(bulletin.title)
    head.goto(detail)
    head.click("#forward")
    expect(head.locator(".messages")).to_contain_text("Trần Quang Minh, Thường trực duyệt")

    # The city approver, signed in with the second factor, approves and publishes it.
    approver = login(browser, live_server, "hp.approver")
    approver.goto(detail)
    approver.click("#approve")
    expect(approver.locator("#approve-confirm")).to_contain_text("1-BT/BXDĐ")
    shot(approver, "reorganised-2-city-approver-confirm")
    approver.click("#approve-confirmed")
    expect(approver.locator("#status")).to_have_text("Đã ban hành")
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.number) == (Document.Status.PUBLISHED, "1-BT/BXDĐ")
    run_tasks()  # the worker renders it (and the seeds)

    # A cell formerly under Đồ Sơn, now under the ward: this month's bulletin in two taps.
    reader = login(browser, live_server, "vanhuong.secretary", mobile=True)
    shot(reader, "reorganised-3-cell-landing-phone")
    with reader.expect_download() as download_info:
        reader.click("#download-this-month")
    download = download_info.value
    assert download.suggested_filename == (
        f"Bản tin tháng {today.month}-{today.year} {WARD_DEPARTMENT}.pdf"
    )
    printed = _pdf_text(reader, f"{detail}pdf/", tmp_path, "ward")
    # A department's header: the committee above it, then its own name (36-HD/VPTW).
    # The two header columns come out of pdftotext in either order (by their heights).
    header = printed.split("BẢN TIN")[0]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "QUẬN ỦY" not in header
    assert re.search(r"ĐẢNG ỦY PHƯỜNG ĐỒ SƠN BAN XÂY DỰNG ĐẢNG \*? ?Số\s+1-BT/BXDĐ", header)
    assert Receipt.objects.filter(document=bulletin).count() == 1

    # Its library still holds the 2024 Đồ Sơn bulletins, printed as they were issued.
    reader.goto(f"{live_server.url}/thu-vien/?issuer=doson-btg")
    library = reader.locator("main")
    expect(library).to_contain_text("Số 1-BT/BTGQU")
    expect(library).to_contain_text("Số 2-BT/BTGQU")
    expect(library).to_contain_text("Ban Tuyên giáo Quận ủy Đồ Sơn")
    shot(reader, "reorganised-4-cell-library-2024-phone")
    february = Document.objects.get(issuer__code="doson-btg", number="1-BT/BTGQU")
    old = _pdf_text(reader, f"{live_server.url}/van-ban/{february.pk}/pdf/", tmp_path, "2024")
    assert "QUẬN ỦY ĐỒ SƠN" in old and re.search(r"Số\s+1-BT/BTGQU", old)
    assert "BXDĐ" not in old and "BAN XÂY DỰNG ĐẢNG" not in old
