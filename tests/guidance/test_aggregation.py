"""A city report pulls the indicators its districts reported for the same quarter."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guidance.models import Indicator, Report
from guidance.selectors import district_reports, indicator_lines, pulled_groups
from guidance.services import report_indicators_pull
from portal.models import WorkflowEvent
from tests.guidance.test_indicators import grant, make_report

DOSON_ROWS = (
    ("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "1.000", "250,5", "", "25,05"),
    ("", "- Thu nội địa", "Tỷ đồng", "400", "100", "", "25,00"),
    ("2", "Tốc độ tăng trưởng GRDP", "%", "7 - 7,5", "-", "6,5", "-"),
    ("3", "Số lao động được giải quyết việc làm", "Lượt người", "2.000", "500", "", "25,00"),
)
NGOQUYEN_ROWS = (
    ("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "3.000 - 3.500", "749,5", "", ""),
    ("", "- Thu nội địa", "Tỷ đồng", "1.600", "420", "", ""),
    ("2", "Tốc độ tăng trưởng GRDP", "%", "8", "-", "7,2", "-"),
    ("3", "Số lao động được giải quyết việc làm", "Lượt người", "3.000", "800", "", ""),
    ("4", "Thu hút vốn đầu tư nước ngoài", "Triệu USD", "100", "30", "", ""),
)
CITY_ROWS = (
    ("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "", "", "", ""),
    ("2", "Tốc độ tăng trưởng GRDP", "%", "12,7 - 13", "-", "9,65", "-"),
)


@pytest.fixture
def districts(users, orgs):
    """Approved reports of Đồ Sơn and Ngô Quyền for quarter I of 2023."""
    grant(users, orgs, "ngoquyen.head", "ngoquyen-btg", "head")
    doson = make_report(users, orgs, rows=DOSON_ROWS, state="approved")
    ngoquyen = make_report(
        users,
        orgs,
        issuer="ngoquyen-btg",
        editor="ngoquyen.editor",
        rows=NGOQUYEN_ROWS,
        state="published",
    )
    return doson, ngoquyen


@pytest.fixture
def city(users, orgs):
    grant(users, orgs, "hp.editor", "hp-btg", "editor")
    return make_report(users, orgs, issuer="hp-btg", editor="hp.editor", rows=CITY_ROWS)


def group(city_document, name: str):
    return next(g for g in pulled_groups(city_document) if g.name.startswith(name))


def test_district_reports_of_the_same_quarter_are_found(users, orgs, districts, city):
    doson, ngoquyen = districts
    make_report(users, orgs, rows=DOSON_ROWS, state="draft")  # not reported yet
    make_report(users, orgs, rows=DOSON_ROWS, state="approved", quarter=2)  # another quarter
    hanoi = dict(issuer="hbt-btg", editor="hbt.editor", approver="hn.approver")
    make_report(users, orgs, rows=DOSON_ROWS, state="approved", **hanoi)  # another city
    assert {d.pk for d in district_reports(city)} == {doson.pk, ngoquyen.pk}


def test_absolute_figures_are_summed_with_their_sources(districts, city):
    doson, ngoquyen = districts
    budget = group(city, "Tổng thu ngân sách")
    assert budget.summable
    assert budget.estimate == Decimal("1000.0")
    assert (budget.plan.low, budget.plan.high) == (Decimal("4000"), Decimal("4500"))
    assert budget.total.plan_check.display == "25,00 - 22,22"
    assert budget.sources == [
        f"Quận ủy Đồ Sơn, Báo cáo số {doson.number}",
        f"Quận ủy Ngô Quyền, Báo cáo số {ngoquyen.number}",
    ]
    jobs = group(city, "Số lao động")
    assert jobs.estimate == Decimal("1300")
    assert jobs.total.plan_check.display == "26,00"
    domestic = group(city, "- Thu nội địa")
    assert domestic.parent_key == budget.key
    assert domestic.estimate == Decimal("520")


def test_percentages_are_listed_per_district_not_summed(districts, city):
    growth = group(city, "Tốc độ tăng trưởng")
    assert not growth.summable
    reported = [item.indicator.reported_same_period_ratio for item in growth.items]
    assert reported == [Decimal("6.5"), Decimal("7.2")]
    assert [item.district for item in growth.items] == ["Quận ủy Đồ Sơn", "Quận ủy Ngô Quyền"]


def test_pull_writes_sums_and_per_district_rows_in_one_event(users, districts, city):
    doson, ngoquyen = districts
    written = report_indicators_pull(document=city, actor=users["hp.editor"])
    assert written == 6  # 4 sums (budget, domestic, jobs, FDI) + growth of 2 districts
    lines = indicator_lines(city)
    names = [(line.level, line.indicator.name) for line in lines]
    assert names == [
        (0, "Tổng thu ngân sách trên địa bàn"),
        (1, "- Thu nội địa"),
        (0, "Tốc độ tăng trưởng GRDP"),
        (1, "- Quận ủy Đồ Sơn"),
        (1, "- Quận ủy Ngô Quyền"),
        (0, "Số lao động được giải quyết việc làm"),
        (0, "Thu hút vốn đầu tư nước ngoài"),
    ]
    budget = lines[0]
    assert budget.indicator.estimate == Decimal("1000")
    assert budget.plan_check.display == "25,00 - 22,22"
    assert budget.indicator.source.startswith("Tổng hợp từ: Quận ủy Đồ Sơn, Báo cáo số ")
    growth = lines[2]
    assert growth.plan_text == "12,7 - 13"  # the city's own plan for a percentage is kept
    assert lines[3].indicator.source_report_id == doson.pk
    assert lines[4].same_period_check.display == "7,20"
    assert lines[6].indicator.code == "4"
    event = WorkflowEvent.objects.filter(document=city).last()
    assert event.action == "edit"
    assert event.actor == users["hp.editor"]
    assert "Quận ủy Ngô Quyền" in event.reason


def test_editing_the_city_table_after_a_pull_keeps_the_pulled_rows(users, districts, city):
    from portal.services.documents import document_update
    from tests.guidance.test_indicators import appendix_html

    report_indicators_pull(document=city, actor=users["hp.editor"])
    before = [
        (line.level, line.indicator.name, line.indicator.estimate) for line in indicator_lines(city)
    ]
    growth = ("2", "Tốc độ tăng trưởng GRDP", "%", "12,5 - 13", "-", "9,65", "-")
    revision = document_update(
        document=city,
        actor=users["hp.editor"],
        title=city.title,
        body_html=appendix_html((CITY_ROWS[0], growth)),
    )
    city.refresh_from_db()
    assert city.current_revision_id == revision.pk
    lines = indicator_lines(city)
    after = [(line.level, line.indicator.name, line.indicator.estimate) for line in lines]
    assert after == before
    assert lines[0].indicator.estimate == Decimal("1000")  # the pulled sum, cells unchanged
    assert lines[0].indicator.source.startswith("Tổng hợp từ:")
    assert lines[2].plan_text == "12,5 - 13"  # the changed row reads the table
    assert lines[3].indicator.source_report_id == districts[0].pk
    positions = [line.indicator.position for line in lines]
    assert positions == list(range(1, len(lines) + 1))


def test_a_pulled_row_the_table_then_gains_is_not_printed_twice(users, districts, city):
    from portal.services.documents import document_update
    from tests.guidance.test_indicators import appendix_html

    report_indicators_pull(document=city, actor=users["hp.editor"])
    jobs = ("3", "Số lao động được giải quyết việc làm", "Lượt người", "", "", "", "")
    document_update(
        document=city,
        actor=users["hp.editor"],
        title=city.title,
        body_html=appendix_html((*CITY_ROWS, jobs)),
    )
    rows = Indicator.objects.filter(report_id=city.pk, name=jobs[1])
    assert rows.count() == 1
    assert rows.get().estimate == Decimal("1300")  # the pulled sum fills the blank row
    assert rows.get().table_cells is not None
    names = [line.indicator.name for line in indicator_lines(city)]
    assert len(names) == len(set(names)) == 7  # each indicator and district row once
    positions = [line.indicator.position for line in indicator_lines(city)]
    assert positions == list(range(1, len(positions) + 1))


def test_sums_too_large_to_store_exactly_are_refused_by_name(users, orgs, city):
    huge = (("1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "", "600.000.000.000", "", ""),)
    make_report(users, orgs, rows=huge, state="approved")
    grant(users, orgs, "ngoquyen.head", "ngoquyen-btg", "head")
    make_report(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", rows=huge,
                state="approved")  # fmt: skip
    with pytest.raises(ValidationError, match="Tổng của chỉ tiêu «Tổng thu ngân sách"):
        report_indicators_pull(document=city, actor=users["hp.editor"])
    assert Indicator.objects.get(report_id=city.pk, code="1").estimate is None  # unchanged


def test_pulling_twice_does_not_duplicate_rows(users, districts, city):
    report_indicators_pull(document=city, actor=users["hp.editor"])
    report_indicators_pull(document=city, actor=users["hp.editor"])
    assert Indicator.objects.filter(report_id=city.pk).count() == 7
    positions = list(Indicator.objects.filter(report_id=city.pk).values_list("position", flat=True))
    assert positions == list(range(1, 8))


def test_pull_without_district_reports_says_so(users, city):
    with pytest.raises(ValidationError, match="Chưa có báo cáo quý cùng kỳ"):
        report_indicators_pull(document=city, actor=users["hp.editor"])


def test_only_the_city_reports_editors_may_pull(users, districts, city):
    with pytest.raises(PermissionDenied):
        report_indicators_pull(document=city, actor=users["doson.editor"])


def test_pull_page_shows_figures_and_sources_then_takes_them(client, users, districts, city):
    doson, _ = districts
    client.force_login(users["hp.editor"])
    url = reverse("guidance:indicator_pull", args=[city.pk])
    page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert f"Quận ủy Đồ Sơn, Báo cáo số {doson.number}" in content
    assert "1.000" in content  # the summed estimate of the budget
    assert "Không cộng được: liệt kê theo từng đơn vị" in content
    assert 'id="pull"' in content
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("guidance:indicator_list", args=[city.pk])
    assert Indicator.objects.filter(report_id=city.pk).count() == 7


def test_pull_page_without_district_reports_answers_409(client, users, city):
    client.force_login(users["hp.editor"])
    response = client.post(reverse("guidance:indicator_pull", args=[city.pk]))
    assert response.status_code == 409
    assert "Chưa có báo cáo quý cùng kỳ" in response.content.decode()


def test_readers_of_the_city_report_do_not_see_the_district_figures(client, users, orgs, districts):
    doson, _ = districts
    grant(users, orgs, "hp.editor", "hp-btg", "editor")
    city = make_report(
        users, orgs, issuer="hp-btg", editor="hp.editor", rows=CITY_ROWS, state="published"
    )
    url = reverse("guidance:indicator_pull", args=[city.pk])
    client.force_login(users["vanhuong.secretary"])
    page = client.get(url)
    assert page.status_code == 403
    assert doson.number not in page.content.decode()
    listing = client.get(reverse("guidance:indicator_list", args=[city.pk]))
    assert listing.status_code == 200
    assert url not in listing.content.decode()
    client.force_login(users["hp.approver"])
    assert doson.number in client.get(url).content.decode()
    assert url in client.get(reverse("guidance:indicator_list", args=[city.pk])).content.decode()


def test_the_migration_tells_table_rows_from_rows_the_pull_added(users, districts, city):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("guidance.migrations.0003_indicator_table_cells")
    report_indicators_pull(document=city, actor=users["hp.editor"])
    rows = Indicator.objects.filter(report_id=city.pk)
    before = {row.pk: row.table_cells for row in rows}
    rows.update(table_cells={"as": "before the migration"})
    Indicator.objects.filter(report_id=city.pk, source_report__isnull=False).update(
        table_cells=None
    )
    migration.mark_where_rows_come_from(apps, None)
    assert {row.pk: row.table_cells for row in rows.all()} == before


def test_pull_page_looks_for_the_district_reports_once(client, users, districts, city):
    client.force_login(users["hp.editor"])
    url = reverse("guidance:indicator_pull", args=[city.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    quarter_filter = f'"{Report._meta.db_table}"."quarter" ='  # district_reports' WHERE
    district_queries = [q["sql"] for q in queries if quarter_filter in q["sql"]]
    assert len(district_queries) == 1
