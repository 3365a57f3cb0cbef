"""Deadlines set by the city for the departments below it, on a generated year of
bulletins: each department's state per month, lateness, exceptions, reminders on the right
days (the clock driven across the year), the on-time rate, the board and its CSV."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal.deadlines import (
    DRAFTING,
    NOT_STARTED,
    PUBLISHED,
    next_period,
    on_time_year,
    regular_due,
    unit_states,
)
from portal.models import Deadline, Notification
from portal.services.deadlines import deadline_exception_set, deadline_remind, deadline_set
from tests.factories import login_two_step, make_document

YEAR = 2026


def _at(day: date, hour: int = 9):
    return time_machine.travel(timezone.make_aware(datetime(day.year, day.month, day.day, hour)),
                               tick=False)  # fmt: skip


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def deadline(users, orgs):
    """The city's rule: the bulletin of month M by the 25th of M−1, reminded 3 days before."""
    return deadline_set(organisation=orgs["hp"], kind="bulletin", month_offset=-1, day=25,
                        remind_days=3, actor=users["hp.approver"])  # fmt: skip


def generate_year(users, orgs) -> dict:
    """A generated year: Đồ Sơn publishes every bulletin of 2026, on the 20th of the month
    before for January to June (on time), on the 28th from July (late); Ngô Quyền drafts
    December's and publishes nothing; the city's own department does nothing."""
    published = {}
    for month in range(1, 13):
        first = YEAR * 12 + month - 1
        day = _month(first - 1).replace(day=20 if month <= 6 else 28)
        with _at(day):
            published[month] = make_document(
                users, orgs, state="published", render=False,
                title=f"Thông tin sinh hoạt chi bộ tháng {month} năm {YEAR}",
                kind_fields={"period_month": month, "period_year": YEAR},
            )  # fmt: skip
    with _at(date(YEAR, 11, 30)):
        make_document(
            users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", render=False,
            kind_fields={"period_month": 12, "period_year": YEAR},
        )  # fmt: skip
    return published


@pytest.fixture
def year(users, orgs, deadline):
    return generate_year(users, orgs)


def _states(deadline, month: int, today: date) -> dict[str, tuple]:
    rows = unit_states(deadline, YEAR * 12 + month - 1, today)
    return {r.unit.code: (r.state, r.late_days) for r in rows}


def test_due_days_follow_the_rule_and_the_months_length(deadline):
    assert regular_due(deadline, YEAR * 12) == date(YEAR - 1, 12, 25)  # January's bulletin
    deadline.day = 31
    assert regular_due(deadline, YEAR * 12 + 2) == date(YEAR, 2, 28)  # March's: end of Feb
    assert next_period(deadline, date(YEAR, 12, 3)) == (YEAR + 1) * 12  # January 2027's


def test_each_department_has_its_state_and_lateness_per_month(deadline, year):
    today = date(YEAR, 12, 3)
    assert _states(deadline, 3, today) == {
        "hp-btg": (NOT_STARTED, 281),
        "doson-btg": (PUBLISHED, 0),
        "ngoquyen-btg": (NOT_STARTED, 281),
    }
    assert _states(deadline, 12, today) == {
        "hp-btg": (NOT_STARTED, 8), "doson-btg": (PUBLISHED, 3), "ngoquyen-btg": (DRAFTING, 8),
    }  # fmt: skip
    # Before the due day nobody is late yet.
    assert _states(deadline, 12, date(YEAR, 11, 24))["ngoquyen-btg"] == (DRAFTING, 0)


def test_an_exception_moves_one_period(users, deadline, year):
    february = YEAR * 12 + 1
    deadline_exception_set(deadline=deadline, period_first=february, due=date(YEAR, 2, 10),
                           note="Nghỉ Tết Nguyên đán", actor=users["hp.head"])  # fmt: skip
    rows = unit_states(deadline, february, date(YEAR, 12, 3))
    assert {r.due for r in rows} == {date(YEAR, 2, 10)}
    waived = YEAR * 12 + 8
    deadline_exception_set(deadline=deadline, period_first=waived, due=None,
                           note="Không phát hành tháng 9", actor=users["hp.approver"])  # fmt: skip
    assert {r.late_days for r in unit_states(deadline, waived, date(YEAR, 12, 3))} == {0}
    with pytest.raises(PermissionDenied):
        deadline_exception_set(deadline=deadline, period_first=waived, due=None, note="x",
                               actor=users["doson.head"])  # fmt: skip


def test_the_on_time_rate_counts_the_periods_already_due(deadline, year):
    rates = {r.unit.code: (r.on_time, r.due, r.percent)
             for r in on_time_year(deadline, YEAR, date(YEAR, 12, 3))[0]}  # fmt: skip
    assert rates["doson-btg"] == (6, 12, 50)
    assert rates["ngoquyen-btg"] == (0, 12, 0)
    # In June, only January to June were due (July's is due on 25 June).
    rates = {r.unit.code: r.due for r in on_time_year(deadline, YEAR, date(YEAR, 6, 24))[0]}
    assert rates["doson-btg"] == 6


def test_reminders_go_out_three_days_before_and_on_the_day_once(users, orgs, deadline):
    def told(day: date) -> set[str]:
        with _at(day, hour=7):
            return {n.user.username for n in deadline_remind(today=day)}

    everyone = {"hp.editor", "hp.head", "ngoquyen.editor", "doson.editor", "doson.head"}
    assert told(date(YEAR, 11, 21)) == set()
    assert told(date(YEAR, 11, 22)) == everyone  # December's bulletin, due 25 November
    assert told(date(YEAR, 11, 22)) == set()  # already told today
    assert told(date(YEAR, 11, 23)) == set()
    with _at(date(YEAR, 11, 24)):  # Đồ Sơn publishes December's in time
        make_document(users, orgs, state="published", render=False,
                      kind_fields={"period_month": 12, "period_year": YEAR})  # fmt: skip
    assert told(date(YEAR, 11, 25)) == everyone - {"doson.editor", "doson.head"}
    assert told(date(YEAR, 12, 22)) == everyone  # January 2027's, due 25 December
    message = Notification.objects.filter(user__username="ngoquyen.editor").first().message
    assert message == (
        "Ban Tuyên giáo Quận ủy Ngô Quyền: hạn ban hành bản tin tháng 1/2027 là ngày "
        "25/12/2026 (hiện: chưa soạn)."
    )


def test_the_board_shows_filters_and_exports_a_period(client, users, deadline, year):
    login_two_step(client, users["hp.approver"])
    url = reverse("portal:deadline_board")
    with _at(date(YEAR, 12, 3)):
        page = client.get(url, {"han": deadline.pk, "ky": f"{YEAR}-12"}).content.decode()
        late = client.get(url, {"han": deadline.pk, "ky": f"{YEAR}-12", "tinh-trang": "tre"})
        exported = client.get(url, {"han": deadline.pk, "ky": f"{YEAR}-12", "dinh-dang": "csv"})
        default = client.get(url).content.decode()
        odd = client.get(url, {"han": deadline.pk, "ky": "0000-01"})  # not a period: the next
    assert 'id="deadline-summary">1/3 đơn vị đã ban hành; 2 đơn vị trễ hạn chưa ban hành.' in page
    assert "trễ 3 ngày" in page and "trễ 8 ngày" in page
    # The year drawn: each department's on-time rate, and each month's across them.
    units = page.split('id="on-time-units-title"')[1].split("</svg>")[0]
    months = page.split('id="on-time-periods-title"')[1].split("</svg>")[0]
    assert "Tỉ lệ ban hành đúng hạn của từng đơn vị, năm 2026" in units
    assert "<title>Ban Tuyên giáo Quận ủy Đồ Sơn: 50%</title>" in units
    assert "<title>Ban Tuyên giáo Quận ủy Ngô Quyền: 0%</title>" in units
    assert "<title>T6: 33%</title>" in months and "<title>T7: 0%</title>" in months
    assert "Ban Tuyên giáo Quận ủy Đồ Sơn" not in late.content.decode().split("deadline-board")[1]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][0] == "Đơn vị" and len(rows) == 4
    assert rows[2][:5] == [
        "Ban Tuyên giáo Quận ủy Đồ Sơn",
        "Đã ban hành",
        "25/11/2026",
        "28/11/2026",
        "3",
    ]
    assert "Bản tin tháng 1/2027" in default  # the next period due, by default
    assert odd.status_code == 200 and "Bản tin tháng 1/2027" in odd.content.decode()


def test_only_a_level_above_sets_deadlines(client, users, orgs, deadline):
    with pytest.raises(PermissionDenied):
        deadline_set(organisation=orgs["hp"], kind="bulletin", month_offset=0, day=5,
                     remind_days=1, actor=users["doson.editor"])  # fmt: skip
    client.force_login(users["doson.editor"])
    assert client.get(reverse("portal:deadline_settings")).status_code == 403
    assert "no-deadlines" in client.get(reverse("portal:deadline_board")).content.decode()
    client.force_login(users["hp.head"])
    response = client.post(reverse("portal:deadline_settings"), {
        "form": "deadline", "organisation": orgs["hp"].pk, "kind": "report",
        "month_offset": 2, "day": 15, "remind_days": 5})  # fmt: skip
    assert response.status_code == 302
    report = Deadline.objects.get(kind="report")
    assert (report.month_offset, report.day, report.set_by) == (2, 15, users["hp.head"])
    assert regular_due(report, YEAR * 12 + 6) == date(YEAR, 9, 15)  # Q3 by 15 September
