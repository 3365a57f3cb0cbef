"""A report's indicator rows compared row by row between revisions, figures typed in the
form included: the head who returned a report sees exactly the figures changed since."""

import hashlib
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from guidance import indicators as ind
from guidance.services import indicator_update
from portal.diff import CHANGED, DELETED, INSERTED, MARK_CHANGED, MARK_CUT, diff_rows
from portal.services.documents import document_update
from portal.services.workflow import document_return, document_submit
from tests.guidance.test_indicators import ROWS, appendix_html, by_name, make_report
from tests.portal.test_draft_pdf import _margin_marks, _pages, _pdftotext, page_images


def _table(*rows) -> dict:
    return {
        "columns": ["TT", "Chỉ tiêu", "Số"],
        "rows": [[key, list(cells)] for key, cells in rows],
    }


def _shown(diff) -> list[tuple[str, str, list]]:
    return [
        (row.kind, row.key, [[(op.tag, op.text) for op in cell] for cell in row.cells])
        for row in diff.rows
    ]


def test_rows_are_matched_by_their_key_wherever_they_are():
    old = _table(("1 A", ["1", "A", "10"]), ("2 B", ["2", "B", "20"]), ("3 C", ["3", "C", "30"]))
    new = _table(("3 C", ["3", "C", "30"]), ("1 A", ["1", "A", "11"]), ("4 D", ["4", "D", "40"]))
    diff = diff_rows(old, new)
    assert diff.unchanged == 1
    assert diff.counts == {CHANGED: 1, INSERTED: 1, DELETED: 1}
    # A removed row is shown where it was: before the first row that followed it.
    assert _shown(diff) == [
        (DELETED, "2 B", [[("delete", "2")], [("delete", "B")], [("delete", "20")]]),
        (
            CHANGED,
            "1 A",
            [[("equal", "1")], [("equal", "A")], [("delete", "10"), ("insert", "11")]],
        ),
        (INSERTED, "4 D", [[("insert", "4")], [("insert", "D")], [("insert", "40")]]),
    ]
    # In the marked draft: a bar beside the changed and added rows, a stroke above the row
    # that came after the removed one.
    assert diff.marks == {"1 A": MARK_CHANGED, "4 D": MARK_CHANGED, "3 C": MARK_CUT}


def test_a_figure_in_nfd_is_the_same_figure():
    import unicodedata

    old = _table(("1 Tổng thu", ["1", "Tổng thu", "1.000"]))
    new = _table(("1 Tổng thu", ["1", unicodedata.normalize("NFD", "Tổng thu"), "1.000"]))
    assert diff_rows(old, new).rows == []


def test_revisions_without_kept_rows_are_not_compared_row_by_row():
    assert diff_rows(None, _table(("1 A", ["1", "A"]))) is None


def _estimate(document, users, name: str, value: str):
    row = by_name(document, name).indicator
    indicator_update(
        indicator=row,
        actor=users["doson.editor"],
        plan=ind.Figure(row.plan_low, row.plan_high) if row.plan_low is not None else None,
        estimate=Decimal(value),
        same_period=row.same_period,
        reported_same_period_ratio=row.reported_same_period_ratio,
        reported_plan_ratio=row.reported_plan_ratio,
    )
    document.refresh_from_db()


@pytest.fixture
def returned_report(users, orgs):
    document = make_report(users, orgs, state="submitted")
    return document_return(document=document, actor=users["doson.head"], reason="Xem lại số liệu")


def test_figures_typed_after_a_return_make_a_revision_the_head_compares_row_by_row(
    client, users, orgs, returned_report
):
    document = returned_report
    reviewed = document.current_revision
    assert reviewed.rows["rows"][0][0] == "1 Tổng thu ngân sách trên địa bàn"
    _estimate(document, users, "Tổng thu", "260")
    first = document.current_revision
    assert first.number == reviewed.number + 1 and first.body_html == reviewed.body_html
    _estimate(document, users, "Số lao động", "510")  # the same unreviewed revision, kept
    assert document.current_revision_id == first.pk
    reviewed.refresh_from_db()
    assert [cells[4] for _, cells in reviewed.rows["rows"]] == [row[4] for row in ROWS]
    document = document_submit(document=document, actor=users["doson.editor"])

    client.force_login(users["doson.head"])
    page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert 'id="review-row-counts">2 dòng số liệu thay đổi.' in page
    url = reverse("portal:document_compare", args=[document.pk])
    page = client.get(url).content.decode()  # since the head's return, by default
    assert "Phần lời giống nhau; số liệu thay đổi" in page
    assert 'id="compare-rows-summary">2 dòng sửa, 0 dòng thêm, 0 dòng bỏ; 2 dòng không đổi.' in page
    assert "<del>250,5</del>" in page and "<ins>260</ins>" in page
    assert "<del>500</del>" in page and "<ins>510</ins>" in page
    assert 'data-key="1 Tổng thu ngân sách trên địa bàn / - Thu nội địa"' not in page


def test_a_row_added_to_the_body_table_shows_as_added(client, users, orgs, returned_report):
    document = returned_report
    rows = (*ROWS, ("4", "Số đảng viên mới kết nạp", "Người", "300", "80", "", "26,67"))
    document_update(
        document=document,
        actor=users["doson.editor"],
        title=document.title,
        body_html=appendix_html(rows),
    )
    client.force_login(users["doson.head"])
    page = client.get(reverse("portal:document_compare", args=[document.pk])).content.decode()
    assert "0 dòng sửa, 1 dòng thêm, 0 dòng bỏ; 4 dòng không đổi." in page
    assert '<tr class="diff-inserted" data-key="4 Số đảng viên mới kết nạp">' in page


def _outside_margin(path, tmp_path) -> list[bytes]:
    """Per page, a digest of the pixels right of the marks' band (from 28 mm on)."""
    return [
        hashlib.sha256(image.crop((int(28 * mm), 0, image.width, image.height)).tobytes()).digest()
        for image, mm in page_images(path, tmp_path)
    ]


def test_the_marked_draft_marks_the_rows_whose_figures_changed(
    users, orgs, returned_report, tmp_path
):
    document = returned_report
    _estimate(document, users, "Tổng thu", "260")
    document = document_submit(document=document, actor=users["doson.editor"])
    client = Client()
    client.force_login(users["doson.head"])
    url = reverse("portal:document_draft_pdf", args=[document.pk])
    marked, plain = tmp_path / "marked.pdf", tmp_path / "plain.pdf"
    marked.write_bytes(client.get(f"{url}?danh-dau=1").content)
    plain.write_bytes(b"".join(client.get(url).streaming_content))

    # The body's words are the same: only the row with the new figure has a bar, on the
    # appendix's page, and the table prints exactly as without the mark (borders and all).
    appendix = next(n for n in range(1, _pages(plain) + 1) if "260" in _pdftotext(plain, page=n))
    marks = _margin_marks(marked, tmp_path)
    assert [n for n, count in enumerate(marks, start=1) if count] == [appendix]
    assert not any(_margin_marks(plain, tmp_path))
    assert _outside_margin(marked, tmp_path) == _outside_margin(plain, tmp_path)
