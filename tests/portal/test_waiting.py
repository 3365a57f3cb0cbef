"""What waits and for how long: the inbox shows who sent each document under review, when,
and how many days it has waited at its step, longest waiting first; past
REVIEW_REMINDER_DAYS it is marked "Quá hạn" and the step's holders are reminded once a day."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Document, Notification
from portal.services.waiting import waiting_remind
from portal.services.workflow import document_return, document_submit
from tests.factories import make_document

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY_0 = datetime(2026, 11, 2, 9, 30, tzinfo=VN)


@pytest.fixture(autouse=True)
def reminded_after_three_days(settings):
    settings.REVIEW_REMINDER_DAYS = 3


def _on(days: int, hour: int = 9):
    """The clock ``days`` after DAY_0, at ``hour`` local time."""
    moment = (DAY_0 + timedelta(days=days)).replace(hour=hour)
    return time_machine.travel(moment, tick=False)


def _awaiting(client, **query) -> str:
    response = client.get(reverse("portal:document_list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    return page.split('id="awaiting"')[1].split("</ul>")[0]


def _rows(section: str) -> list[str]:
    return section.split("<li")[1:]


def _reminders(user=None) -> list[tuple[int, str]]:
    rows = Notification.objects.filter(kind=Notification.Kind.WAITING)
    if user is not None:
        rows = rows.filter(user=user)
    return sorted(rows.values_list("document_id", "user__username"))


def test_the_inbox_shows_sender_and_waiting_time_longest_first_and_marks_overdue(
    client, users, orgs
):
    with _on(0):
        old = make_document(users, orgs, state="submitted", title="Chờ từ đầu tháng")
    with _on(2):
        recent = make_document(users, orgs, state="submitted", title="Trình hai ngày sau")
    client.force_login(users["doson.head"])
    with _on(5, hour=10):
        section = _awaiting(client)
        newest_first = _awaiting(client, xep="moi")
    first, second = _rows(section)
    assert old.title in first and recent.title in second  # longest waiting first
    assert "Nguyễn Thị Lan gửi lúc 09:30 02/11/2026" in first
    assert "chờ 5 ngày" in first and "Quá hạn" in first and "waiting-overdue" in first
    assert "Nguyễn Thị Lan gửi lúc 09:30 04/11/2026" in second
    assert "chờ 3 ngày" in second and "Quá hạn" not in second and "overdue" not in second
    assert [recent.title in row for row in _rows(newest_first)] == [True, False]


def test_waiting_restarts_at_each_step_and_the_sender_is_who_sent_it_there(client, users, orgs):
    with _on(0):
        document = make_document(users, orgs, state="submitted", title="Trả lại rồi trình lại")
    with _on(1):
        document = document_return(document=document, actor=users["doson.head"], reason="Sửa")
    with _on(6):
        document_submit(document=document, actor=users["doson.editor"])
    with _on(0):
        forwarded = make_document(users, orgs, state="forwarded", title="Đã chuyển Thành ủy")
    client.force_login(users["doson.head"])
    with _on(7):
        (row,) = _rows(_awaiting(client))
    assert document.title in row and "chờ 1 ngày" in row and "Quá hạn" not in row
    assert "gửi lúc 09:30 08/11/2026" in row
    client.force_login(users["hp.approver"])
    with _on(7):
        (row,) = _rows(_awaiting(client))
    assert forwarded.title in row and "Hoàng Văn Nam gửi lúc" in row  # the head forwarded it
    assert "chờ 7 ngày" in row and "Quá hạn" in row


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        _awaiting(client)
    return len(queries)


def test_the_inbox_runs_as_many_queries_for_thirty_waiting_documents_as_for_one(
    client, users, orgs
):
    with _on(0):
        make_document(users, orgs, state="submitted", title="Văn bản chờ số 0")
    client.force_login(users["doson.head"])
    with _on(4):
        one = _inbox_queries(client)
    for number in range(1, 30):
        with _on(number % 5):
            make_document(users, orgs, state="submitted", title=f"Văn bản chờ số {number}")
    with _on(6):
        thirty = _inbox_queries(client)
        assert len(_rows(_awaiting(client))) == 30
    assert one == thirty


def test_reviewers_are_reminded_on_the_fourth_day_once_a_day(users, orgs):
    head, approver = users["doson.head"], users["hp.approver"]
    with _on(0):
        at_head = make_document(users, orgs, state="submitted", title="Chờ lãnh đạo ban")
        at_city = make_document(users, orgs, state="forwarded", title="Chờ Thường trực")
    with _on(2):
        fresher = make_document(users, orgs, state="submitted", title="Trình sau hai ngày")
    for day in (1, 2, 3):
        with _on(day, hour=8):
            assert waiting_remind(now=datetime.now(VN)) == []
    with _on(4, hour=8):
        sent = waiting_remind(now=datetime.now(VN))
    assert _reminders() == sorted([(at_head.pk, "doson.head"), (at_city.pk, "hp.approver")])
    (to_head,) = [n for n in sent if n.user == head]
    assert "Chờ lãnh đạo ban" in to_head.message and "4 ngày" in to_head.message
    with _on(4, hour=17):
        assert waiting_remind(now=datetime.now(VN)) == []  # once a day
    overdue = [(at_head.pk, "doson.head"), (at_city.pk, "hp.approver")]
    with _on(5, hour=7):  # the next day again; "fresher" waits 3 days, not more
        sent = waiting_remind(now=datetime.now(VN))
    assert sorted((n.document_id, n.user.username) for n in sent) == sorted(overdue)
    with _on(6, hour=7):
        sent = waiting_remind(now=datetime.now(VN))
    overdue.append((fresher.pk, "doson.head"))
    assert sorted((n.document_id, n.user.username) for n in sent) == sorted(overdue)
    assert len(_reminders(approver)) == 3 and len(_reminders(head)) == 4


def test_documents_no_longer_under_review_are_not_reminded(users, orgs):
    with _on(0):
        document = make_document(users, orgs, state="submitted", title="Trả lại ngay")
        document_return(document=document, actor=users["doson.head"], reason="Sửa số liệu")
        make_document(users, orgs, state="approved", render=False, title="Đã duyệt")
    with _on(10):
        assert waiting_remind(now=datetime.now(VN)) == []
    assert Document.objects.filter(status=Document.Status.RETURNED).count() == 1


def test_the_command_reminds_and_says_how_many(users, orgs, settings):
    settings.REVIEW_REMINDER_DAYS = 2
    with _on(0):
        make_document(users, orgs, state="submitted", title="Chờ ba ngày")
    out = StringIO()
    with _on(3):
        call_command("remind_waiting", stdout=out)
        call_command("remind_waiting", stdout=out)
    assert out.getvalue().splitlines() == [
        "Đã nhắc 1 lượt về 1 văn bản chờ quá hạn.",
        "Đã nhắc 0 lượt về 0 văn bản chờ quá hạn.",
    ]
    assert [user for _document, user in _reminders()] == ["doson.head"]
