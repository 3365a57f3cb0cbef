"""The stored period and number-key columns follow what they are derived from."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal.kinds import month_index, period_condition
from portal.models import Document
from portal.services.documents import document_update
from tests.factories import make_document


def _columns(document: Document) -> tuple[int, int]:
    document.refresh_from_db()
    return document.period_first, document.period_last


def test_a_bulletin_is_about_its_month_and_follows_a_changed_month(users, orgs):
    bulletin = make_document(users, orgs, kind="bulletin")
    record = bulletin.bulletin
    month = record.period_year * 12 + record.period_month - 1
    assert _columns(bulletin) == (month, month)
    document_update(
        document=bulletin,
        actor=users["doson.editor"],
        title=bulletin.title,
        body_html="<p>Nội dung</p>",
        kind_fields={"period_month": 3, "period_year": 2027},
    )
    assert _columns(bulletin) == (2027 * 12 + 2,) * 2


def test_a_report_is_about_its_quarter(users, orgs):
    report = make_document(users, orgs, kind="report", issuer="hp-btg", editor="hp.editor")
    report.report.quarter, report.report.year = 3, 2026
    report.report.save()
    assert _columns(report) == (2026 * 12 + 6, 2026 * 12 + 8)
    documents = Document.objects.filter(pk=report.pk)
    assert [m for m in range(1, 13) if documents.filter(period_condition(2026, m))] == [7, 8, 9]


def test_a_guidance_is_placed_by_its_issue_date_once_it_has_one(users, orgs):
    guidance = make_document(users, orgs, kind="guidance")
    assert _columns(guidance) == (month_index(guidance.created_at),) * 2
    guidance.issued_on = date(2025, 12, 31)
    guidance.save(update_fields=["issued_on"])
    assert _columns(guidance) == (2025 * 12 + 11,) * 2


def test_months_are_read_in_the_portals_time_zone():
    # 20:00 UTC on 31 January is 1 February in Việt Nam.
    assert month_index(datetime(2026, 1, 31, 20, tzinfo=ZoneInfo("UTC"))) == 2026 * 12 + 1
    assert month_index(date(2026, 1, 31)) == 2026 * 12


def test_the_number_key_is_the_normalised_number(users, orgs):
    guidance = make_document(users, orgs, kind="guidance")
    guidance.number = "07-hd/btgqu"
    guidance.save(update_fields=["number"])
    guidance.refresh_from_db()
    assert guidance.number_key == "7-HD/BTGQU"
    guidance.number = ""
    guidance.save()
    guidance.refresh_from_db()
    assert guidance.number_key == ""
