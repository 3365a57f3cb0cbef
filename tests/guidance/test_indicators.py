"""Indicator tables: Vietnamese numbers, computed ratios, reading the seed, pages, print."""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from guidance import indicators as ind
from guidance.models import Indicator
from guidance.selectors import indicator_lines
from guidance.services import indicator_update, report_indicators_sync
from portal.models import WorkflowEvent
from portal.rendering.data import IndicatorRow, PrintData
from portal.rendering.documents import print_data_for
from portal.rendering.docx import render_docx
from portal.rendering.pdf import render_pdf
from portal.services.documents import document_create, document_update
from portal.services.imports import document_import
from portal.services.organisations import membership_grant
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_publish,
    document_submit,
)
from tests.conftest import PERSONAS
from tests.factories import forward_to_last_step

SEED = Path(settings.BASE_DIR) / "portal" / "demo" / "seeds" / "report-2023-q1-haiphong.txt"
HEADERS = (
    "TT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch năm 2023",
    "Ước TH quý I/2023",
    "Ước TH quý I/2023 so với cùng kỳ (%)",
    "Ước TH quý I/2023 so với KH 2023 (%)",
)
ROWS = (
    ("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "1.000", "250,5", "95,00", "25,05"),
    ("", "- Thu nội địa", "Tỷ đồng", "400", "100", "", "25,00"),
    ("2", "Tốc độ tăng trưởng GRDP", "%", "7 - 7,5", "-", "6,5", "-"),
    ("3", "Số lao động được giải quyết việc làm", "Lượt người", "2.000", "500", "", "25,00"),
)


def appendix_html(rows=ROWS, headers=HEADERS) -> str:
    """A report body with an appendix table like the importer makes of a pipe table."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' for c in row) + "</tr>" for row in rows
    )
    return (
        "<p>Kết quả thực hiện nhiệm vụ quý I.</p>"
        '<h2 class="appendix">PHỤ LỤC</h2>'
        '<p class="appendix-title">Một số chỉ tiêu kinh tế - xã hội quý I năm 2023</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def grant(users, orgs, username: str, code: str, role: str):
    """A user for a role the demo tree leaves empty (a city editor, a district head)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    membership_grant(user=user, organisation=orgs[code], role=role)
    users[username] = user
    return user


def make_report(
    users,
    orgs,
    *,
    issuer="doson-btg",
    editor="doson.editor",
    approver="hp.approver",
    state="draft",
    rows=ROWS,
    quarter=1,
    year=2023,
):
    """A report with an indicator table, read in by the save hook, then advanced."""
    document = document_create(
        kind="report",
        issuer=orgs[issuer],
        actor=users[editor],
        title=f"Báo cáo kết quả thực hiện nhiệm vụ quý {quarter} năm {year}",
        body_html=appendix_html(rows),
        fields={"recipients": "Thường trực Thành ủy\nLưu BTG", "signer_name": "Nguyễn Văn A"},
        kind_fields={"quarter": quarter, "year": year},
    )
    report_indicators_sync(document=document, revision=document.current_revision)
    if state == "draft":
        return document
    document = document_submit(document=document, actor=users[editor])
    if state == "submitted":
        return document
    document = forward_to_last_step(document)
    document = document_approve(document=document, actor=users[approver])
    if state == "approved":
        return document
    return document_publish(document=document, actor=users[approver])


@pytest.fixture
def seed_report(users, orgs):
    """The report seed imported by an editor of Đồ Sơn, its table read in."""
    text = SEED.read_text(encoding="utf-8")
    document, _ = document_import(
        text=text, kind="report", issuer=orgs["doson-btg"], actor=users["doson.editor"]
    )
    return document


def by_name(document, start: str):
    return next(line for line in indicator_lines(document) if line.indicator.name.startswith(start))


# --- numbers the Vietnamese way --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("116.442,134", Decimal("116442.134")),
        ("24.042,91", Decimal("24042.91")),
        ("8.132,00", Decimal("8132.00")),
        ("1.387,1", Decimal("1387.1")),
        ("57.300", Decimal("57300")),
        ("0,49", Decimal("0.49")),
        ("-1.250,5", Decimal("-1250.5")),
        ("90,54 %", Decimal("90.54")),
        (" 7.300 ", Decimal("7300")),
        ("-", None),
        ("", None),
    ],
)
def test_numbers_are_read_the_vietnamese_way_and_exactly(text, value):
    parsed = ind.parse_number(text)
    assert parsed == value
    assert parsed is None or isinstance(parsed, Decimal)


@pytest.mark.parametrize("text", ["12.5", "1.2345", "abc", "1,2,3", "12,7 -", "khoảng 12"])
def test_numbers_not_written_the_vietnamese_way_are_refused_with_a_vietnamese_message(text):
    with pytest.raises(ind.NumberError, match="dấu phẩy trước phần thập phân"):
        ind.parse_figure(text)


@pytest.mark.parametrize(
    ("text", "low", "high", "printed"),
    [
        ("12,7 - 13", "12.7", "13", "12,7 - 13"),
        ("2.000 - 2.500", "2000", "2500", "2.000 - 2.500"),
        ("2.500–2.000", "2000", "2500", "2.000 - 2.500"),
        ("115", "115", None, "115"),
    ],
)
def test_plans_may_be_ranges(text, low, high, printed):
    figure = ind.parse_figure(text)
    assert figure.low == Decimal(low)
    assert figure.high == (Decimal(high) if high else None)
    assert ind.format_figure(figure) == printed


@pytest.mark.parametrize(
    ("value", "places", "printed"),
    [
        (Decimal("116442.134"), None, "116.442,134"),
        (Decimal("8132.000000"), None, "8.132"),
        (Decimal("1234567.5"), None, "1.234.567,5"),
        (Decimal("-1250.5"), None, "-1.250,5"),
        (Decimal("19"), 2, "19,00"),
        (Decimal("20.648"), 2, "20,65"),
        (None, None, ""),
    ],
)
def test_numbers_are_printed_the_vietnamese_way(value, places, printed):
    assert ind.format_number(value, places=places) == printed


def test_ratio_of_the_seed_budget_line_is_20_65():
    check = ind.plan_ratio(
        Decimal("24042.91"), ind.Figure(Decimal("116442.134")), reported=Decimal("20.65")
    )
    assert check.display == "20,65"
    assert check.status == "computed"
    assert not check.flagged


def test_ratio_against_a_range_plan_is_computed_against_both_ends():
    check = ind.plan_ratio(
        Decimal("465.06"), ind.parse_figure("2.000 - 2.500"), reported=Decimal("23.25")
    )
    assert check.display == "23,25 - 18,60"
    assert not check.flagged  # the report typed the ratio against the lower end


def test_a_typed_ratio_within_rounding_is_not_flagged():
    # 6,59 / 31 = 21,258…: the report typed 21,25 (truncated), the computed one is 21,26.
    check = ind.plan_ratio(Decimal("6.59"), ind.Figure(Decimal("31")), reported=Decimal("21.25"))
    assert check.display == "21,26"
    assert not check.flagged


@pytest.mark.parametrize(
    ("typed", "flagged"),
    [
        ("21,26", False),  # 21,2580… rounded
        ("21,25", False),  # truncated
        ("21,3", False),  # rounded to the one decimal typed
        ("21,2", False),  # truncated to the one decimal typed
        ("21", False),
        ("21,24", True),  # neither
        ("21,27", True),
        ("22", True),
    ],
)
def test_a_typed_ratio_agrees_when_rounded_or_truncated_at_its_own_precision(typed, flagged):
    check = ind.plan_ratio(
        Decimal("6.59"), ind.Figure(Decimal("31")), ind.parse_number(typed), typed=typed
    )
    assert check.flagged is flagged
    assert check.printed == typed  # printed as typed, agreeing or not
    assert check.display == "21,26"  # the computed check


def test_a_ratio_left_blank_prints_the_computed_one():
    check = ind.plan_ratio(Decimal("6.59"), ind.Figure(Decimal("31")), None)
    assert check.printed == "21,26"


@pytest.mark.parametrize(
    ("typed", "value", "printed"),
    [
        ("8.132,00", Decimal("8132"), "8.132,00"),
        ("8.132,00", Decimal("8500"), "8.500"),  # edited since: the stored figure
        ("12,7 - 13", ind.Figure(Decimal("12.7"), Decimal("13")), "12,7 - 13"),
        ("", Decimal("1387.1"), "1.387,1"),
        ("abc", Decimal("5"), "5"),
    ],
)
def test_figures_print_as_typed_while_they_read_as_the_stored_value(typed, value, printed):
    assert ind.as_typed(typed, value) == printed


def test_a_typed_ratio_that_disagrees_is_flagged_with_a_vietnamese_note():
    check = ind.plan_ratio(
        Decimal("24042.91"), ind.Figure(Decimal("116442.134")), reported=Decimal("20.67")
    )
    assert check.flagged
    assert check.note == ("Tỷ lệ ghi trong báo cáo (20,67 %) khác tỷ lệ tính từ số liệu (20,65 %).")
    assert check.display == "20,65"  # the computed ratio is the one printed


def test_same_period_ratio_is_computed_when_last_years_figure_is_known():
    check = ind.same_period_ratio(Decimal("24042.91"), Decimal("26554.5"), Decimal("90.54"))
    assert check.display == "90,54"
    assert check.status == "computed"


def test_same_period_ratio_without_last_years_figure_is_reported_not_computable():
    check = ind.same_period_ratio(Decimal("24042.91"), None, Decimal("90.54"))
    assert check.status == "reported"
    assert check.display == "90,54"
    assert "không tính lại được" in check.note
    assert "chưa có số cùng kỳ năm trước" in check.note


def test_division_by_a_zero_plan_is_not_computable():
    check = ind.plan_ratio(Decimal("5"), ind.Figure(Decimal("0")), None)
    assert check.computed is None
    assert check.display == ""


# --- reading the seed's appendix -------------------------------------------------------


def test_seed_table_has_eight_numbered_indicators_and_their_sub_rows(seed_report):
    # The import read the table in (the save hook); reading the same table again writes nothing.
    rows = list(Indicator.objects.filter(report_id=seed_report.pk).select_related("parent"))
    assert len(rows) == 16
    assert report_indicators_sync(document=seed_report, revision=seed_report.current_revision) == 0
    # The seed's table numbers its indicators 1 to 8 (8 = jobs created, 14.435 people).
    assert [r.code for r in rows if r.parent is None] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    parents = {r.name: r.parent.code for r in rows if r.parent is not None}
    assert parents == {
        "Bao gồm:": "1",
        "- Công nghiệp và xây dựng": "1",
        "- Dịch vụ": "1",
        "- Nông, lâm nghiệp, thủy sản": "1",
        "- Thuế sản phẩm trừ trợ cấp sản phẩm": "1",
        "- Thu nội địa": "3",
        "- Thu từ hoạt động xuất nhập khẩu": "3",
        "Sản lượng hàng hóa thông qua cảng": "4",  # no TT, directly under row 4
    }


def test_seed_figures_are_stored_exactly_and_ratios_match_the_printed_ones(seed_report):
    report_indicators_sync(document=seed_report, revision=seed_report.current_revision)
    budget = Indicator.objects.get(report_id=seed_report.pk, code="3")
    assert budget.plan_low == Decimal("116442.134")
    assert budget.estimate == Decimal("24042.91")
    assert budget.reported_plan_ratio == Decimal("20.65")
    lines = indicator_lines(seed_report)
    computed = [line for line in lines if line.plan_check.status == "computed"]
    assert len(computed) == 9  # every row with an estimate: 3, its 2 sub-rows, 4 to 8
    for line in computed:
        assert not line.plan_check.flagged, line.indicator.name
    assert by_name(seed_report, "Tổng thu ngân sách").plan_check.display == "20,65"
    assert by_name(seed_report, "Thu hút vốn").plan_check.display == "23,25 - 18,60"
    assert by_name(seed_report, "Tốc độ tăng trưởng").plan.is_range


def test_seed_same_period_ratios_are_kept_as_reported_and_say_so(seed_report):
    report_indicators_sync(document=seed_report, revision=seed_report.current_revision)
    line = by_name(seed_report, "Tổng thu ngân sách")
    assert line.same_period_check.status == "reported"
    assert line.same_period_check.display == "90,54"
    assert any("chưa có số cùng kỳ năm trước" in note for note in line.notes)


def edit_on_the_page(
    users, row, *, plan: str, estimate: str, same_period: str, actor: str = "doson.editor"
) -> None:
    """What the editor does on the indicator page: new figures, typed ratios cleared."""
    indicator_update(
        indicator=row,
        actor=users[actor],
        plan=ind.Figure(Decimal(plan)),
        estimate=Decimal(estimate),
        same_period=Decimal(same_period),
        reported_same_period_ratio=None,
        reported_plan_ratio=None,
    )


def test_an_unchanged_table_keeps_rows_edited_on_the_page(users, orgs):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    edit_on_the_page(users, row, plan="1000", estimate="300", same_period="280")
    revision = document_update(
        document=document,
        actor=users["doson.editor"],
        title=document.title,
        body_html=appendix_html() + "<p>Thêm một đoạn.</p>",
    )
    assert report_indicators_sync(document=document, revision=revision) == 0
    row.refresh_from_db()
    assert row.estimate == Decimal("300")


def test_a_changed_table_replaces_the_rows_and_keeps_last_years_figures(users, orgs):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    row.same_period = Decimal("263.7")
    row.save()
    changed = (("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "1.000", "260", "", ""),)
    revision = document_update(
        document=document,
        actor=users["doson.editor"],
        title=document.title,
        body_html=appendix_html(changed),
    )
    # The save re-read the changed table; reading it again writes nothing.
    assert report_indicators_sync(document=document, revision=revision) == 0
    row = Indicator.objects.get(report_id=document.pk)
    assert row.estimate == Decimal("260")
    assert row.same_period == Decimal("263.7")
    assert by_name(document, "Tổng thu").same_period_check.display == "98,60"


def test_a_changed_table_keeps_page_edits_of_the_rows_it_did_not_change(users, orgs):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    edit_on_the_page(users, row, plan="1200", estimate="300", same_period="280")
    jobs = ("3", "Số lao động được giải quyết việc làm", "Lượt người", "2.000", "650", "", "")
    revision = document_update(
        document=document,
        actor=users["doson.editor"],
        title=document.title,
        body_html=appendix_html((*ROWS[:3], jobs)),
    )
    assert report_indicators_sync(document=document, revision=revision) == 0  # read on save
    budget = Indicator.objects.get(report_id=document.pk, code="1")
    assert (budget.plan_low, budget.estimate, budget.same_period) == (
        Decimal("1200"),
        Decimal("300"),
        Decimal("280"),
    )
    assert budget.reported_same_period_ratio is None  # as edited on the page
    assert Indicator.objects.get(report_id=document.pk, code="3").estimate == Decimal("650")
    assert Indicator.objects.filter(report_id=document.pk).count() == 4


def test_unreadable_cells_are_kept_as_notes_never_dropped(users, orgs):
    rows = (("1", "Tổng thu", "Tỷ đồng", "khoảng 1.000", "12.5", "", "1 - 2"),)
    document = make_report(users, orgs, rows=rows)
    row = Indicator.objects.get(report_id=document.pk)
    assert row.plan_low is None and row.estimate is None
    assert "«khoảng 1.000»" in row.notes
    assert "«12.5»" in row.notes
    assert "«1 - 2» là một khoảng" in row.notes


def test_a_body_without_an_indicator_table_keeps_the_rows(users, orgs):
    document = make_report(users, orgs)
    revision = document_update(
        document=document, actor=users["doson.editor"], title="x", body_html="<p>Không bảng.</p>"
    )
    assert report_indicators_sync(document=document, revision=revision) == 0
    assert Indicator.objects.filter(report_id=document.pk).count() == 4


def test_header_rows_split_over_two_lines_are_read(users, orgs):
    body = (
        '<h2 class="appendix">PHỤ LỤC</h2><table>'
        '<tr><th rowspan="2">STT</th><th rowspan="2">Chỉ tiêu</th><th rowspan="2">ĐVT</th>'
        '<th rowspan="2">Kế hoạch năm</th><th rowspan="2">Cùng kỳ năm 2022</th>'
        '<th colspan="2">Ước thực hiện quý I</th></tr>'
        "<tr><th>Số lượng</th><th>So với cùng kỳ (%)</th></tr>"
        "<tr><td>1</td><td>Thu ngân sách</td><td>Tỷ đồng</td><td>400</td><td>90</td>"
        "<td>99</td><td>110,00</td></tr></table>"
    )
    document = document_create(
        kind="report",
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        title="Báo cáo quý I năm 2023",
        body_html=body,
        kind_fields={"quarter": 1, "year": 2023},
    )
    assert Indicator.objects.filter(report_id=document.pk).count() == 1  # read on create
    assert report_indicators_sync(document=document, revision=document.current_revision) == 0
    line = indicator_lines(document)[0]
    assert line.indicator.same_period == Decimal("90")
    assert line.same_period_check.display == "110,00"
    assert line.plan_check.display == "24,75"


# --- the editing page ------------------------------------------------------------------


def test_list_page_shows_computed_ratios_and_flags(client, users, orgs):
    rows = (("1", "Tổng thu ngân sách", "Tỷ đồng", "1.000", "250,5", "", "30,00"),)
    document = make_report(users, orgs, rows=rows)
    client.force_login(users["doson.editor"])
    response = client.get(reverse("guidance:indicator_list", args=[document.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "25,05" in content
    assert "Tỷ lệ ghi trong báo cáo (30,00 %) khác tỷ lệ tính từ số liệu (25,05 %)." in content
    assert 'class="level-0 flagged"' in content


def test_list_page_shows_the_typed_ratio_with_the_computed_one_as_a_check(client, users, orgs):
    rows = (("5", "Kim ngạch xuất khẩu", "Tỷ USD", "31", "6,59", "102,51", "21,25"),)
    document = make_report(users, orgs, rows=rows)
    client.force_login(users["doson.editor"])
    content = client.get(reverse("guidance:indicator_list", args=[document.pk])).content.decode()
    assert "21,25" in content and "tính: 21,26" in content
    assert "flagged" not in content  # truncation is no disagreement
    assert Indicator.objects.get(report_id=document.pk).reported_plan_ratio == Decimal("21.25")


def test_a_row_edited_on_its_page_prints_as_typed_there(client, users, orgs):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    client.force_login(users["doson.editor"])
    url = reverse("guidance:indicator_edit", args=[document.pk, row.pk])
    data = {"plan": "1.000,0", "estimate": "250,50", "same_period": "",
            "reported_same_period_ratio": "", "reported_plan_ratio": "25,0"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert client.get(url).context["form"].initial["estimate"] == "250,50"
    printed = print_data_for(document).indicators[0]
    assert (printed.plan, printed.estimate, printed.plan_ratio) == ("1.000,0", "250,50", "25,0")


def test_editing_a_row_saves_exact_figures_and_writes_an_event(client, users, orgs):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    client.force_login(users["doson.editor"])
    url = reverse("guidance:indicator_edit", args=[document.pk, row.pk])
    data = {
        "plan": "1.000 - 1.200",
        "estimate": "300,125",
        "same_period": "250",
        "reported_same_period_ratio": "",
        "reported_plan_ratio": "30,01",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.plan_low, row.plan_high) == (Decimal("1000"), Decimal("1200"))
    assert row.estimate == Decimal("300.125")
    line = by_name(document, "Tổng thu")
    assert line.plan_check.display == "30,01 - 25,01"
    assert line.same_period_check.display == "120,05"
    event = WorkflowEvent.objects.filter(document=document).last()
    assert event.action == "edit"
    assert "Tổng thu ngân sách" in event.reason


def test_a_badly_written_number_is_refused_and_the_typed_text_kept(client, users, orgs):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    client.force_login(users["doson.editor"])
    url = reverse("guidance:indicator_edit", args=[document.pk, row.pk])
    response = client.post(url, {"plan": "1000.5", "estimate": "250,5"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "không phải số viết theo cách Việt Nam" in content
    assert 'value="1000.5"' in content
    row.refresh_from_db()
    assert row.plan_low == Decimal("1000")


def test_the_largest_accepted_figure_is_stored_exactly_and_a_larger_one_refused(
    client, users, orgs
):
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    client.force_login(users["doson.editor"])
    url = reverse("guidance:indicator_edit", args=[document.pk, row.pk])
    refused = client.post(url, {"plan": "999.999.999.999.999.999", "estimate": "1"})
    assert refused.status_code == 400
    assert "Số quá dài" in refused.content.decode()
    accepted = client.post(url, {"plan": "999.999.999.999,999", "estimate": "0,001"})
    assert accepted.status_code == 302
    row.refresh_from_db()
    assert row.plan_low == Decimal("999999999999.999")  # exact on SQLite too
    assert row.estimate == Decimal("0.001")
    assert client.get(reverse("guidance:indicator_list", args=[document.pk])).status_code == 200


def test_a_cell_of_thousands_of_digits_becomes_a_note_not_an_error(users, orgs):
    assert not ind.fits(Decimal("9" * 4400), digits=12, places=3)
    rows = (("1", "Tổng thu", "Tỷ đồng", "9" * 4400, "250,5", "", ""),)
    document = make_report(users, orgs, rows=rows)
    row = Indicator.objects.get(report_id=document.pk)
    assert row.plan_low is None and row.estimate == Decimal("250.5")
    assert "quá dài" in row.notes


def test_whoever_changed_the_figures_does_not_review_the_report(users, orgs):
    from django.core.exceptions import PermissionDenied

    both = grant(users, orgs, "doson.both", "doson-btg", "editor")
    membership_grant(user=both, organisation=orgs["doson-btg"], role="head")
    document = make_report(users, orgs)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    edit_on_the_page(
        users, row, plan="1000", estimate="999999", same_period="280", actor="doson.both"
    )
    document = document_submit(document=document, actor=users["doson.editor"])
    with pytest.raises(PermissionDenied):
        document_forward(document=document, actor=both)
    assert document_forward(document=document, actor=users["doson.head"]).step == 2


def test_a_report_awaiting_review_cannot_be_edited_through_the_service(users, orgs):
    document = make_report(users, orgs, state="submitted")
    row = Indicator.objects.get(report_id=document.pk, code="1")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        indicator_update(
            indicator=row,
            actor=users["doson.editor"],
            plan=None,
            estimate=None,
            same_period=None,
            reported_same_period_ratio=None,
            reported_plan_ratio=None,
        )


def test_document_page_links_a_report_to_its_indicator_table(client, users, orgs):
    document = make_report(users, orgs)
    client.force_login(users["doson.editor"])
    response = client.get(reverse("portal:document_detail", args=[document.pk]))
    assert reverse("guidance:indicator_list", args=[document.pk]) in response.content.decode()
    assert "Bảng chỉ tiêu" in response.content.decode()


# --- access: every page × every persona ------------------------------------------------

# persona order: doson.editor, ngoquyen.editor, doson.head, hp.approver,
#                vanhuong.secretary, ngoquyen.secretary, hn.approver
MATRIX = {
    ("get", "indicator_list", "draft"): [200, 404, 200, 404, 404, 404, 404],
    ("get", "indicator_list", "submitted"): [200, 404, 200, 200, 404, 404, 404],
    ("get", "indicator_list", "published"): [200, 404, 200, 200, 200, 404, 404],
    ("get", "indicator_edit", "draft"): [200, 404, 403, 404, 404, 404, 404],
    ("post", "indicator_edit", "draft"): [302, 404, 403, 404, 404, 404, 404],
    ("get", "indicator_edit", "published"): [403, 404, 403, 403, 403, 404, 404],
    ("get", "indicator_pull", "published"): [404, 404, 404, 404, 404, 404, 404],
    ("get", "indicator_pull", "city-draft"): [404] * 7,
    # Readers of the city report do not see the districts' working figures behind it.
    ("get", "indicator_pull", "city-published"): [403, 403, 403, 200, 403, 403, 404],
    ("post", "indicator_pull", "city-published"): [403, 403, 403, 403, 403, 403, 404],
}
CASES = [
    (method, name, state, persona, statuses[i])
    for (method, name, state), statuses in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


def _document(users, orgs, state: str):
    if state.startswith("city-"):
        grant(users, orgs, "hp.editor", "hp-btg", "editor")
        return make_report(
            users, orgs, issuer="hp-btg", editor="hp.editor", state=state.removeprefix("city-")
        )
    return make_report(users, orgs, state=state)


@pytest.mark.parametrize(("method", "name", "state", "persona", "expected"), CASES)
def test_access(client, users, orgs, method, name, state, persona, expected):
    document = _document(users, orgs, state)
    args = [document.pk]
    if name == "indicator_edit":
        args.append(Indicator.objects.get(report_id=document.pk, code="1").pk)
    url = reverse(f"guidance:{name}", args=args)
    client.force_login(users[persona])
    data = {"plan": "1.000", "estimate": "250,5"}
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == expected, (persona, url, response.content[:300])


@pytest.mark.parametrize("name", ["indicator_list", "indicator_pull"])
def test_anonymous_is_sent_to_login(client, users, orgs, name):
    document = make_report(users, orgs)
    response = client.get(reverse(f"guidance:{name}", args=[document.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_bulletin_has_no_indicator_page(client, users, orgs):
    from tests.factories import make_document

    bulletin = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    response = client.get(reverse("guidance:indicator_list", args=[bulletin.pk]))
    assert response.status_code == 404


def test_a_row_of_another_report_is_not_found(client, users, orgs):
    mine = make_report(users, orgs)
    other = make_report(users, orgs)
    row = Indicator.objects.filter(report_id=other.pk).first()
    client.force_login(users["doson.editor"])
    response = client.get(reverse("guidance:indicator_edit", args=[mine.pk, row.pk]))
    assert response.status_code == 404


# --- print: the appendix prints the table from the data --------------------------------

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def appendix_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return text[text.index("PHỤ LỤC") :]


def test_appendix_headers_are_printed_as_typed(users, orgs):
    from guidance.selectors import indicator_headers

    document = make_report(users, orgs, quarter=2)
    assert indicator_headers(document) == list(HEADERS)
    word = docx.Document(io.BytesIO(render_docx(print_data_for(document))))
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert "Ước TH quý I/2023 so với KH 2023 (%)" in cells


def test_written_appendix_headers_keep_the_roman_quarter_in_capitals(users, orgs):
    """A table without typed titles (made by pulling the districts) gets written ones."""
    from guidance.models import IndicatorSource
    from guidance.selectors import indicator_headers

    document = make_report(users, orgs, quarter=2)
    IndicatorSource.objects.filter(report_id=document.pk).update(headers={})
    headers = indicator_headers(document)
    assert headers[4:] == [
        "Ước thực hiện quý II/2023",
        "Quý II/2023 so với cùng kỳ (%)",
        "Quý II/2023 so với kế hoạch năm 2023 (%)",
    ]
    word = docx.Document(io.BytesIO(render_docx(print_data_for(document))))
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert "Quý II/2023 so với cùng kỳ (%)" in cells


@needs_poppler
def test_report_pdf_prints_the_indicator_table_from_the_data(seed_report, users, tmp_path):
    report_indicators_sync(document=seed_report, revision=seed_report.current_revision)
    budget = Indicator.objects.get(report_id=seed_report.pk, code="3")
    indicator_update(
        indicator=budget,
        actor=users["doson.editor"],
        plan=ind.Figure(Decimal("116442.134")),
        estimate=Decimal("25000"),  # 25.000 / 116.442,134 = 21,47 %, left blank: computed
        same_period=None,
        reported_same_period_ratio=Decimal("90.54"),
        reported_plan_ratio=None,
    )
    text = appendix_text(render_pdf(print_data_for(seed_report)), tmp_path)
    assert "21,47" in text
    assert "25.000" in text
    assert "24.042,91" not in text
    for expected in ("116.442,134", "19,13", "23,25", "14.435", "25,19", "12,7 - 13"):
        assert expected in text
    for name in ("Kim ngạch xuất khẩu", "Thu nội địa", "Số lao động được giải quyết việc làm"):
        assert name in text


@needs_poppler
def test_seed_pdf_shows_20_65_in_the_appendix(seed_report, tmp_path):
    report_indicators_sync(document=seed_report, revision=seed_report.current_revision)
    text = appendix_text(render_pdf(print_data_for(seed_report)), tmp_path)
    assert "20,65" in text
    assert "Tổng thu ngân sách trên địa bàn" in text
    # Row 5 prints its ratio as typed (6,59 / 31 = 21,258…, truncated to 21,25), row 7 its
    # ratio against the plan's lower end as typed, row 3's sub-row its estimate as typed.
    row5 = next(line for line in text.splitlines() if "Kim ngạch xuất khẩu" in line)
    assert row5.split()[-1] == "21,25"
    row7 = next(line for line in text.splitlines() if "Thu hút vốn đầu tư" in line)
    assert row7.split()[-1] == "23,25"
    assert "18,60" not in text and "21,26" not in text
    assert "8.132,00" in text
    assert "U' TH Quý" in text and "KH 2023 (%)" in text  # column titles as typed


def many_rows(count: int) -> list[IndicatorRow]:
    return [
        IndicatorRow(str(i), f"Chỉ tiêu số {i}", "Tỷ đồng", "1.000", "250", "", "25,00")
        for i in range(1, count + 1)
    ]


@needs_poppler
def test_the_header_row_is_repeated_on_every_page_of_the_table(tmp_path):
    data = PrintData(
        kind="report",
        parent_line="THÀNH ỦY HẢI PHÒNG",
        issuer_name="BAN TUYÊN GIÁO",
        number="12-BC/BTGTU",
        place="Hải Phòng",
        issued_on=None,
        type_name="BÁO CÁO",
        title="kết quả quý I năm 2023",
        body_html="<p>Nội dung.</p>",
        indicators=many_rows(60),
    )
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(data))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout.split("\f")
    table_pages = [p for p in pages if "Chỉ tiêu số" in p]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert "Đơn vị tính" in page  # the header row, on every page the table spans
    assert "Chỉ tiêu số 60" in table_pages[-1]
    assert "PHỤ LỤC" in pages[1] or any("PHỤ LỤC" in p for p in pages)


def indicator_table(document_bytes: bytes):
    word = docx.Document(io.BytesIO(document_bytes))
    return next(t for t in word.tables if t.rows[0].cells[0].text == "TT")


def test_report_docx_prints_the_same_table(seed_report):
    report_indicators_sync(document=seed_report, revision=seed_report.current_revision)
    table = indicator_table(render_docx(print_data_for(seed_report)))
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert len(rows) == 17  # the header and 16 rows
    assert rows[0][3] == "Kế hoạch năm 2023"
    assert rows[0][4] == "U' TH Quý I/ 2023"  # the column titles as typed
    budget = next(row for row in rows if row[0] == "3")
    assert budget[1:] == [
        "Tổng thu ngân sách trên địa bàn, trong đó:",
        "Tỷ đồng",
        "116.442,134",
        "24.042,91",
        "90,54",
        "20,65",
    ]
    assert next(row for row in rows if row[0] == "7")[6] == "23,25"  # as typed
    assert next(row for row in rows if row[0] == "5")[6] == "21,25"
    header = table.rows[0]._tr
    assert header.trPr is not None and header.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert table.rows[8].cells[6].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_a_report_without_an_appendix_gets_one_for_its_indicators():
    data = PrintData(
        kind="report",
        parent_line="QUẬN ỦY ĐỒ SƠN",
        issuer_name="BAN TUYÊN GIÁO",
        number="",
        place="Đồ Sơn",
        issued_on=None,
        type_name="BÁO CÁO",
        title="quý I năm 2023",
        body_html="<p>Nội dung.</p>",
        indicators=many_rows(2),
    )
    table = indicator_table(render_docx(data))
    assert [c.text for c in table.rows[2].cells][:2] == ["2", "Chỉ tiêu số 2"]


def test_published_report_files_carry_the_indicator_table(users, orgs):
    from tests.factories import run_tasks

    document = make_report(users, orgs, state="approved")
    run_tasks()
    document.refresh_from_db()
    revision = document.approved_revision
    table = indicator_table(revision.rendered_files.get(format="docx").file.read())
    assert [c.text for c in table.rows[1].cells][6] == "25,05"


def test_the_migration_keeps_the_typed_figures_of_rows_read_before_it(users, orgs):
    import importlib

    from django.apps import apps

    module = importlib.import_module("guidance.migrations.0004_indicator_typed_figures")
    assert module._TYPED_COLUMNS == ind.TYPED_COLUMNS  # the frozen copy, as the rule is today
    document = make_report(users, orgs)
    Indicator.objects.filter(report_id=document.pk).update(typed={})
    module._typed_from_cells(apps, None)
    row = Indicator.objects.get(report_id=document.pk, code="1")
    assert row.typed == {
        "plan": "1.000", "estimate": "250,5", "same_period_ratio": "95,00", "plan_ratio": "25,05"
    }  # fmt: skip
