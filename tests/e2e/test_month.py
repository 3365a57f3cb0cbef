"""The month on today's date, in a real browser, for every persona, in today's tree (wards
directly under the city since 1 July 2025): a ward's bulletin and a headless department's
bulletin through return, draft PDF, forward, approval of both in one go, rendering, and a
cell secretary's phone; then a city document drafted by the city's own department.
Screenshots go to test-output/e2e/month-*.png."""

import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.models import Document, Receipt, WorkflowEvent
from portal.services.demo import demo_load, demo_reorganised_load
from tests.e2e.conftest import login, shot
from tests.factories import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_text(page: Page, url: str, tmp_path: Path, name: str) -> str:
    """The text of a PDF fetched with the page's own session, read by pdftotext."""
    response = page.request.get(url)
    assert response.status == 200, response.status
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(response.body())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _draft_bulletin(page: Page, text: str) -> Document:
    """'Bản tin mới' for this month, a paragraph typed into the template, saved."""
    page.click("text=Bản tin mới")
    page.wait_for_selector("html[data-editor-ready='1']")
    today = timezone.localdate()
    expect(page.locator("input[name=thang]")).to_have_value(f"{today:%Y-%m}")
    body = page.locator(".ck-editor__editable")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)
    page.fill(
        "input[name=signer_name]", page.input_value("input[name=signer_name]") or "Nguyễn Văn A"
    )
    recipients = page.locator("textarea[name=recipients]")
    if not recipients.input_value().strip():
        recipients.fill("Các chi bộ trực thuộc\nLưu BTG")
    page.click("#save")
    page.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    return Document.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))


def test_the_month_for_every_persona_on_todays_date(browser, live_server, tmp_path):
    demo_reorganised_load()  # the demo without this month's bulletins: they are written here
    today = timezone.localdate()

    # The ward's editor (the former district editor) drafts this month's bulletin from the
    # template and submits it.
    editor = login(browser, live_server, "doson.editor")
    bulletin = _draft_bulletin(editor, "Tuyên truyền kết quả Đại hội Đảng bộ thành phố.")
    assert (bulletin.bulletin.period_month, bulletin.bulletin.period_year) == (
        today.month,
        today.year,
    )
    shot(editor, "month-1-editor-draft")
    editor.click("#submit")
    expect(editor.locator(".messages")).to_contain_text(
        "Đã trình đồng chí Hoàng Văn Nam, Lãnh đạo ban"
    )
    detail = f"{live_server.url}/van-ban/{bulletin.pk}/"

    # A department without a head: its draft still reaches an approver, and says so.
    headless = login(browser, live_server, "ngoquyen.editor")
    other = _draft_bulletin(headless, "Tuyên truyền phòng chống bão lũ.")
    headless.click("#submit")
    expect(headless.locator(".messages")).to_contain_text("Trần Quang Minh, Thường trực duyệt")
    shot(headless, "month-2-headless-department-submitted")

    # The head returns it with a reason; the editor sees it at the top, fixes and resubmits.
    head = login(browser, live_server, "doson.head")
    expect(head.locator("#awaiting")).to_contain_text(bulletin.title)
    head.goto(detail)
    head.fill("textarea[name=reason]", "Bổ sung tin về Đại hội Đảng bộ phường.")
    head.click("#return")
    expect(head.locator(".messages")).to_contain_text("Đã trả lại văn bản")
    editor.goto(detail)
    expect(editor.locator("#returned-banner")).to_contain_text("Hoàng Văn Nam")
    expect(editor.locator("#returned-banner")).to_contain_text("Bổ sung tin về Đại hội")
    shot(editor, "month-3-editor-sees-return")
    editor.click(f"a[href='/van-ban/{bulletin.pk}/sua/']")
    editor.wait_for_selector("html[data-editor-ready='1']")
    expect(editor.locator("#returned-banner")).to_be_visible()
    editor.locator(".ck-editor__editable").click()
    editor.keyboard.press("Control+End")
    editor.keyboard.press("Enter")
    editor.keyboard.type("Đại hội Đảng bộ phường Vạn Hương thành công tốt đẹp.")
    editor.click("#save")
    editor.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    editor.click("#submit")
    expect(editor.locator("#returned-banner")).to_have_count(0)

    # The head opens the draft PDF of exactly that revision, then forwards.
    head.goto(detail)
    href = head.get_attribute("#draft-pdf", "href")
    text = _pdf_text(head, f"{live_server.url}{href}", tmp_path, "draft")
    assert "DỰ THẢO" in text and "Vạn Hương thành công tốt đẹp" in text
    assert re.search(r"Số\s+-BT/BXDĐ", text) and "ĐẢNG ỦY PHƯỜNG ĐỒ SƠN" in text
    head.click("#forward")
    expect(head.locator(".messages")).to_contain_text("Trần Quang Minh, Thường trực duyệt")
    shot(head, "month-4-head-forwarded")

    # The city approver signs in with the second factor and approves both in one go.
    approver = login(browser, live_server, "hp.approver")
    approver.goto(f"{live_server.url}/van-ban/")
    approver.check(f"#select-{bulletin.pk}")
    approver.check(f"#select-{other.pk}")
    shot(approver, "month-5-approver-inbox")
    approver.click("#approve-selected")
    expect(approver.locator("#approve-many-confirm")).to_contain_text("số dự kiến 1-BT/BXDĐ")
    shot(approver, "month-6-approver-confirm")
    approver.click("#approve-many-confirmed")
    expect(approver.locator(".messages")).to_contain_text("Đã phê duyệt 2 văn bản")
    for document in (bulletin, other):
        document.refresh_from_db()
        assert document.status == Document.Status.PUBLISHED
        assert document.issued_on == today and document.term_start == 2025
    skipped = other.events.get(action=WorkflowEvent.Action.SUBMIT)
    assert "chưa có lãnh đạo ban" in skipped.reason

    run_tasks()  # the worker renders both

    # The secretary, on a phone: sign in (tap 1), download this month's bulletin (tap 2).
    reader = login(browser, live_server, "vanhuong.secretary", mobile=True)
    shot(reader, "month-7-secretary-landing-phone")
    with reader.expect_download() as download_info:
        reader.click("#download-this-month")
    download = download_info.value
    assert download.suggested_filename == (
        f"Bản tin tháng {today.month}-{today.year} Ban Xây dựng Đảng Đảng ủy phường Đồ Sơn.pdf"
    )
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert Receipt.objects.filter(document=bulletin).count() == 1


def test_a_city_document_drafted_by_the_city_department(browser, live_server, tmp_path):
    demo_load()
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1

    city_editor = login(browser, live_server, "hp.editor")
    city_editor.click("text=Báo cáo mới")
    city_editor.wait_for_selector("html[data-editor-ready='1']")
    city_editor.select_option("select[name=issuer]", label="Thành ủy Hải Phòng")
    city_editor.fill(
        "input[name=title]", f"Báo cáo công tác tuyên giáo quý {quarter} năm {today.year}"
    )
    city_editor.fill("input[name=quarter]", str(quarter))
    city_editor.fill("input[name=year]", str(today.year))
    city_editor.locator(".ck-editor__editable").click()
    city_editor.keyboard.press("Control+End")
    city_editor.keyboard.press("Enter")
    city_editor.keyboard.type("Công tác tuyên truyền Nghị quyết Đại hội được triển khai kịp thời.")
    city_editor.fill("input[name=signer_name]", "Trần Quang Minh")
    city_editor.fill("textarea[name=recipients]", "Ban Tuyên giáo Trung ương\nLưu VPTU")
    city_editor.click("#save")
    city_editor.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    report = Document.objects.get(pk=int(city_editor.url.rstrip("/").split("/")[-1]))
    shot(city_editor, "month-city-0-saved")
    assert report.issuer.code == "hp"
    city_editor.click("#submit")
    expect(city_editor.locator(".messages")).to_contain_text("Vũ Đức Thắng, Lãnh đạo ban")
    shot(city_editor, "month-city-1-editor-submitted")
    detail = f"{live_server.url}/van-ban/{report.pk}/"

    city_head = login(browser, live_server, "hp.head")
    city_head.goto(detail)
    text = _pdf_text(city_head, f"{detail}du-thao.pdf", tmp_path, "city-draft")
    assert "DỰ THẢO" in text and re.search(r"Số\s+-BC/TU", text)
    city_head.click("#forward")
    expect(city_head.locator(".messages")).to_contain_text("Trần Quang Minh")

    approver = login(browser, live_server, "hp.approver")
    approver.goto(detail)
    approver.click("#approve")
    # The seed report of 2023 is "Số 1-BC/TU" of the last term; this term starts again at 1.
    expect(approver.locator("#approve-confirm")).to_contain_text("1-BC/TU")
    approver.click("#approve-confirmed")
    expect(approver.locator("#status")).to_have_text("Đã ban hành")
    shot(approver, "month-city-2-approved")
    report.refresh_from_db()
    assert (report.number, report.term_start) == ("1-BC/TU", 2025)
    run_tasks()

    reader = login(browser, live_server, "vanhuong.secretary", mobile=True)
    expect(reader.locator("body")).to_contain_text(report.title)
    reader.click(f"text={report.title}")
    with reader.expect_download() as download_info:
        reader.click("#download-pdf")
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    shot(reader, "month-city-3-secretary-phone")
