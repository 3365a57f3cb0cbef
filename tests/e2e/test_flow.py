"""The whole flow in a real browser: draft, review, approve, publish, download, scoping."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.models import Document, Receipt
from portal.services.demo import demo_tree_load
from tests.e2e.conftest import login, shot
from tests.factories import run_tasks

TITLE = "Thông tin sinh hoạt chi bộ tháng 01 năm 2025"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bulletin_from_draft_to_cell_secretary(browser, live_server):
    demo_tree_load()

    editor = login(browser, live_server, "doson.editor")
    editor.click("text=Bản tin mới")
    editor.fill("input[name=thang]", "2025-01")  # the month of the title, in the month picker
    editor.click("#month-picker button")
    editor.wait_for_url(lambda url: "thang=2025-01" in url)
    expect(editor.locator("input[name=period_month]")).to_have_value("1")
    editor.fill("input[name=title]", TITLE)
    # The closing is required to submit.
    editor.fill("textarea[name=recipients]", "Các chi bộ trực thuộc\nLưu BTGQU")
    editor.fill("input[name=signer_name]", "Nguyễn Văn A")
    body = editor.locator(".ck-editor__editable")
    body.click()
    body.type("Tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam.")
    shot(editor, "1-editor-draft")
    editor.click("#save")
    expect(editor.locator("h1")).to_have_text(TITLE)
    editor.click("#submit")
    expect(editor.locator("#status")).to_have_text("Chờ duyệt")
    shot(editor, "2-editor-submitted")
    document = Document.objects.get(title=TITLE)
    assert "95 năm Ngày thành lập Đảng" in document.current_revision.body_html
    detail = f"{live_server.url}/van-ban/{document.pk}/"

    head = login(browser, live_server, "doson.head")
    expect(head.locator("#awaiting")).to_contain_text(TITLE)
    head.goto(detail)
    head.click("#forward")
    expect(head.locator("body")).to_contain_text("bước 2")
    shot(head, "3-head-forwarded")

    approver = login(browser, live_server, "hp.approver")
    approver.goto(detail)
    approver.click("#approve")
    expect(approver.locator("#approve-confirm")).to_contain_text("1-BT/BTGQU")
    approver.click("#approve-confirmed")  # publishes at once, the default
    expect(approver.locator("#status")).to_have_text("Đã ban hành")
    expect(approver.locator(".number")).to_contain_text("Số 1-BT/BTGQU")
    run_tasks()  # the background worker renders the approved revision
    shot(approver, "4-approver-published")

    reader = login(browser, live_server, "vanhuong.secretary", mobile=True)
    expect(reader.locator("#this-month")).to_contain_text(TITLE)  # the latest bulletin
    reader.click("#nav-library")
    expect(reader.locator("#library")).to_contain_text(TITLE)
    shot(reader, "5-secretary-library-phone")
    reader.click(f"text={TITLE}")
    with reader.expect_download() as download_info:
        reader.click("#download-pdf")
    download = download_info.value
    assert download.suggested_filename == "Bản tin tháng 1-2025 Ban Tuyên giáo Quận ủy Đồ Sơn.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    with reader.expect_download() as word_info:
        reader.click("#download-docx")
    word = word_info.value
    assert word.suggested_filename == "Bản tin tháng 1-2025 Ban Tuyên giáo Quận ủy Đồ Sơn.docx"
    assert Path(word.path()).read_bytes().startswith(b"PK")
    shot(reader, "6-secretary-document-phone")
    assert Receipt.objects.filter(document=document).count() == 1

    outsider = login(browser, live_server, "ngoquyen.secretary", mobile=True)
    expect(outsider.locator("#this-month")).not_to_contain_text(TITLE)
    outsider.click("#nav-library")
    expect(outsider.locator("#library")).not_to_contain_text(TITLE)
    response = outsider.goto(detail)
    assert response is not None and response.status == 404
    expect(outsider.locator("body")).to_contain_text("Không tìm thấy")
    shot(outsider, "7-other-district-secretary-404")
