"""Authoring: templates of new documents, outline, footnotes, autosave and no lost edits."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from bulletins.services import bulletin_period, bulletin_prefill, previous_bulletin
from guidance.skeletons import guidance_prefill, report_prefill
from portal.models import Document, Revision, WorkflowEvent
from portal.services.documents import (
    RevisionConflict,
    body_outline,
    document_update,
    paragraph_texts,
    revision_changes,
)
from portal.services.imports import document_import
from tests.factories import BODY, make_document

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"
FOOTNOTES = re.compile(r'<span class="footnote">(.*?)</span>', re.S)


def _headings(body_html: str) -> list[tuple[str, str]]:
    return re.findall(r"<(h[2-5])[^>]*>(.*?)</h[2-5]>", body_html)


def _import_seed(users, orgs, name: str = "bulletin-2024-12-doson.txt") -> Document:
    text = (SEEDS / name).read_text(encoding="utf-8")
    document, _ = document_import(
        text=text, kind="bulletin", issuer=orgs["doson-btg"], actor=users["doson.editor"]
    )
    return document


def _edit(document: Document, users, *, editor="doson.editor", body: str, base: int | None):
    return document_update(
        document=document,
        actor=users[editor],
        title=document.title,
        body_html=body,
        base_revision=base,
    )


# -- new documents start from the department's outline ---------------------------------


def test_new_bulletin_takes_the_previous_bulletins_sections_not_its_news(users, orgs):
    _import_seed(users, orgs)
    prefill = bulletin_prefill(issuer=orgs["doson-btg"], month="2025-01", today=date(2024, 6, 1))
    assert prefill.initial["title"] == "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025"
    assert (prefill.initial["period_month"], prefill.initial["period_year"]) == (1, 2025)
    assert prefill.month == "2025-01"
    assert "12/2024" in prefill.note
    assert _headings(prefill.initial["body"]) == [
        ("h2", "I. HOẠT ĐỘNG ĐỐI NGOẠI VÀ TÌNH HÌNH THẾ GIỚI TRONG THỜI GIAN GẦN ĐÂY"),
        ("h2", "II. THÔNG TIN TÌNH HÌNH THỜI SỰ TRONG NƯỚC, THÀNH PHỐ VÀ QUẬN"),
        # The seed lost the number of its first sub-heading; numbering by position restores it.
        ("h3", "1. Thông tin tình hình trong nước"),
        ("h3", "2. Thông tin tình hình thành phố Hải Phòng"),
        ("h3", "3. Thông tin tình hình trên địa bàn quận"),
        ("h2", "III. ĐỊNH HƯỚNG NỘI DUNG TUYÊN TRUYỀN THÁNG 01/2025"),
    ]
    assert 'id="h-1"' in prefill.initial["body"] and 'id="h-6"' in prefill.initial["body"]
    assert "APEC" not in prefill.initial["body"] and "<p" not in prefill.initial["body"]


def test_previous_bulletin_is_the_latest_before_the_month_of_the_same_department(users, orgs):
    february = _import_seed(users, orgs, "bulletin-2024-02-doson.txt")
    december = _import_seed(users, orgs)
    make_document(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor")
    assert previous_bulletin(issuer=orgs["doson-btg"], month=1, year=2025) == december
    assert previous_bulletin(issuer=orgs["doson-btg"], month=12, year=2024) == february
    assert previous_bulletin(issuer=orgs["doson-btg"], month=2, year=2024) is None
    assert previous_bulletin(issuer=orgs["ngoquyen-btg"], month=12, year=2024) is None


def test_without_a_previous_bulletin_the_standard_outline_names_city_and_district(orgs):
    district = bulletin_prefill(issuer=orgs["doson-btg"], month="2025-03", today=date(2025, 1, 1))
    assert district.note == "Dàn ý chuẩn của bản tin."
    assert [text for _, text in _headings(district.initial["body"])] == [
        "I. HOẠT ĐỘNG ĐỐI NGOẠI VÀ TÌNH HÌNH THẾ GIỚI TRONG THỜI GIAN GẦN ĐÂY",
        "II. THÔNG TIN TÌNH HÌNH THỜI SỰ TRONG NƯỚC, THÀNH PHỐ VÀ QUẬN",
        "1. Thông tin tình hình trong nước",
        "2. Thông tin tình hình thành phố Hải Phòng",
        "3. Thông tin tình hình trên địa bàn quận Đồ Sơn",
        "III. ĐỊNH HƯỚNG NỘI DUNG TUYÊN TRUYỀN THÁNG 03/2025",
    ]
    city = bulletin_prefill(issuer=orgs["hp-btg"], month="2025-03", today=date(2025, 1, 1))
    city_headings = [text for _, text in _headings(city.initial["body"])]
    assert "II. THÔNG TIN TÌNH HÌNH THỜI SỰ TRONG NƯỚC VÀ THÀNH PHỐ" in city_headings
    assert not any(text.startswith("3. ") for text in city_headings)


def test_bulletin_month_defaults_to_this_month_and_refuses_nonsense():
    assert bulletin_period("", today=date(2024, 12, 20)) == (12, 2024)
    assert bulletin_period("", today=date(2025, 3, 1)) == (3, 2025)
    assert bulletin_period("2025-01", today=date(2025, 3, 1)) == (1, 2025)
    for bad in ("2025-13", "2025-00", "tháng một", "1999-05", "2025-01-01"):
        with pytest.raises(ValueError):
            bulletin_period(bad, today=date(2025, 3, 1))


def test_guidance_starts_with_its_sections_recipients_and_signature(orgs):
    prefill = guidance_prefill(issuer=orgs["doson-btg"])
    assert [text for _, text in _headings(prefill.initial["body"])] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG TUYÊN TRUYỀN",
        "III. TỔ CHỨC THỰC HIỆN",
    ]
    assert prefill.initial["authority_line"] == "K/T TRƯỞNG BAN"
    assert prefill.initial["signer_title"] == "PHÓ TRƯỞNG BAN"
    assert "Thường trực Quận ủy" in prefill.initial["recipients"]
    # One recipient a line, without the dash the printed forms put before each.
    assert prefill.initial["recipients"].splitlines()[-1] == "Lưu BTGQU."


def test_report_starts_with_this_quarter_the_next_one_and_the_appendix(orgs):
    prefill = report_prefill(issuer=orgs["hp-btg"], today=date(2024, 11, 5))
    assert (prefill.initial["quarter"], prefill.initial["year"]) == (4, 2024)
    assert prefill.initial["title"].endswith("quý I năm 2025")
    assert _headings(prefill.initial["body"]) == [
        ("h2", "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ QUÝ IV NĂM 2024"),
        ("h2", "II. ĐÁNH GIÁ CHUNG"),
        ("h2", "III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM QUÝ I NĂM 2025"),
        ("h2", "PHỤ LỤC"),
    ]
    assert '<h2 class="appendix" id="h-4">PHỤ LỤC</h2>' in prefill.initial["body"]


def test_new_bulletin_page_takes_the_month_from_the_url(client, users, orgs):
    _import_seed(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_new", args=["bulletin"])
    page = client.get(url, {"thang": "2025-01"}).content.decode()
    assert 'value="THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025"' in page
    assert 'name="thang" id="id_thang" value="2025-01"' in page
    assert "III. ĐỊNH HƯỚNG NỘI DUNG TUYÊN TRUYỀN THÁNG 01/2025" in page
    assert "Dàn ý lấy theo bản tin tháng 12/2024" in page
    bad = client.get(url, {"thang": "2025-99"})
    assert bad.status_code == 200
    assert "Tháng không hợp lệ" in bad.content.decode()


def test_new_guidance_page_is_prefilled_and_saving_it_keeps_the_defaults(client, users, orgs):
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_new", args=["guidance"])
    page = client.get(url).content.decode()
    assert 'value="K/T TRƯỞNG BAN"' in page and 'value="PHÓ TRƯỞNG BAN"' in page
    assert "I. MỤC ĐÍCH, YÊU CẦU" in page
    assert 'id="month-picker"' not in page


# -- outline ----------------------------------------------------------------------------


def test_outline_adds_missing_and_duplicate_ids_and_skips_footnote_text():
    body = (
        '<h2 id="h-1">I. ĐỐI NGOẠI</h2><p>x</p><h3>1. Tin<span class="footnote">chú</span></h3>'
        '<h3 id="h-1">2. Trùng</h3><h5>1.1.1. Sâu</h5><h6>ngoài</h6>'
    )
    anchored, outline = body_outline(body)
    assert [(e.level, e.text) for e in outline] == [
        (2, "I. ĐỐI NGOẠI"),
        (3, "1. Tin"),
        (3, "2. Trùng"),
        (5, "1.1.1. Sâu"),
    ]
    anchors = [e.anchor for e in outline]
    assert anchors[0] == "h-1" and len(set(anchors)) == 4
    for anchor in anchors:
        assert anchored.count(f'id="{anchor}"') == 1
    assert '<span class="footnote">chú</span>' in anchored


def test_reader_view_lists_the_outline_without_changing_the_stored_body(client, users, orgs):
    body = "<h2>I. ĐỐI NGOẠI</h2><p>Tin.</p><h3>1. Trong nước</h3><p>Tin.</p>"
    document = make_document(users, orgs)
    _edit(document, users, body=body, base=None)
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert '<details class="outline outline-reader" id="outline">' in page
    assert '<a href="#h-1">I. ĐỐI NGOẠI</a>' in page and '<a href="#h-2">1. Trong nước</a>' in page
    assert '<h2 id="h-1">I. ĐỐI NGOẠI</h2>' in page
    document.refresh_from_db()
    assert document.current_revision.body_html == body


# -- footnotes ----------------------------------------------------------------------------


def test_footnotes_survive_an_edit_round_trip(users, orgs):
    document = _import_seed(users, orgs, "bulletin-2024-02-doson.txt")
    before = document.current_revision.body_html
    revision = _edit(document, users, body=before, base=document.current_revision.number)
    assert revision.body_html == before
    assert FOOTNOTES.findall(revision.body_html) == FOOTNOTES.findall(before)


def test_an_added_footnote_is_stored_at_its_call_site_and_nothing_else_survives(users, orgs):
    document = make_document(users, orgs)
    body = (
        '<p>Văn bản<span class="footnote">Chú thích mới</span> tiếp.</p>'
        '<p><span class="footnote" onclick="x()" style="color:red">Hai</span></p>'
    )
    revision = _edit(document, users, body=body, base=None)
    assert revision.body_html == (
        '<p>Văn bản<span class="footnote">Chú thích mới</span> tiếp.</p>'
        '<p><span class="footnote">Hai</span></p>'
    )


# -- optimistic locking ---------------------------------------------------------------


def test_update_without_base_revision_is_not_checked(users, orgs):
    document = make_document(users, orgs)
    _edit(document, users, body="<p>Một</p>", base=None)
    revision = _edit(document, users, body="<p>Hai</p>", base=None)
    assert revision.number == 3


def test_update_on_the_current_revision_is_saved(users, orgs):
    document = make_document(users, orgs)
    revision = _edit(document, users, body="<p>Một</p>", base=1)
    document.refresh_from_db()
    assert document.current_revision == revision and revision.number == 2


def test_stale_update_is_refused_and_kept_as_a_non_current_revision(users, orgs):
    document = make_document(users, orgs)
    first = _edit(document, users, body=BODY + "<p>Đoạn của người thứ nhất.</p>", base=1)
    with pytest.raises(RevisionConflict) as caught:
        _edit(document, users, editor="doson.editor", body="<p>Đoạn của người thứ hai.</p>", base=1)
    conflict = caught.value
    document.refresh_from_db()
    assert document.current_revision == first
    assert conflict.current == first and conflict.base_number == 1
    kept = Revision.objects.get(pk=conflict.kept.pk)
    assert kept.number == 3 and kept.body_html == "<p>Đoạn của người thứ hai.</p>"
    event = WorkflowEvent.objects.get(revision=kept)
    assert event.action == "edit"
    assert "bản số 1" in event.reason and "bản số 2" in event.reason and "bản số 3" in event.reason
    assert [(c.kind, c.text) for c in conflict.changes] == [("added", "Đoạn của người thứ nhất.")]
    # Saving again on the revision now current is a deliberate overwrite, and goes through.
    again = _edit(document, users, body="<p>Đoạn của người thứ hai.</p>", base=first.number)
    document.refresh_from_db()
    assert document.current_revision == again and again.number == 4


def test_a_stale_edit_keeps_its_other_fields_in_the_history(users, orgs):
    document = make_document(users, orgs)
    _edit(document, users, body="<p>A</p>", base=1)
    with pytest.raises(RevisionConflict) as caught:
        document_update(
            document=document,
            actor=users["doson.editor"],
            title="Tiêu đề mới của người thứ hai",
            body_html="<p>B</p>",
            fields={"signer_name": "Nguyễn Văn Ký"},
            kind_fields={"period_month": 7},
            base_revision=1,
        )
    refused = caught.value.refused
    assert "Tiêu đề / trích yếu: «Tiêu đề mới của người thứ hai»" in refused
    assert "Người ký: «Nguyễn Văn Ký»" in refused
    assert any(line.endswith("«7»") for line in refused)
    document.refresh_from_db()
    assert document.title != "Tiêu đề mới của người thứ hai"  # not made current
    reason = WorkflowEvent.objects.get(revision=caught.value.kept).reason
    assert "Ô đã sửa chưa lưu: Tiêu đề / trích yếu: «Tiêu đề mới của người thứ hai»" in reason
    assert "Nguyễn Văn Ký" in reason


def test_a_kept_revision_does_not_count_as_current_for_the_next_check(users, orgs):
    document = make_document(users, orgs)
    _edit(document, users, body="<p>A</p>", base=1)
    with pytest.raises(RevisionConflict):
        _edit(document, users, body="<p>B</p>", base=1)
    with pytest.raises(RevisionConflict):
        _edit(document, users, body="<p>B</p>", base=3)  # the kept one is not the base
    assert _edit(document, users, body="<p>B</p>", base=2).number == 5


def test_paragraph_diff_reads_removed_and_added_paragraphs():
    old = "<h2>I. A</h2><p>Giữ.</p><p>Bỏ đi.</p><ul><li>Mục</li></ul>"
    new = (
        '<h2>I. A</h2><p>Giữ.</p><p>Thêm<span class="footnote">cc</span>.</p><ul><li>Mục</li></ul>'
    )
    assert paragraph_texts(new) == ["I. A", "Giữ.", "Thêm [cc].", "Mục"]
    changes = revision_changes(old_html=old, new_html=new)
    assert [(c.kind, c.text) for c in changes] == [("removed", "Bỏ đi."), ("added", "Thêm [cc].")]


# -- the edit page and autosave -------------------------------------------------------


def _form_data(document: Document, **overrides) -> dict:
    data = {
        "title": document.title,
        "body": document.current_revision.body_html,
        "period_month": 12,
        "period_year": 2024,
        "base_revision": document.current_revision.number,
    }
    return {**data, **overrides}


def test_edit_page_carries_the_base_revision(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:document_edit", args=[document.pk])).content.decode()
    assert '<input type="hidden" name="base_revision" value="1" id="id_base_revision">' in page
    assert 'id="insert-footnote"' in page and "Chèn chú thích" in page
    assert f'data-autosave-url="/van-ban/{document.pk}/tu-dong-luu/"' in page
    # The editor is rendered as HTML (not escaped) and uploads images to this document.
    assert '<textarea  name="body" class="django_ckeditor_5"' in page
    assert f'data-upload-url="/van-ban/anh/?document={document.pk}"' in page


def test_stale_save_shows_the_other_edit_and_keeps_the_typed_text(client, users, orgs):
    document = make_document(users, orgs)
    url = reverse("portal:document_edit", args=[document.pk])
    client.force_login(users["doson.editor"])
    mine = _form_data(document, body="<p>Đoạn tôi vừa gõ.</p>", title="Tiêu đề tôi gõ")
    _edit(document, users, body=BODY + "<p>Tin mới của người kia.</p>", base=1)
    response = client.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Chưa lưu: bản nháp vừa được người khác sửa" in page
    assert "đã lưu bản số 2" in page and "bản số 3" in page
    assert "<ins>Tin mới của người kia.</ins>" in page
    assert "&lt;p&gt;Đoạn tôi vừa gõ.&lt;/p&gt;" in page  # still in the editor's textarea
    assert 'value="Tiêu đề tôi gõ"' in page
    assert "<li>Tiêu đề / trích yếu: «Tiêu đề tôi gõ»</li>" in page  # and in the history
    assert 'name="base_revision" value="2"' in page
    document.refresh_from_db()
    assert document.title != "Tiêu đề tôi gõ"
    # Saving the page as it came back goes through.
    response = client.post(url, {**mine, "base_revision": 2})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_revision.body_html == "<p>Đoạn tôi vừa gõ.</p>"
    assert document.title == "Tiêu đề tôi gõ"


def test_forged_base_revision_is_refused_with_a_message(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_edit", args=[document.pk])
    response = client.post(url, _form_data(document, base_revision="abc"))
    assert response.status_code == 400
    assert "Không xác định được bản đang sửa" in response.content.decode()


def test_autosave_saves_through_the_service_and_answers_json(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_autosave", args=[document.pk])
    response = client.post(url, _form_data(document, body="<p>Đang gõ dở</p>"))
    assert response.status_code == 200
    payload = response.json()
    assert payload["revision"] == 2
    assert re.fullmatch(r"Đã tự động lưu lúc \d\d:\d\d", payload["message"])
    document.refresh_from_db()
    assert document.current_revision.body_html == "<p>Đang gõ dở</p>"
    assert document.events.last().reason == "Tự động lưu"
    stale = client.post(url, _form_data(document, body="<p>Bản cũ</p>", base_revision=1))
    assert stale.status_code == 409
    assert stale.json()["conflict"] is True
    assert "bản số 3" in stale.json()["error"]
    assert "các ô khác bạn đã sửa được ghi vào lịch sử" in stale.json()["error"]
    invalid = client.post(url, _form_data(document, title=""))
    assert invalid.status_code == 400
    assert invalid.json()["error"].startswith("Chưa tự động lưu được: Tiêu đề / trích yếu:")


def test_a_save_after_the_draft_was_submitted_gives_the_page_back(client, users, orgs):
    from portal.services.workflow import document_submit

    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    typed = _form_data(document, body="<p>Đoạn tôi đang gõ dở.</p>", title="Tiêu đề đang gõ")
    document_submit(document=document, actor=users["doson.editor"])  # from another tab
    response = client.post(reverse("portal:document_edit", args=[document.pk]), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được trình hoặc phê duyệt" in page
    assert "&lt;p&gt;Đoạn tôi đang gõ dở.&lt;/p&gt;" in page and 'value="Tiêu đề đang gõ"' in page
    autosave = client.post(reverse("portal:document_autosave", args=[document.pk]), typed)
    assert autosave.status_code == 409
    assert "Nội dung bạn gõ vẫn còn trên trang" in autosave.json()["error"]
    assert autosave.json()["stop"] is True  # the page stops autosaving
    document.refresh_from_db()
    assert document.current_revision.number == 1
    # Others still get 403 or 404 as before, and a GET of the edit page stays refused.
    assert client.get(reverse("portal:document_edit", args=[document.pk])).status_code == 403
    client.force_login(users["doson.head"])
    response = client.post(reverse("portal:document_edit", args=[document.pk]), typed)
    assert response.status_code == 403


def test_autosave_names_no_label_for_the_hidden_revision_field(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_autosave", args=[document.pk])
    response = client.post(url, _form_data(document, base_revision="abc"))
    assert response.status_code == 400
    assert "None" not in response.json()["error"]


def test_first_autosave_of_a_new_document_creates_the_draft(client, users, orgs):
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_autosave_new", args=["bulletin"])
    data = {
        "issuer": orgs["doson-btg"].pk,
        "title": "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025",
        "body": "<p>Mới gõ</p>",
        "period_month": 1,
        "period_year": 2025,
    }
    payload = client.post(url, data).json()
    document = Document.objects.get()
    assert payload["edit_url"] == f"/van-ban/{document.pk}/sua/"
    assert payload["autosave_url"] == f"/van-ban/{document.pk}/tu-dong-luu/"
    assert payload["revision"] == 1
    assert document.events.get().reason == "Tự động lưu"


def test_autosave_of_another_departments_document_is_refused(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["ngoquyen.editor"])
    url = reverse("portal:document_autosave", args=[document.pk])
    assert client.post(url, _form_data(document)).status_code in (403, 404)
    assert client.get(url).status_code == 405
    assert document.revisions.count() == 1
