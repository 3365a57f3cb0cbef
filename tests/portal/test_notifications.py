"""Notifications: who hears of each workflow step, in the portal and by e-mail through a real
SMTP server on loopback, one mail per event or a morning digest, retries when the server is
down."""

import logging
from datetime import datetime
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from portal.models import Notification
from portal.services.notifications import (
    next_digest_at,
    notification_setting_set,
    notifications_digest_send,
    notifications_mark_read,
    notify,
    unread_count,
)
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_publish,
    document_return,
    document_submit,
    step_reviewers,
)
from portal.tasks import send_notification_email
from tests.conftest import PERSONAS
from tests.factories import make_document, run_tasks
from tests.portal.test_password_reset import Mailbox, _free_port  # one SMTP server for tests

TITLE = "Thông tin sinh hoạt chi bộ tháng 12 năm 2024"


@pytest.fixture(scope="module")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def _smtp_to(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Cổng văn bản tuyên giáo <noreply@example.org>"
    settings.SITE_URL = "https://tuyengiao.example.org"


@pytest.fixture
def mailbox(smtp_server, settings):
    controller, mailbox = smtp_server
    mailbox.envelopes.clear()
    _smtp_to(settings, controller.port)
    return mailbox


def _message(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def _notified(kind: str | None = None) -> list[tuple[str, str]]:
    rows = Notification.objects.select_related("user").order_by("user__username", "id")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.user.username, n.kind) for n in rows]


def _names(users) -> list[str]:
    return sorted(u.username for u in users)


def test_each_workflow_step_notifies_those_concerned_and_nobody_else(users, orgs):
    editor, head, approver = users["doson.editor"], users["doson.head"], users["hp.approver"]
    document = make_document(users, orgs)
    assert _notified() == []

    document = document_submit(document=document, actor=editor)
    assert _notified() == [("doson.head", "submitted")]
    (submitted,) = Notification.objects.all()
    assert submitted.document == document and TITLE in submitted.message
    assert "chờ đồng chí duyệt" in submitted.message

    document = document_forward(document=document, actor=head)
    approvers = _names(step_reviewers(document, "approver"))
    assert "hp.approver" in approvers and "doson.editor" not in approvers
    assert [u for u, _k in _notified("submitted")] == sorted(["doson.head", *approvers])

    Notification.objects.all().delete()
    document = document_return(document=document, actor=approver, reason="Bổ sung mục III.")
    assert _notified() == [("doson.editor", "returned")]
    assert Notification.objects.get().message.endswith("Lý do: Bổ sung mục III.")

    document = document_submit(document=document, actor=editor)
    document = document_forward(document=document, actor=head)
    Notification.objects.all().delete()
    document = document_approve(document=document, actor=approver)
    approved = _notified("approved")
    assert ("doson.editor", "approved") in approved and ("doson.head", "approved") in approved
    assert ("hp.approver", "approved") not in approved  # the one who acted

    Notification.objects.all().delete()
    document_publish(document=document, actor=editor)
    published = _notified("published")
    assert ("doson.head", "published") in published
    assert ("doson.editor", "published") not in published
    # Another district's staff, the cells and another city never hear of it.
    outsiders = {"ngoquyen.editor", "vanhuong.secretary", "ngoquyen.secretary", "hn.approver"}
    assert not outsiders & {u for u, _k in approved + published}


def test_notify_skips_inactive_users_and_counts_each_user_once(users, orgs):
    document = make_document(users, orgs)
    head, editor = users["doson.head"], users["ngoquyen.editor"]
    editor.is_active = False
    editor.save()
    created = notify(users=[head, head, editor], document=document, kind="mentioned", message="x")
    assert [n.user for n in created] == [head]


def test_a_request_sends_no_mail_the_worker_does(
    client, users, orgs, mailbox, django_capture_on_commit_callbacks
):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_transition", args=[document.pk, "submit"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert mailbox.envelopes == []  # queued only
    assert DBTaskResult.objects.filter(task_path=send_notification_email.module_path).count() == 1

    run_tasks()
    (envelope,) = mailbox.envelopes
    assert envelope.rcpt_tos == [users["doson.head"].email]
    message = _message(envelope)
    assert message["Subject"].strip() == f"Văn bản chờ bạn duyệt: {TITLE}"
    link = f"https://tuyengiao.example.org/van-ban/{document.pk}/"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Kính gửi đồng chí") and "trình văn bản" in text and link in text
    html = message.get_body(("html",)).get_content()
    assert '<html lang="vi">' in html and f'href="{link}"' in html and TITLE in html
    assert Notification.objects.get().emailed_at is not None

    run_tasks()
    assert len(mailbox.envelopes) == 1  # sent once


def test_returned_mail_carries_the_reason(users, orgs, mailbox, django_capture_on_commit_callbacks):
    document = make_document(users, orgs, state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        document_return(document=document, actor=users["doson.head"], reason="Sửa số liệu.")
    run_tasks()
    (envelope,) = mailbox.envelopes
    assert envelope.rcpt_tos == [users["doson.editor"].email]
    message = _message(envelope)
    assert message["Subject"].strip() == f"Văn bản bị trả lại: {TITLE}"
    assert "Lý do: Sửa số liệu." in message.get_body(("plain",)).get_content()


def test_digest_users_get_no_single_mail_and_one_digest(
    users, orgs, mailbox, django_capture_on_commit_callbacks
):
    head = users["doson.head"]
    notification_setting_set(user=head, digest=True)
    first = make_document(users, orgs)
    second = make_document(users, orgs, title="Hướng dẫn tuyên truyền kỷ niệm ngày thành lập")
    with django_capture_on_commit_callbacks(execute=True):
        document_submit(document=first, actor=users["doson.editor"])
        document_submit(document=second, actor=users["doson.editor"])
    run_tasks()
    assert mailbox.envelopes == []
    assert Notification.objects.filter(user=head).count() == 2

    assert notifications_digest_send(now=Notification.objects.latest("created_at").created_at) == 1
    (envelope,) = mailbox.envelopes
    assert envelope.rcpt_tos == [head.email]
    message = _message(envelope)
    assert message["Subject"].strip() == "Thông báo trong ngày: 2 việc"
    text = message.get_body(("plain",)).get_content()
    for document in (first, second):
        assert f"https://tuyengiao.example.org/van-ban/{document.pk}/" in text
        assert document.title in message.get_body(("html",)).get_content()
    assert not Notification.objects.filter(user=head, emailed_at__isnull=True).exists()

    out = []
    call_command("notifications_digest", stdout=type("Out", (), {"write": out.append})())
    assert out == ["Đã gửi 0 thư thông báo gộp.\n"]  # nothing new since the last digest
    assert len(mailbox.envelopes) == 1


def test_smtp_down_retries_then_gives_up_and_keeps_the_notification(
    users, orgs, settings, caplog, django_capture_on_commit_callbacks
):
    _smtp_to(settings, _free_port())  # nobody listens there
    settings.NOTIFY_EMAIL_RETRY_SECONDS = 0
    document = make_document(users, orgs)
    with django_capture_on_commit_callbacks(execute=True):
        document_submit(document=document, actor=users["doson.editor"])
    with caplog.at_level(logging.WARNING, logger="portal.services.notifications"):
        run_tasks()
    tasks = DBTaskResult.objects.filter(task_path=send_notification_email.module_path)
    assert sorted(t.args_kwargs["args"][1] for t in tasks) == [1, 2, 3]
    assert all(t.status == "SUCCESSFUL" for t in tasks)  # the worker never sees an error
    assert "given up after 3 attempts" in caplog.text
    notification = Notification.objects.get()
    assert notification.user == users["doson.head"] and notification.emailed_at is None
    assert unread_count(users["doson.head"]) == 1


def test_list_shows_only_ones_own_newest_first_and_marks_them_read(client, users, orgs):
    document = make_document(users, orgs)
    head = users["doson.head"]
    notify(users=[head], document=document, kind="submitted", message="Việc thứ nhất")
    notify(users=[head], document=document, kind="returned", message="Việc thứ hai")
    notify(
        users=[users["doson.editor"]], document=document, kind="approved", message="Của người khác"
    )
    client.force_login(head)

    other = client.get(reverse("portal:document_list")).content.decode()
    assert "Thông báo (2)" in other

    page = client.get("/thong-bao/").content.decode()
    assert page.index("Việc thứ hai") < page.index("Việc thứ nhất")
    assert "Của người khác" not in page and page.count('class="badge"') == 2
    assert unread_count(head) == 0 and unread_count(users["doson.editor"]) == 1
    assert "Thông báo (0)" in client.get(reverse("portal:document_list")).content.decode()


def test_opening_a_notification_marks_it_read_and_opens_its_document(client, users, orgs):
    document = make_document(users, orgs)
    (mine,) = notify(users=[users["doson.head"]], document=document, kind="submitted", message="m")
    (theirs,) = notify(
        users=[users["doson.editor"]], document=document, kind="approved", message="t"
    )
    client.force_login(users["doson.head"])
    response = client.get(reverse("portal:notification_open", args=[mine.pk]))
    assert response["Location"] == reverse("portal:document_detail", args=[document.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("portal:notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_needs_a_login_and_serves_every_persona(client, users, persona):
    assert client.get("/thong-bao/").status_code == 302
    client.force_login(users[persona])
    assert client.get("/thong-bao/").status_code == 200


def test_the_badge_costs_one_query(client, users, orgs):
    document = make_document(users, orgs)
    for n in range(5):
        notify(users=[users["doson.head"]], document=document, kind="submitted", message=str(n))
    client.force_login(users["doson.head"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:document_list")).content.decode()
    assert "Thông báo (5)" in page
    assert sum('"portal_notification"' in q["sql"] for q in queries.captured_queries) == 1


def test_choosing_the_digest(client, users):
    client.force_login(users["doson.head"])
    response = client.post(reverse("portal:notification_settings"), {"delivery": "digest"})
    assert response.status_code == 302
    assert users["doson.head"].notification_setting.digest is True
    page = client.get("/thong-bao/").content.decode()
    assert 'value="digest" required id="id_delivery_1" checked' in page
    assert 'value="each" required id="id_delivery_0">' in page
    client.post(reverse("portal:notification_settings"), {"delivery": "each"})
    users["doson.head"].notification_setting.refresh_from_db()
    assert users["doson.head"].notification_setting.digest is False


def test_mark_read_only_touches_the_users_own(users, orgs):
    document = make_document(users, orgs)
    (mine,) = notify(users=[users["doson.head"]], document=document, kind="submitted", message="m")
    (theirs,) = notify(
        users=[users["doson.editor"]], document=document, kind="approved", message="t"
    )
    assert notifications_mark_read(user=users["doson.head"], ids=[mine.pk, theirs.pk]) == 1
    assert unread_count(users["doson.editor"]) == 1


def test_the_digest_goes_out_at_the_configured_hour(settings):
    settings.NOTIFY_DIGEST_HOUR = 7
    hanoi = ZoneInfo(django_settings.TIME_ZONE)
    assert next_digest_at(datetime(2025, 3, 4, 6, 59, tzinfo=hanoi)) == datetime(
        2025, 3, 4, 7, 0, tzinfo=hanoi
    )
    assert next_digest_at(datetime(2025, 3, 4, 7, 0, tzinfo=hanoi)) == datetime(
        2025, 3, 5, 7, 0, tzinfo=hanoi
    )


def test_a_failed_send_is_tried_again_later_not_at_once(
    users, orgs, settings, django_capture_on_commit_callbacks
):
    _smtp_to(settings, _free_port())  # nobody listens there
    settings.NOTIFY_EMAIL_RETRY_SECONDS = 60
    document = make_document(users, orgs)
    with django_capture_on_commit_callbacks(execute=True):
        document_submit(document=document, actor=users["doson.editor"])
    run_tasks()
    tasks = DBTaskResult.objects.filter(task_path=send_notification_email.module_path)
    first, second = tasks.order_by("enqueued_at")
    assert (first.status, second.status) == ("SUCCESSFUL", "READY")
    assert second.args_kwargs["args"][1] == 2
    waits = (second.run_after - first.finished_at).total_seconds()
    assert 55 < waits <= 60
