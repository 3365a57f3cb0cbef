"""Authoring in a real browser: new-bulletin outline, footnotes, autosave, two editors at once."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from portal.demo.tree import DEMO_PASSWORD
from portal.models import Document, Membership, Revision
from portal.services.demo import demo_tree_load
from portal.services.imports import document_import
from portal.services.organisations import membership_grant
from tests.e2e.conftest import login, shot
from tests.factories import make_document

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"
FOOTNOTES = re.compile(r'<span class="footnote">(.*?)</span>', re.S)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_editor(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-editor-ready='1']")


def _import(users, orgs, seed: str, kind: str) -> Document:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    document, _ = document_import(
        text=text, kind=kind, issuer=orgs["doson-btg"], actor=users["doson.editor"]
    )
    return document


def _type_at_end(page: Page, text: str) -> None:
    body = page.locator(".ck-editor__editable")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_new_bulletin_starts_from_the_previous_bulletins_outline(browser, live_server):
    orgs, users = demo_tree_load()
    _import(users, orgs, "bulletin-2024-12-doson.txt", "bulletin")
    editor = login(browser, live_server, "doson.editor")
    editor.click("text=Bản tin mới")
    editor.wait_for_selector("html[data-editor-ready='1']")
    editor.fill("input[name=thang]", "2025-01")
    editor.click("#month-picker button")
    editor.wait_for_url(re.compile(r"thang=2025-01"))
    editor.wait_for_selector("html[data-editor-ready='1']")

    expect(editor.locator("input[name=title]")).to_have_value(
        "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025"
    )
    expect(editor.locator("input[name=period_month]")).to_have_value("1")
    expect(editor.locator("#prefill-note")).to_contain_text("tháng 12/2024")
    headings = [
        "I. HOẠT ĐỘNG ĐỐI NGOẠI VÀ TÌNH HÌNH THẾ GIỚI TRONG THỜI GIAN GẦN ĐÂY",
        "II. THÔNG TIN TÌNH HÌNH THỜI SỰ TRONG NƯỚC, THÀNH PHỐ VÀ QUẬN",
        "1. Thông tin tình hình trong nước",
        "2. Thông tin tình hình thành phố Hải Phòng",
        "3. Thông tin tình hình trên địa bàn quận",
        "III. ĐỊNH HƯỚNG NỘI DUNG TUYÊN TRUYỀN THÁNG 01/2025",
    ]
    content = editor.locator(".ck-editor__editable")
    expect(content.locator("h2, h3")).to_have_text(headings)
    expect(content).not_to_contain_text("APEC")
    outline = editor.locator("#outline")
    expect(outline).to_have_attribute("open", "")
    expect(outline.locator("li")).to_have_text(headings)
    shot(editor, "editor-1-new-bulletin-outline")

    # The outline follows the text: a heading added in the editor appears in it.
    target = content.locator("h3", has_text="3. Thông tin tình hình trên địa bàn quận")
    editor.locator("#outline-list a", has_text="3. Thông tin tình hình trên địa bàn quận").click()
    expect(target).to_be_in_viewport()
    content.locator("h3", has_text="1. Thông tin tình hình trong nước").click()
    editor.keyboard.press("End")
    editor.keyboard.press("Enter")
    editor.keyboard.type("1.1. Tin mới trong nước")
    editor.locator(".ck-heading-dropdown button").first.click()
    editor.locator(".ck-heading-dropdown .ck-list__item", has_text="Mục 1.1.").first.click()
    expect(outline.locator("li.level-4")).to_have_text(["1.1. Tin mới trong nước"])

    editor.click("#save")
    expect(editor.locator("h1")).to_have_text("THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025")
    reader_outline = editor.locator("#outline li")
    expect(reader_outline).to_have_count(7)
    link = editor.locator("#outline a", has_text="1.1. Tin mới trong nước")
    anchor = link.get_attribute("href")
    assert anchor == "#h-7"  # typed in the editor without an id: one is given at display
    link.click()
    expect(editor.locator(f"h4{anchor}")).to_have_text("1.1. Tin mới trong nước")
    assert editor.url.endswith(anchor)
    shot(editor, "editor-2-saved-bulletin-with-outline")

    phone = login(browser, live_server, "doson.editor", mobile=True)
    phone.goto(editor.url.split("#")[0])
    phone_outline = phone.locator("#outline")
    expect(phone_outline).not_to_have_attribute("open", "")
    phone.click("#outline summary")
    expect(phone_outline.locator("li")).to_have_count(7)
    shot(phone, "editor-3-outline-on-phone")


def test_footnotes_survive_the_editor_and_can_be_added_and_edited(browser, live_server):
    orgs, users = demo_tree_load()
    document = _import(users, orgs, "guidance-2024-haibatrung.txt", "guidance")
    stored = document.current_revision.body_html
    editor = login(browser, live_server, "doson.editor")
    edit_url = f"{live_server.url}/van-ban/{document.pk}/sua/"

    _open_editor(editor, edit_url)
    editor.click("#save")
    expect(editor.locator("h1")).to_have_text(document.title)
    document.refresh_from_db()
    saved = document.current_revision.body_html
    assert document.current_revision.number == 2
    assert FOOTNOTES.findall(saved) == FOOTNOTES.findall(stored)
    assert len(FOOTNOTES.findall(saved)) == 9
    assert re.findall(r"<h[2-5][^>]*>", saved) == re.findall(r"<h[2-5][^>]*>", stored)

    _open_editor(editor, edit_url)
    first = editor.locator(".ck-editor__editable p").first
    first.click()
    editor.keyboard.press("End")
    dialog = editor.locator("#footnote-dialog")
    editor.click("#insert-footnote")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Chèn chú thích")
    expect(editor.locator("#footnote-text")).to_be_focused()
    expect(editor.locator("#footnote-remove")).to_be_hidden()
    shot(editor, "editor-4-footnote-dialog")
    editor.fill("#footnote-text", "Chú thích thêm trong trình duyệt")
    editor.click("#footnote-ok")
    expect(dialog).to_be_hidden()
    editor.keyboard.type(" Câu tiếp theo.")  # the caret is back in the text, after the note
    note = editor.locator(".ck-editor__editable .footnote", has_text="Chú thích thêm")
    expect(note).to_have_count(1)
    shot(editor, "editor-4-footnote-inserted")

    editor.locator(".ck-editor__editable .footnote").nth(1).click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Sửa chú thích")
    expect(editor.locator("#footnote-ok")).to_have_text("Lưu")
    expect(editor.locator("#footnote-text")).to_have_value(FOOTNOTES.findall(stored)[0])
    editor.fill("#footnote-text", "Chú thích đã sửa")
    editor.click("#footnote-ok")
    expect(dialog).to_be_hidden()
    expect(
        editor.locator(".ck-editor__editable .footnote", has_text="Chú thích đã sửa")
    ).to_have_count(1)
    editor.click("#save")
    expect(editor.locator("h1")).to_have_text(document.title)

    document.refresh_from_db()
    body = document.current_revision.body_html
    notes = FOOTNOTES.findall(body)
    assert len(notes) == 10
    assert notes[0] == "Chú thích thêm trong trình duyệt"
    assert notes[1] == "Chú thích đã sửa"
    assert notes[2:] == FOOTNOTES.findall(stored)[1:]
    assert '<span class="footnote">Chú thích thêm trong trình duyệt</span> Câu tiếp theo.' in body


def test_footnote_dialog_cancels_refuses_empty_text_and_removes_a_note(browser, live_server):
    orgs, users = demo_tree_load()
    document = make_document(users, orgs)  # one footnote: "Tổ chức tại Lima, Peru."
    editor = login(browser, live_server, "doson.editor")
    _open_editor(editor, f"{live_server.url}/van-ban/{document.pk}/sua/")
    editable = editor.locator(".ck-editor__editable")
    notes = editable.locator(".footnote")
    dialog = editor.locator("#footnote-dialog")
    error = editor.locator("#footnote-error")

    # Esc cancels a new footnote.
    editor.locator(".ck-editor__editable p").first.click()
    editor.click("#insert-footnote")
    editor.fill("#footnote-text", "Không chèn")
    editor.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(editable).to_be_focused()  # the caret is back in the text
    expect(notes).to_have_count(1)

    # An empty text is refused with a message; «Hủy» cancels.
    editor.click("#insert-footnote")
    expect(editor.locator("#footnote-text")).to_have_value("")  # nothing left from before
    editor.fill("#footnote-text", "   ")
    editor.click("#footnote-ok")
    expect(dialog).to_be_visible()
    expect(error).to_be_visible()
    expect(error).to_have_text(
        "Chú thích chưa có nội dung: hãy gõ nội dung, hoặc bấm «Hủy» để thôi."
    )
    expect(editor.locator("#footnote-text")).to_have_attribute("aria-invalid", "true")
    shot(editor, "editor-9-footnote-empty-refused")
    editor.click("#footnote-cancel")
    expect(dialog).to_be_hidden()
    expect(editable).to_be_focused()  # the caret is back in the text
    expect(notes).to_have_count(1)

    # Editing: Esc keeps the note as it was; an emptied text is refused; «Xoá» removes it.
    notes.first.click()
    expect(editor.locator("#footnote-text")).to_have_value("Tổ chức tại Lima, Peru.")
    expect(error).to_be_hidden()
    editor.fill("#footnote-text", "Sửa rồi bỏ")
    editor.keyboard.press("Escape")
    expect(notes).to_have_text(["Tổ chức tại Lima, Peru."])
    expect(editable).to_be_focused()  # the caret is back in the text
    notes.first.click()
    editor.fill("#footnote-text", "")
    editor.click("#footnote-ok")
    expect(error).to_be_visible()
    expect(notes).to_have_text(["Tổ chức tại Lima, Peru."])
    editor.click("#footnote-remove")
    expect(dialog).to_be_hidden()
    expect(notes).to_have_count(0)
    editor.click("#save")
    expect(editor.locator(".messages")).to_contain_text("Đã lưu bản sửa mới.")
    document.refresh_from_db()
    body = document.current_revision.body_html
    assert "footnote" not in body and "APEC." in body


def test_autosave_keeps_a_draft_and_a_new_document_becomes_one_draft(browser, live_server):
    orgs, users = demo_tree_load()
    editor = login(browser, live_server, "doson.editor")
    _open_editor(editor, f"{live_server.url}/van-ban/moi/bulletin/?thang=2025-02")
    _type_at_end(editor, "Nội dung gõ trước khi bấm lưu.")
    editor.evaluate("window.portalEditor.autosave()")
    expect(editor.locator("#autosave-status")).to_have_text(
        re.compile(r"Đã tự động lưu lúc \d\d:\d\d")
    )
    document = Document.objects.get()
    assert editor.url.endswith(f"/van-ban/{document.pk}/sua/")
    assert "Nội dung gõ trước khi bấm lưu." in document.current_revision.body_html
    shot(editor, "editor-5-autosaved")

    _type_at_end(editor, "Thêm một đoạn khi rời trang.")
    editor.evaluate("window.dispatchEvent(new Event('pagehide'))")
    expect(editor.locator("#autosave-status")).to_have_text(re.compile(r"Đã tự động lưu lúc"))
    document.refresh_from_db()
    # The page's autosaves rewrite its one working copy instead of adding revisions.
    assert document.current_revision.number == 1 and document.current_revision.autosaved
    assert "Thêm một đoạn khi rời trang." in document.current_revision.body_html

    _type_at_end(editor, "Và đoạn cuối.")
    editor.click("#save")
    expect(editor.locator("h1")).to_have_text("THÔNG TIN SINH HOẠT CHI BỘ THÁNG 02 NĂM 2025")
    assert Document.objects.count() == 1
    document.refresh_from_db()
    assert document.current_revision.number == 2 and not document.current_revision.autosaved
    assert "Và đoạn cuối." in document.current_revision.body_html


def test_new_bulletin_opens_the_months_draft_and_a_second_one_is_refused(browser, live_server):
    from django.utils import timezone

    from portal.services.documents import document_create

    orgs, users = demo_tree_load()
    today = timezone.localdate()
    nxt = (today.month % 12 + 1, today.year + (today.month == 12))

    def bulletin(month: int, year: int) -> Document:
        return document_create(
            kind="bulletin", issuer=orgs["doson-btg"], actor=users["doson.editor"],
            title=f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {month:02d} NĂM {year}",
            body_html="<p>Bản của tháng.</p>",
            kind_fields={"period_month": month, "period_year": year},
        )  # fmt: skip

    this_month = bulletin(today.month, today.year)
    editor = login(browser, live_server, "doson.editor")
    editor.click("text=Bản tin mới")
    editor.wait_for_selector("html[data-editor-ready='1']")
    assert editor.url.endswith(f"/van-ban/{this_month.pk}/sua/")
    expect(editor.locator(".messages")).to_contain_text("mở bản tin đó để soạn tiếp")
    shot(editor, "editor-10-new-opens-the-months-draft")

    editor.click("#next-month")  # the next month is free: a new bulletin for it
    editor.wait_for_selector("html[data-editor-ready='1']")
    expect(editor.locator("input[name=thang]")).to_have_value(f"{nxt[1]:04d}-{nxt[0]:02d}")
    bulletin(*nxt)  # meanwhile a colleague starts that month's bulletin
    _type_at_end(editor, "Đoạn gõ trước khi biết đã có bản tin.")
    editor.evaluate("window.portalEditor.autosave()")
    expect(editor.locator("#autosave-status")).to_contain_text("nên bản này chưa được lưu")
    expect(editor.locator(".ck-editor__editable")).to_contain_text("Đoạn gõ trước khi biết")
    assert Document.objects.count() == 2
    editor.click("#save")
    expect(editor.locator(".errors")).to_contain_text(
        "mỗi đơn vị chỉ lập một bản tin cho mỗi tháng"
    )
    editor.wait_for_selector("html[data-editor-ready='1']")
    expect(editor.locator(".ck-editor__editable")).to_contain_text("Đoạn gõ trước khi biết")
    expect(editor.locator("#month-taken a")).to_have_attribute("target", "_blank")
    shot(editor, "editor-11-second-bulletin-refused")
    assert Document.objects.count() == 2


def test_two_editors_of_one_draft_nobody_loses_text(browser, live_server):
    orgs, users = demo_tree_load()
    second, _ = get_user_model().objects.get_or_create(username="doson.editor2")
    second.set_password(DEMO_PASSWORD)
    second.save()
    membership_grant(user=second, organisation=orgs["doson-btg"], role=Membership.Role.EDITOR)
    document = make_document(users, orgs)
    edit_url = f"{live_server.url}/van-ban/{document.pk}/sua/"

    first = login(browser, live_server, "doson.editor")
    other = login(browser, live_server, "doson.editor2")
    _open_editor(first, edit_url)
    _open_editor(other, edit_url)
    _type_at_end(first, "Đoạn của biên tập viên thứ nhất.")
    _type_at_end(other, "Đoạn của biên tập viên thứ hai.")

    first.click("#save")
    expect(first.locator(".messages")).to_contain_text("Đã lưu bản sửa mới.")

    other.click("#save")
    conflict = other.locator("#conflict")
    expect(conflict).to_contain_text("Chưa lưu: bản nháp vừa được người khác sửa")
    expect(conflict).to_contain_text("doson.editor đã lưu bản số 2")
    expect(conflict.locator("ins")).to_have_text(["Đoạn của biên tập viên thứ nhất."])
    other.wait_for_selector("html[data-editor-ready='1']")
    expect(other.locator(".ck-editor__editable")).to_contain_text("Đoạn của biên tập viên thứ hai.")
    shot(other, "editor-6-conflict-refused-with-diff")

    kept = Revision.objects.get(document=document, number=3)
    assert "Đoạn của biên tập viên thứ hai." in kept.body_html
    document.refresh_from_db()
    assert document.current_revision.number == 2

    # The second editor takes the first one's paragraph over, then saves on top of it.
    _type_at_end(other, "Đoạn của biên tập viên thứ nhất.")
    other.click("#save")
    expect(other.locator(".messages")).to_contain_text("Đã lưu bản sửa mới.")
    document.refresh_from_db()
    final = document.current_revision.body_html
    assert document.current_revision.number == 4
    assert "Đoạn của biên tập viên thứ hai." in final
    assert "Đoạn của biên tập viên thứ nhất." in final
    shot(other, "editor-7-conflict-resolved")


def test_a_draft_submitted_from_another_tab_stops_autosave_and_keeps_the_text(browser, live_server):
    from portal.services.workflow import document_submit

    orgs, users = demo_tree_load()
    document = make_document(users, orgs)
    editor = login(browser, live_server, "doson.editor")
    _open_editor(editor, f"{live_server.url}/van-ban/{document.pk}/sua/")
    _type_at_end(editor, "Đoạn đang gõ dở khi văn bản được trình.")
    document_submit(document=document, actor=users["doson.editor"])  # another tab
    editor.evaluate("window.portalEditor.autosave()")
    status = editor.locator("#autosave-status")
    expect(status).to_contain_text("vừa được trình hoặc phê duyệt")
    _type_at_end(editor, "Gõ thêm.")
    requests = []
    editor.on("request", lambda request: requests.append(request.url))
    editor.evaluate("window.portalEditor.autosave()")
    assert not [url for url in requests if "tu-dong-luu" in url]  # autosave has stopped
    expect(editor.locator(".ck-editor__editable")).to_contain_text("Đoạn đang gõ dở")
    shot(editor, "editor-8-submitted-meanwhile")
    document.refresh_from_db()
    assert document.current_revision.number == 1
