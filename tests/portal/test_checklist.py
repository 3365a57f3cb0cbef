"""The checklist before submission: what would print wrong, what blocks, and who sees it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import Document
from portal.services.checklist import ChecklistItem, document_checklist
from portal.services.documents import document_create, document_update
from portal.services.workflow import document_submit
from tests.factories import make_document

Status = Document.Status
CLOSING = {"recipients": "- Các chi bộ trực thuộc,\n- Lưu BTGQU.", "signer_name": "Nguyễn Văn A"}
SECTIONS = (
    "<h2>I. ĐỐI NGOẠI</h2><p>Tin đối ngoại.</p>"
    "<h2>II. TRONG NƯỚC</h2>"  # filled by its sub-section 1.
    "<h3>1. Tin trong nước</h3><p>Tin.</p>"
    "<h3>2. Tin thành phố</h3>"  # empty: the next heading is of the same level
    "<h3>3. Tin quận</h3><p>&nbsp;</p>"  # an empty editor line is no text
    "<h2>III. ĐỊNH HƯỚNG</h2>"  # empty: nothing after it
)


def _draft(users, orgs, *, body: str, fields=CLOSING, kind="bulletin", kind_fields=None):
    return document_create(
        kind=kind,
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        title="THÔNG TIN SINH HOẠT CHI BỘ THÁNG 12 NĂM 2026",
        body_html=body,
        fields=fields,
        kind_fields=kind_fields or {"period_month": 12, "period_year": 2026},
    )


def test_a_document_that_prints_right_has_nothing_to_check(users, orgs):
    assert document_checklist(make_document(users, orgs)) == []


def test_empty_sections_are_named_and_do_not_block(users, orgs):
    document = _draft(users, orgs, body=SECTIONS)
    assert document_checklist(document) == [
        ChecklistItem("Mục «2. Tin thành phố» chưa có nội dung.", blocking=False),
        ChecklistItem("Mục «3. Tin quận» chưa có nội dung.", blocking=False),
        ChecklistItem("Mục «III. ĐỊNH HƯỚNG» chưa có nội dung.", blocking=False),
    ]
    assert document_submit(document=document, actor=users["doson.editor"]).status == "submitted"


def test_a_section_with_only_a_picture_or_a_table_is_not_empty(users, orgs):
    body = (
        '<h2>I. ẢNH</h2><figure class="image"><img src="/media/a.png" alt=""></figure>'
        "<h2>II. BẢNG</h2><table><tbody><tr><td>1</td></tr></tbody></table>"
    )
    assert document_checklist(_draft(users, orgs, body=body)) == []


def test_missing_closing_and_empty_footnotes_block_and_are_listed_first(users, orgs):
    body = (
        '<h2>I. ĐỐI NGOẠI</h2><p>Câu một<span class="footnote">Có nội dung.</span>, câu hai'
        '<span class="footnote"></span>, câu ba<span class="footnote">  </span>.</p><h2>II.</h2>'
    )
    document = _draft(users, orgs, body=body, fields={"recipients": " \n ", "signer_name": " "})
    assert document_checklist(document) == [
        ChecklistItem(
            "Chú thích số 2 chưa có nội dung: số chú thích in ra mà chân trang để trống.", True
        ),
        ChecklistItem(
            "Chú thích số 3 chưa có nội dung: số chú thích in ra mà chân trang để trống.", True
        ),
        ChecklistItem("Chưa có «Nơi nhận».", blocking=True),
        ChecklistItem("Chưa có họ tên người ký.", blocking=True),
        ChecklistItem("Mục «II.» chưa có nội dung.", blocking=False),
    ]


def test_submission_is_refused_naming_every_blocking_item_and_nothing_changes(users, orgs):
    document = _draft(users, orgs, body='<p>Câu<span class="footnote"></span>.</p>', fields={})
    with pytest.raises(ValidationError) as refused:
        document_submit(document=document, actor=users["doson.editor"])
    [message] = refused.value.messages
    assert message.startswith("Chưa trình được vì văn bản sẽ in sai thể thức:")
    for part in ("Chú thích số 1 chưa có nội dung", "Chưa có «Nơi nhận».",
                 "Chưa có họ tên người ký.", "Hãy sửa rồi trình lại."):  # fmt: skip
        assert part in message
    document.refresh_from_db()
    assert (document.status, document.step) == (Status.DRAFT, 0)
    assert list(document.events.values_list("action", flat=True)) == ["create"]


def test_the_checklist_reads_the_current_revision(users, orgs):
    document = make_document(users, orgs)
    document_update(
        document=document,
        actor=users["doson.editor"],
        title=document.title,
        body_html='<h2>I.</h2><p>Câu<span class="footnote"></span>.</p>',
        fields=CLOSING,
    )
    document.refresh_from_db()
    assert [item.blocking for item in document_checklist(document)] == [True]


def test_a_reports_ratios_that_disagree_with_its_figures_are_listed_not_blocking(users, orgs):
    table = (
        "<p>Kết quả quý III.</p>"
        '<h2 class="appendix">PHỤ LỤC</h2>'
        "<table><thead><tr><th>TT</th><th>Chỉ tiêu</th><th>Đơn vị tính</th>"
        "<th>Kế hoạch năm 2026</th><th>Ước TH quý III/2026</th>"
        "<th>Ước TH quý III/2026 so với KH 2026 (%)</th></tr></thead><tbody>"
        "<tr><td>1</td><td>Tổng thu ngân sách</td><td>Tỷ đồng</td><td>1.000</td><td>250,5</td>"
        "<td>30,00</td></tr>"
        "<tr><td>2</td><td>Số lao động có việc làm</td><td>Người</td><td>2.000</td><td>500</td>"
        "<td>25,00</td></tr></tbody></table>"
    )
    report = _draft(users, orgs, body=table, kind="report",
                    kind_fields={"quarter": 3, "year": 2026})  # fmt: skip
    assert document_checklist(report) == [
        ChecklistItem(
            "Chỉ tiêu «1 Tổng thu ngân sách», tỷ lệ so với kế hoạch: Tỷ lệ ghi trong báo cáo "
            "(30,00 %) khác tỷ lệ tính từ số liệu (25,05 %).",
            blocking=False,
        )
    ]
    assert document_submit(document=report, actor=users["doson.editor"]).status == "submitted"


# -- on the document page, above "Trình duyệt", for those who may submit -----------------------


def test_the_document_page_shows_the_checklist_above_the_submit_button(client, users, orgs):
    document = _draft(users, orgs, body=SECTIONS, fields={"signer_name": "Nguyễn Văn A"})
    url = reverse("portal:document_detail", args=[document.pk])
    client.force_login(users["doson.editor"])
    page = client.get(url).content.decode()
    checklist = page.index('id="checklist"')
    assert checklist < page.index('id="submit"')
    assert "Kiểm tra trước khi trình" in page
    assert "<strong>Phải sửa:</strong> Chưa có «Nơi nhận»." in page
    assert "<strong>Nên xem lại:</strong> Mục «III. ĐỊNH HƯỚNG» chưa có nội dung." in page
    assert "Văn bản chỉ trình được khi đã sửa hết các điểm «Phải sửa»" in page

    refused = client.post(reverse("portal:document_transition", args=[document.pk, "submit"]))
    assert refused.status_code == 409
    assert "Chưa trình được vì văn bản sẽ in sai thể thức: Chưa có «Nơi nhận»." in (
        refused.content.decode()
    )
    document.refresh_from_db()
    assert document.status == Status.DRAFT

    client.force_login(users["doson.head"])  # may read it, may not submit it
    assert 'id="checklist"' not in client.get(url).content.decode()


def test_a_clean_document_says_so_and_a_submitted_one_shows_no_checklist(client, users, orgs):
    document = make_document(users, orgs)
    url = reverse("portal:document_detail", args=[document.pk])
    client.force_login(users["doson.editor"])
    assert "Không thấy điểm nào sẽ in sai." in client.get(url).content.decode()
    document_submit(document=document, actor=users["doson.editor"])
    assert 'id="checklist"' not in client.get(url).content.decode()
