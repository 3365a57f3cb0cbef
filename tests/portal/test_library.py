"""The library's period filter picks documents by their own period, each kind asked how."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.services.workflow import document_publish
from tests.factories import make_document

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=VN)


def _titles(client, month: str) -> str:
    response = client.get(reverse("portal:library"), {"month": month})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tháng lọc không hợp lệ" not in page
    return page


def test_a_bulletin_is_found_under_its_own_month_not_its_publication_month(client, users, orgs):
    with time_machine.travel(TODAY, tick=False):
        bulletin = make_document(users, orgs, state="published", render=False,
                                 kind_fields={"period_month": 11, "period_year": 2026})  # fmt: skip
    client.force_login(users["vanhuong.secretary"])
    assert bulletin.title in _titles(client, "2026-11")
    assert bulletin.title not in _titles(client, "2026-12")  # published in December


def test_a_report_is_found_under_every_month_of_its_quarter(client, users, orgs):
    with time_machine.travel(TODAY, tick=False):
        report = make_document(users, orgs, kind="report", state="published", render=False,
                               title="Báo cáo quý I năm 2023")  # fmt: skip
    client.force_login(users["vanhuong.secretary"])
    for month in ("2023-01", "2023-02", "2023-03"):
        assert report.title in _titles(client, month)
    for month in ("2023-04", "2022-12", "2026-12"):
        assert report.title not in _titles(client, month)


def test_a_guidance_is_found_under_the_month_it_was_issued(client, users, orgs):
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=VN), tick=False):
        guidance = make_document(users, orgs, kind="guidance", state="approved", render=False,
                                 title="Hướng dẫn tuyên truyền kỷ niệm 95 năm")  # fmt: skip
    with time_machine.travel(TODAY, tick=False):  # published in another month than issued
        document_publish(document=guidance, actor=users["hp.approver"])
    client.force_login(users["vanhuong.secretary"])
    assert guidance.title in _titles(client, "2025-03")
    assert guidance.title not in _titles(client, "2026-12")


def test_the_filter_is_labelled_as_the_period_and_keeps_its_value(client, users):
    client.force_login(users["vanhuong.secretary"])
    page = client.get(reverse("portal:library"), {"month": "2026-11"}).content.decode()
    assert "Kỳ (tháng)" in page and "Tháng ban hành" not in page
    assert 'name="month" value="2026-11"' in page


def _queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert page.count('class="doc-row"') == rows
    return len(captured)


def test_the_period_filter_runs_as_many_queries_for_many_documents_as_for_one(client, users, orgs):
    client.force_login(users["vanhuong.secretary"])
    url = reverse("portal:library") + "?month=2023-02"
    with time_machine.travel(TODAY, tick=False):
        make_document(users, orgs, kind="report", state="published", render=False)
        for_one = _queries(client, url, rows=1)
        for quarter in (1, 1, 2):
            make_document(users, orgs, kind="report", state="published", render=False,
                          kind_fields={"quarter": quarter, "year": 2023})  # fmt: skip
        make_document(users, orgs, kind="guidance", state="published", render=False)
        make_document(users, orgs, state="published", render=False,
                      kind_fields={"period_month": 2, "period_year": 2023})  # fmt: skip
    assert _queries(client, url, rows=4) == for_one  # not the second quarter, nor the guidance
