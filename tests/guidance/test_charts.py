"""Charts of a report's figures: its indicators over the quarters of its year (on its page and
in its PDF), and a city's consolidation per district."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from lxml import etree, html

from guidance.charts import quarter_charts
from guidance.models import Indicator
from portal.rendering.documents import print_data_for
from portal.rendering.pdf import render_pdf
from tests.guidance.test_aggregation import CITY_ROWS, DOSON_ROWS, NGOQUYEN_ROWS
from tests.guidance.test_indicators import grant, make_report

SVG = "{http://www.w3.org/2000/svg}"
BUDGET = "1 Tổng thu ngân sách trên địa bàn (Tỷ đồng)"


def rows(budget: str, jobs: str):
    """The table of test_indicators' ROWS with other estimates for two indicators."""
    return (
        ("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "1.000", budget, "", ""),
        ("", "- Thu nội địa", "Tỷ đồng", "400", "100", "", ""),
        ("2", "Tốc độ tăng trưởng GRDP", "%", "7 - 7,5", "-", "6,5", "-"),
        ("3", "Số lao động được giải quyết việc làm", "Lượt người", "2.000", jobs, "", ""),
    )


@pytest.fixture
def year(users, orgs):
    """Đồ Sơn's reports of 2023: quarters 1 and 2 published, quarter 3 a draft."""
    first = make_report(users, orgs, rows=rows("250,5", "500"), quarter=1, state="published")
    # The second quarter's table writes the budget's name in capitals: the same indicator.
    budget, *others = rows("520", "1.100")
    renamed = (budget[0], "TỔNG THU NGÂN SÁCH trên địa bàn", *budget[2:])
    second = make_report(users, orgs, rows=(renamed, *others), quarter=2, state="published")
    third = make_report(users, orgs, rows=rows("780,25", "1.650"), quarter=3)
    return first, second, third


def page(client, user, document) -> html.HtmlElement:
    client.force_login(user)
    response = client.get(reverse("guidance:indicator_list", args=[document.pk]))
    assert response.status_code == 200
    return html.fromstring(response.content)


def chart_named(tree: html.HtmlElement, caption: str) -> html.HtmlElement:
    return next(f for f in tree.iter("figure") if f.findtext("figcaption") == caption)


def bars(figure) -> dict[str, float | None]:
    """{label of the point: height of its bar} of a chart, None where it is a gap."""
    svg = etree.fromstring(html.tostring(figure.find(".//svg")))
    found = {}
    for point in svg.iter(f"{SVG}g"):
        label = point.findtext(f"{SVG}title").split(":")[0]
        rect = point.find(f"{SVG}rect")
        found[label] = None if rect is None else float(rect.get("height") or 0)
    return found


def test_the_third_quarter_page_charts_three_quarters_against_the_plan(client, users, year):
    *_, third = year
    tree = page(client, users["doson.editor"], third)
    budget = chart_named(tree, BUDGET)
    svg = budget.find(".//svg")
    assert svg.get("role") == "img"
    assert "ước thực hiện các quý năm 2023 so với kế hoạch năm" in svg.findtext("title")
    heights = bars(budget)
    assert list(heights) == ["Quý I", "Quý II", "Quý III"]
    assert heights["Quý II"] / heights["Quý I"] == pytest.approx(520 / 250.5, rel=0.01)
    assert heights["Quý III"] / heights["Quý I"] == pytest.approx(780.25 / 250.5, rel=0.01)
    drawn = " ".join(svg.itertext())
    for text in ("250,5", "520", "780,25", "Kế hoạch năm: 1.000"):
        assert text in drawn
    assert svg.find(".//line[@class='reference']") is not None
    table = [[cell.text_content() for cell in tr] for tr in budget.iter("tr")][1:]
    assert table == [
        ["Quý I", "250,5"],
        ["Quý II", "520"],
        ["Quý III", "780,25"],
        ["Kế hoạch năm", "1.000"],
    ]


def test_sub_rows_are_charted_and_rows_without_estimates_are_not(client, users, year):
    *_, third = year
    tree = page(client, users["doson.editor"], third)
    captions = [f.findtext("figcaption") for f in tree.iter("figure")]
    assert captions == [
        "1 Tổng thu ngân sách trên địa bàn (Tỷ đồng)",
        "1 Tổng thu ngân sách trên địa bàn / - Thu nội địa (Tỷ đồng)",
        "3 Số lao động được giải quyết việc làm (Lượt người)",
    ]  # GRDP growth has no estimate in any quarter


def test_a_missing_quarter_is_a_gap_not_a_zero(client, users, orgs):
    """No second quarter issued for 2023: neither a draft of it nor 2022's stands in."""
    make_report(users, orgs, rows=rows("250,5", "500"), quarter=1, state="published")
    make_report(users, orgs, rows=rows("611", "611"), quarter=2)  # not issued yet
    make_report(users, orgs, rows=rows("622", "622"), quarter=2, year=2022, state="published")
    third = make_report(users, orgs, rows=rows("780,25", "1.650"), quarter=3)
    budget = chart_named(page(client, users["doson.editor"], third), BUDGET)
    heights = bars(budget)
    assert list(heights) == ["Quý I", "Quý II", "Quý III"]
    assert heights["Quý II"] is None
    assert heights["Quý III"] / heights["Quý I"] == pytest.approx(780.25 / 250.5, rel=0.01)
    table = [[cell.text_content() for cell in tr] for tr in budget.iter("tr")]
    assert ["Quý II", "không có số liệu"] in table
    assert "611" not in budget.text_content() and "622" not in budget.text_content()


def test_the_page_runs_as_many_queries_for_one_quarter_as_for_three(client, users, orgs, year):
    first, _second, third = year
    client.force_login(users["doson.editor"])
    counts = []
    for document in (first, third):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("guidance:indicator_list", args=[document.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_charts_follow_the_language_and_the_pdf_stays_vietnamese(client, users, year):
    *_, third = year
    client.force_login(users["doson.editor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("guidance:indicator_list", args=[third.pk])).content.decode()
    assert "Estimated result of each quarter of 2023 against the annual plan" in content
    assert "Quarter III" in content and "Annual plan: 1.000" in content
    assert "Quý III" not in content
    with translation.override("en"):
        data = print_data_for(third)
    assert data.figures_title == "Ước thực hiện các quý năm 2023 so với kế hoạch năm"
    assert "Quý III" in data.figures[0].svg and "Quarter" not in data.figures[0].svg


def test_a_range_plan_is_drawn_as_a_band(users, orgs):
    plan = (("1", "Thu hút vốn đầu tư", "Triệu USD", "2.000 - 2.500", "465,06", "", ""),)
    make_report(users, orgs, rows=plan, quarter=1, state="published")
    second = make_report(users, orgs, rows=plan, quarter=2)
    chart = quarter_charts(second, user=users["doson.editor"])[0]
    svg = etree.fromstring(chart.svg.encode())
    assert len(svg.findall(f".//{SVG}line[@class='reference']")) == 2
    assert svg.find(f".//{SVG}rect[@class='reference-band']") is not None
    assert ("Kế hoạch năm", "2.000 - 2.500") in chart.rows


def test_reports_the_viewer_may_not_see_are_not_used(client, users, orgs):
    """A cell secretary reads published reports only: an approved second quarter not yet
    published is a gap for them, and a figure for its editor."""
    make_report(users, orgs, rows=rows("250,5", "500"), quarter=1, state="published")
    make_report(users, orgs, rows=rows("520", "1.100"), quarter=2, state="approved")
    third = make_report(users, orgs, rows=rows("780,25", "1.650"), quarter=3, state="published")
    reader = bars(chart_named(page(client, users["vanhuong.secretary"], third), BUDGET))
    assert reader["Quý II"] is None and reader["Quý I"] is not None
    editor = bars(chart_named(page(client, users["doson.editor"], third), BUDGET))
    assert editor["Quý II"] is not None


def test_another_units_reports_are_not_used(client, users, orgs):
    """Another district's report the city approver sees, and another city's report nobody
    in Hải Phòng sees, with the same indicators for the missing quarter."""
    grant(users, orgs, "ngoquyen.head", "ngoquyen-btg", "head")
    make_report(users, orgs, rows=rows("250,5", "500"), quarter=1, state="published")
    ngoquyen = dict(issuer="ngoquyen-btg", editor="ngoquyen.editor")
    make_report(users, orgs, rows=rows("999", "999"), quarter=2, state="published", **ngoquyen)
    hanoi = dict(issuer="hbt-btg", editor="hbt.editor", approver="hn.approver")
    make_report(users, orgs, rows=rows("888", "888"), quarter=2, state="published", **hanoi)
    third = make_report(users, orgs, rows=rows("780,25", "1.650"), quarter=3, state="submitted")
    for viewer in ("hp.approver", "doson.editor"):
        tree = page(client, users[viewer], third)
        budget = chart_named(tree, BUDGET)
        assert bars(budget)["Quý II"] is None, viewer
        assert "999" not in budget.text_content() and "888" not in budget.text_content()


def test_labels_are_escaped_on_the_page(client, users, orgs):
    typed = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"  # the text as typed in the cell
    hostile = (("1", typed, "Tỷ đồng", "1.000", "250,5", "", ""),)
    document = make_report(users, orgs, rows=hostile)
    assert Indicator.objects.get(report_id=document.pk).name == "<script>alert(1)</script> & co"
    client.force_login(users["doson.editor"])
    content = client.get(reverse("guidance:indicator_list", args=[document.pk])).content.decode()
    assert "<script>alert(1)" not in content
    figure = chart_named(html.fromstring(content), "1 <script>alert(1)</script> & co (Tỷ đồng)")
    assert figure.find(".//svg") is not None


# --- the city's consolidation -----------------------------------------------------------


@pytest.fixture
def consolidation(users, orgs):
    grant(users, orgs, "ngoquyen.head", "ngoquyen-btg", "head")
    grant(users, orgs, "hp.editor", "hp-btg", "editor")
    make_report(users, orgs, rows=DOSON_ROWS, state="approved")
    ngoquyen = dict(issuer="ngoquyen-btg", editor="ngoquyen.editor")
    make_report(users, orgs, rows=NGOQUYEN_ROWS, state="published", **ngoquyen)
    return make_report(users, orgs, issuer="hp-btg", editor="hp.editor", rows=CITY_ROWS)


def test_the_consolidation_page_draws_a_bar_per_district(client, users, consolidation):
    client.force_login(users["hp.editor"])
    response = client.get(reverse("guidance:indicator_pull", args=[consolidation.pk]))
    tree = html.fromstring(response.content)
    section = tree.get_element_by_id("district-charts")
    budget = chart_named(section, BUDGET)
    widths = {}
    svg = etree.fromstring(html.tostring(budget.find(".//svg")))
    for point in svg.iter(f"{SVG}g"):
        rect = point.find(f"{SVG}rect")
        widths[point.findtext(f"{SVG}title")] = None if rect is None else float(rect.get("width"))
    assert list(widths) == ["Quận ủy Đồ Sơn: 250,5", "Quận ủy Ngô Quyền: 749,5"]
    assert widths["Quận ủy Ngô Quyền: 749,5"] / widths["Quận ủy Đồ Sơn: 250,5"] == pytest.approx(
        749.5 / 250.5, rel=0.01
    )
    drawn = list(svg.itertext())
    assert "Quận ủy Đồ Sơn" in drawn and "Quận ủy Ngô Quyền" in drawn
    # Only Ngô Quyền reports foreign investment: Đồ Sơn is a gap there.
    investment = chart_named(section, "4 Thu hút vốn đầu tư nước ngoài (Triệu USD)")
    gaps = [g for g in investment.iter("g") if "gap" in g.get("class")]
    assert [g.findtext("title") for g in gaps] == ["Quận ủy Đồ Sơn: –"]
    captions = [f.findtext("figcaption") for f in section.iter("figure")]
    assert "2 Tốc độ tăng trưởng GRDP (%)" not in captions  # no district estimated it


# --- the PDF ------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
FIGURE_TITLE = "Ước thực hiện các quý năm 2023 so với kế hoạch năm"


def pdf_text(document, tmp_path) -> tuple[str, list[str]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(print_data_for(document)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    names = [line.split()[0] for line in fonts.stdout.splitlines()[2:]]
    return text, names


@needs_poppler
def test_the_third_quarter_pdf_prints_the_chart_after_the_table(users, year, tmp_path):
    *_, third = year
    text, fonts = pdf_text(third, tmp_path)
    appendix = text[text.index("PHỤ LỤC") :]
    assert FIGURE_TITLE in appendix
    assert appendix.index("82,50") < appendix.index(FIGURE_TITLE)  # the table's last row
    # pdftotext reads the drawn labels in their own order: looked for in the whole appendix,
    # with texts the table does not print (its own quarter's figures aside).
    for drawn in ("Quý I", "Quý II", "Quý III", "520", "1.100", "Kế hoạch năm: 1.000", BUDGET):
        assert drawn in appendix
    assert all(name.split("+")[-1].startswith("Tinos") for name in fonts), fonts


@needs_poppler
def test_the_first_quarter_pdf_has_no_chart(users, year, tmp_path):
    first, *_ = year
    text, _fonts = pdf_text(first, tmp_path)
    assert "PHỤ LỤC" in text
    assert FIGURE_TITLE not in text and "Kế hoạch năm:" not in text
    assert print_data_for(first).figures == []
