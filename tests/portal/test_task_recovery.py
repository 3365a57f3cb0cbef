"""Renders that survive their worker: lost tasks queued again or given up with their event,
the issuing staff's "Tạo lại bản in" once the files are overdue, and `render_missing`."""

from datetime import timedelta
from io import StringIO

import django_tasks_db
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from portal.models import Document, RenderedFile, WorkflowEvent
from portal.services import rendering
from portal.services.task_recovery import Asker, tasks_recover
from portal.tasks import render_revision
from tests.factories import make_document, run_tasks

pytestmark = pytest.mark.django_db


def _render_task(document: Document) -> DBTaskResult:
    return DBTaskResult.objects.get(
        task_path=render_revision.module_path, args_kwargs__args__0=document.approved_revision_id
    )


def _claimed(document: Document, *worker_ids: str, started_at=None) -> DBTaskResult:
    """The document's render task as a worker left it when it was killed mid-render."""
    task = _render_task(document)
    task.status, task.worker_ids = "RUNNING", list(worker_ids)
    task.started_at = started_at or timezone.now()
    task.save()
    return task


def _actions(document: Document) -> list[str]:
    return list(document.events.order_by("pk").values_list("action", flat=True))


def _pdf_stored(document: Document) -> bool:
    revision = document.approved_revision_id
    return RenderedFile.objects.filter(revision=revision, format="pdf").exists()


def test_the_recovery_is_written_for_django_tasks_db_0_13():
    """services.task_recovery reads and writes the library's task table: check it again, and
    the tests below, before moving to another version."""
    assert django_tasks_db.__version__ == "0.13.0"
    fields = {field.name for field in DBTaskResult._meta.get_fields()}
    used = {"status", "started_at", "finished_at", "worker_ids", "task_path", "args_kwargs",
            "exception_class_path", "traceback"}  # fmt: skip
    assert used <= fields
    options = db_worker.Command().create_parser("manage.py", "db_worker").parse_args([])
    assert options.worker_id and options.reload in (True, False)


def test_a_task_running_past_its_time_limit_is_queued_again_and_rendered(users, orgs, settings):
    document = make_document(users, orgs, state="approved", render=False)
    started = timezone.now() - timedelta(hours=1)
    task = _claimed(document, "worker-1", started_at=started)
    limit = timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)

    assert tasks_recover(now=started + limit - timedelta(seconds=1)).requeued == []
    # A worker never takes back the task it runs itself: it is alive, since it asks.
    itself = Asker(worker_id="worker-1", started_at=started - timedelta(seconds=1))
    assert tasks_recover(asker=itself).requeued == []
    # The same id restarted (a fixed --worker-id): the task was its killed predecessor's.
    restarted = Asker(worker_id="worker-1", started_at=timezone.now())
    assert tasks_recover(asker=restarted).requeued == [str(task.pk)]
    task.refresh_from_db()
    assert (task.status, task.worker_ids) == ("READY", ["worker-1"])
    assert tasks_recover().requeued == []  # once

    run_tasks()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and _pdf_stored(document)
    assert _actions(document)[-2:] == ["approve", "render"]


def test_a_render_stopped_by_a_worker_shutdown_is_queued_again(users, orgs, monkeypatch):
    """A second Ctrl+C (SystemExit) stops the render mid-way: the library marks the task
    failed, and nothing tells the document."""

    def shutdown(*args, **kwargs):
        raise SystemExit(1)

    with monkeypatch.context() as patched:
        patched.setattr(rendering, "render_files", shutdown)
        document = make_document(users, orgs, state="approved")
    task = _render_task(document)
    assert (task.status, task.exception_class_path) == ("FAILED", "builtins.SystemExit")
    assert "render_failed" not in _actions(document)

    assert tasks_recover().requeued == [str(task.pk)]
    run_tasks()
    assert _pdf_stored(document)
    assert _actions(document)[-2:] == ["approve", "render"]


def test_a_render_lost_too_often_is_given_up_and_its_staff_render_it_again(
    client, users, orgs, settings
):
    document = make_document(users, orgs, state="published", render=False)
    long_ago = timezone.now() - timedelta(hours=1)
    task = _claimed(document, *[f"worker-{n}" for n in range(settings.TASK_ATTEMPTS)],
                    started_at=long_ago)  # fmt: skip

    assert tasks_recover().given_up == [str(task.pk)]
    assert tasks_recover().given_up == []  # once
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "portal.services.task_recovery.WorkerLost"
    failed = document.events.get(action="render_failed")
    assert failed.revision_id == document.approved_revision_id
    assert f"đã dừng giữa chừng {settings.TASK_ATTEMPTS} lần" in failed.reason

    client.force_login(users["vanhuong.secretary"])
    pdf = reverse("portal:document_pdf", args=[document.pk])
    response = client.get(pdf)
    assert response.status_code == 503 and 'id="render-failed"' in response.content.decode()
    client.force_login(users["doson.editor"])
    detail = client.get(reverse("portal:document_detail", args=[document.pk]))
    assert 'id="render-again"' in detail.content.decode()
    again = reverse("portal:document_transition", args=[document.pk, "render"])
    assert client.post(again).status_code == 302
    run_tasks()
    assert client.get(pdf).status_code == 302


def _wait_began(document: Document, minutes: int, action: str = "approve") -> None:
    """The document's last request to render was made that many minutes ago."""
    event = document.events.filter(action=action).latest("pk")
    event.created_at = timezone.now() - timedelta(minutes=minutes)
    event.save(update_fields=["created_at"])


def test_files_overdue_offer_the_issuing_staff_to_render_again(client, users, orgs, settings):
    """The task was lost without any record (a worker that never came back): after
    RENDER_STALE_MINUTES the staff may ask again, though no failure was written."""
    document = make_document(users, orgs, state="published", render=False)
    _render_task(document).delete()
    pdf = reverse("portal:document_pdf", args=[document.pk])
    detail = reverse("portal:document_detail", args=[document.pk])
    again = reverse("portal:document_transition", args=[document.pk, "render"])
    editor, reader = users["doson.editor"], users["vanhuong.secretary"]

    client.force_login(editor)
    assert client.get(pdf).status_code == 202  # just approved: being made
    assert 'id="render-again"' not in client.get(detail).content.decode()
    early = client.post(again)
    assert early.status_code == 409
    assert f"Nếu sau {settings.RENDER_STALE_MINUTES} phút" in early.content.decode()

    _wait_began(document, settings.RENDER_STALE_MINUTES + 1)
    client.force_login(reader)
    page = client.get(pdf)
    assert page.status_code == 503 and 'id="render-overdue"' in page.content.decode()
    assert 'id="render-again"' not in page.content.decode()
    assert "Ban ban hành có thể cho tạo lại bản in" in page.content.decode()
    assert client.post(again).status_code == 403
    client.force_login(editor)
    page = client.get(pdf).content.decode()
    assert 'id="render-overdue"' in page and 'id="render-again"' in page
    assert 'id="render-again"' in client.get(detail).content.decode()

    assert client.post(again).status_code == 302
    assert client.get(pdf).status_code == 202  # asked again: the wait starts over
    twice = client.post(again)
    assert twice.status_code == 409 and "đang được tạo lại" in twice.content.decode()
    _wait_began(document, settings.RENDER_STALE_MINUTES + 1, action="render_again")
    assert client.post(again).status_code == 302  # that request was lost too
    run_tasks()  # two tasks for one revision: the files are made and recorded once
    assert client.get(pdf).status_code == 302
    assert _actions(document)[-4:] == ["publish", "render_again", "render_again", "render"]
    assert 'id="render-again"' not in client.get(detail).content.decode()


def _render_missing() -> str:
    out = StringIO()
    call_command("render_missing", stdout=out)
    return out.getvalue()


def test_render_missing_renders_what_approved_documents_lack_once(users, orgs):
    months = [{"period_month": month, "period_year": 2024} for month in (10, 11, 12)]
    rendered = make_document(users, orgs, state="published", title="Đã có bản in",
                             kind_fields=months[0])  # fmt: skip
    RenderedFile.objects.filter(revision=rendered.approved_revision_id, format="docx").delete()
    never = make_document(users, orgs, state="approved", render=False, title="Chưa có bản in",
                          kind_fields=months[1])  # fmt: skip
    make_document(users, orgs, state="submitted", title="Chưa duyệt", kind_fields=months[2])

    out = _render_missing()
    assert "[1/2]" in out and "[2/2]" in out
    assert "“Đã có bản in”: đã tạo docx." in out
    assert "“Chưa có bản in”: đã tạo pdf, docx." in out
    assert out.splitlines()[-1] == (
        "Đã tạo bản in cho 2 văn bản, 0 văn bản không tạo được; "
        "2 văn bản thiếu bản in trước khi chạy."
    )
    for document in (rendered, never):
        formats = RenderedFile.objects.filter(revision=document.approved_revision_id)
        assert set(formats.values_list("format", flat=True)) == {"pdf", "docx"}
    assert _actions(never)[-2:] == ["approve", "render"]

    again = _render_missing()
    assert again.splitlines() == [
        "Đã tạo bản in cho 0 văn bản, 0 văn bản không tạo được; "
        "0 văn bản thiếu bản in trước khi chạy."
    ]
    assert _actions(never).count("render") == 1


def test_render_missing_reports_a_failure_and_goes_on(users, orgs, monkeypatch):
    document = make_document(users, orgs, state="approved", render=False)

    def broken(*args, **kwargs):
        raise RuntimeError("Văn bản quá lớn để tạo PDF.")

    monkeypatch.setattr(rendering, "render_files", broken)
    out = _render_missing()
    assert "không tạo được (pdf, docx): Văn bản quá lớn để tạo PDF." in out
    assert out.splitlines()[-1].startswith("Đã tạo bản in cho 0 văn bản, 1 văn bản không")
    event = document.events.get(action=WorkflowEvent.Action.RENDER_FAILED)
    assert event.reason == "Văn bản quá lớn để tạo PDF."
