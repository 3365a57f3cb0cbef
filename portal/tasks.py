"""Background tasks (Django's tasks API): what runs off the request path."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django_tasks import task

from portal.services.rendering import revision_render, revision_render_given_up


@task()
def render_revision(revision_id: int) -> None:
    """Render and store the official files of an approved revision."""
    revision_render(revision_id=revision_id)


@task()
def publish_when_due(document_id: int) -> None:
    """Publish an approved document at the time its approver chose."""
    from portal.services.workflow import document_publish_due  # the workflow queues this task

    document_publish_due(document_id=document_id)


def _render_given_up(revision_id: int, *, attempts: int) -> None:
    reason = _(
        "Tiến trình chạy nền đã dừng giữa chừng %(attempts)s lần khi đang tạo bản in nên hệ "
        "thống không tự thử lại nữa. Hãy bấm «Tạo lại bản in»; nếu vẫn không được, hãy báo "
        "quản trị hệ thống."
    ) % {"attempts": attempts}
    revision_render_given_up(revision_id=revision_id, reason=reason)


# What a task leaves on record when its worker stopped under it too many times and it is
# given up (services.task_recovery), called with the task's own arguments. A task without
# an entry is only marked failed: publishing at the chosen time can still be done by hand.
GIVEN_UP: dict[str, Callable[..., None]] = {render_revision.module_path: _render_given_up}


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> None:
    """Send one notification by e-mail; on failure it queues its next attempt itself."""
    from portal.services.notifications import notification_email_send  # it queues this task

    notification_email_send(notification_id=notification_id, attempt=attempt)
