"""Notifications: in the portal (badge, list) and by e-mail, one per event or a morning digest.

E-mail never goes out from a request: each mail is a task for the worker, enqueued once the
request's transaction commits; a failed send is tried again later, then given up (logged),
while the notification itself stays in the portal.
"""

import logging
import smtplib
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Document, Membership, Notification, NotificationSetting, Organisation

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def _wants_digest(user_ids: list[int]) -> set[int]:
    return set(
        NotificationSetting.objects.filter(user_id__in=user_ids, digest=True).values_list(
            "user_id", flat=True
        )
    )


def notify(
    *, users: Iterable, document: Document | None, kind: str, message: str
) -> list[Notification]:
    """One notification per active user (each once); the e-mail of those who want each
    event by mail is queued for the worker when the transaction commits."""
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    created = [
        Notification.objects.create(user=user, document=document, kind=kind, message=message)
        for user in unique.values()
    ]
    digest = _wants_digest(list(unique))
    for notification in created:
        if notification.user_id not in digest and notification.user.email:
            transaction.on_commit(_enqueue_email(notification.pk))
    return created


def _enqueue_email(
    notification_id: int, attempt: int = 1, run_after: datetime | None = None
) -> Callable[[], None]:
    """What queues the mail of a notification (its ``attempt``, not before ``run_after``)."""
    from portal.tasks import send_notification_email  # the tasks call back into this module

    task = send_notification_email
    if run_after is not None:
        task = task.using(run_after=run_after)
    return lambda: task.enqueue(notification_id, attempt)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those of ``ids`` when given)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user):
    """The user's own notifications, newest first, with their documents."""
    return Notification.objects.filter(user=user).select_related("document")


def notification_setting_set(*, user, digest: bool) -> NotificationSetting:
    """Choose one e-mail per event, or one morning digest."""
    setting, _created = NotificationSetting.objects.update_or_create(
        user=user, defaults={"digest": digest}
    )
    return setting


def wants_digest(user) -> bool:
    return bool(_wants_digest([user.pk]))


# Who hears of a workflow step, by the step's action.


def _person(user) -> str:
    if user is None:
        return _("Hệ thống")
    return user.get_full_name() or user.username


def _step_reviewers(document: Document) -> list:
    from portal.access import approval_chain  # the workflow imports this module
    from portal.services.workflow import step_reviewers

    chain = approval_chain(document)
    if not 1 <= document.step <= len(chain):
        return []
    return step_reviewers(document, chain[document.step - 1])


def _editors(document: Document) -> list:
    """The document's creator and the authors of its revisions."""
    ids = {document.created_by_id, *document.revisions.values_list("author_id", flat=True)}
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def _issuing_staff(document: Document) -> list:
    """The editors and heads of the issuing department (for a committee, of the departments
    under it that draft in its name)."""
    issuer = document.issuer
    where = Q(organisation_id=issuer.pk) | Q(
        organisation__parent_id=issuer.pk, organisation__kind=Organisation.Kind.DEPARTMENT
    )
    roles = [Membership.Role.EDITOR, Membership.Role.HEAD]
    user_ids = Membership.objects.filter(where, role__in=roles).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def distribution_notify(*, document: Document, actor, kind: str, message: str) -> list:
    """Tell those who had received a published document (its cells' secretaries who opened
    or downloaded it) and its issuing staff what happened to it (never the one who did it)."""
    received = document.receipts.values("user_id")
    readers = get_user_model().objects.filter(pk__in=received, is_active=True)
    users = [u for u in [*readers, *_issuing_staff(document)] if actor is None or u.pk != actor.pk]
    return notify(users=users, document=document, kind=kind, message=message)


def _submitted(document, actor, reason):
    return _("%(person)s trình văn bản «%(title)s»; văn bản đang chờ đồng chí duyệt.") % {
        "person": _person(actor),
        "title": document.title,
    }


def _forwarded(document, actor, reason):
    return _("%(person)s chuyển tiếp văn bản «%(title)s»; văn bản đang chờ đồng chí duyệt.") % {
        "person": _person(actor),
        "title": document.title,
    }


def _returned(document, actor, reason):
    return _("%(person)s trả lại văn bản «%(title)s». Lý do: %(reason)s") % {
        "person": _person(actor),
        "title": document.title,
        "reason": reason,
    }


def _approved(document, actor, reason):
    return _("%(person)s đã phê duyệt văn bản «%(title)s».") % {
        "person": _person(actor),
        "title": document.title,
    }


def _published(document, actor, reason):
    return _("Văn bản «%(title)s» đã được ban hành.") % {"title": document.title}


# action → (kind, who hears of it, what they read)
WORKFLOW_EVENTS = {
    "submit": (Kind.SUBMITTED, _step_reviewers, _submitted),
    "forward": (Kind.SUBMITTED, _step_reviewers, _forwarded),
    "return": (Kind.RETURNED, _editors, _returned),
    "approve": (Kind.APPROVED, _issuing_staff, _approved),
    "publish": (Kind.PUBLISHED, _issuing_staff, _published),
}


def workflow_notify(*, document: Document, actor, action: str, reason: str = "") -> list:
    """Notify those concerned by a workflow step (never the one who took it)."""
    kind, recipients, message = WORKFLOW_EVENTS[action]
    users = [u for u in recipients(document) if actor is None or u.pk != actor.pk]
    with translation.override(settings.LANGUAGE_CODE):  # stored text, read by everyone
        text = message(document, actor, reason)
    return notify(users=users, document=document, kind=kind, message=text)


# E-mail.


def document_url(document: Document) -> str:
    return settings.SITE_URL + reverse("portal:document_detail", args=[document.pk])


def _send(user, template: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "user": user, "person": _person(user), "site_url": settings.SITE_URL}
        subject = render_to_string(f"email/{template}_subject.txt", context)
        text = render_to_string(f"email/{template}_message.txt", context)
        html = render_to_string(f"email/{template}_message.html", context)
    mail = EmailMultiAlternatives(" ".join(subject.split()), text, to=[user.email])
    mail.attach_alternative(html, "text/html")
    mail.send()


def _item(notification: Notification) -> dict:
    document = notification.document
    return {
        "notification": notification,
        "kind": notification.get_kind_display(),
        "document": document,
        "url": document_url(document) if document else settings.SITE_URL,
    }


def notification_email_send(*, notification_id: int, attempt: int = 1) -> bool:
    """Send one notification by e-mail (task worker). On a mail server failure, try again
    after a growing delay, up to NOTIFY_EMAIL_ATTEMPTS; then log it and give up."""
    notification = (
        Notification.objects.select_related("user", "document")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.user.email:
        return False  # sent already, or deleted with its document
    try:
        _send(notification.user, "notification", _item(notification))
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= settings.NOTIFY_EMAIL_ATTEMPTS:
            logger.error(
                "Notification %s: e-mail to %s given up after %s attempts: %s",
                notification_id, notification.user.email, attempt, error,
            )  # fmt: skip
            return False
        delay = settings.NOTIFY_EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)
        logger.warning(
            "Notification %s: e-mail attempt %s failed (%s); trying again in %s s",
            notification_id, attempt, error, delay,
        )  # fmt: skip
        run_after = timezone.now() + timedelta(seconds=delay)
        _enqueue_email(notification_id, attempt + 1, run_after)()
        return False
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return True


def _pending_digest(now: datetime):
    return Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lte=now,
        user__is_active=True,
        user__notification_setting__digest=True,
    ).exclude(user__email="")


def notifications_digest_send(*, now: datetime) -> int:
    """One mail per user who chose the digest, with what was not mailed yet; returns how
    many mails went out. A user whose mail fails keeps their items for the next digest.

    Each user's items are locked while their mail goes out: two workers sending the digest
    at the same time send each item once."""
    user_ids = list(_pending_digest(now).values_list("user_id", flat=True).distinct())
    sent = 0
    for user_id in sorted(set(user_ids)):
        with transaction.atomic():
            items = list(
                _pending_digest(now)
                .filter(user_id=user_id)
                .select_for_update(of=("self",))
                .select_related("user", "document")
                .order_by("created_at", "id")
            )
            if not items:
                continue  # another worker sent it meanwhile
            user = items[0].user
            try:
                _send(user, "notification_digest", {"items": [_item(n) for n in items]})
            except (smtplib.SMTPException, OSError) as error:
                logger.error("Digest to %s not sent, kept for the next one: %s", user.email, error)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            sent += 1
    return sent


def next_digest_at(now: datetime) -> datetime:
    """The next NOTIFY_DIGEST_HOUR o'clock (local time) after ``now``."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.NOTIFY_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + timedelta(days=1)


def digest_every_morning(*, stop: threading.Event | None = None) -> None:
    """Send the digest at NOTIFY_DIGEST_HOUR every day until ``stop`` is set, or for as long
    as the process lives (a worker's thread beside the one running tasks)."""
    stop = stop or threading.Event()
    while not stop.wait((next_digest_at(timezone.now()) - timezone.now()).total_seconds()):
        try:
            count = notifications_digest_send(now=timezone.now())
            logger.info("Morning digest: %s mails sent", count)
        except DatabaseError as error:  # the command can send it by hand
            logger.error("Morning digest failed: %s", error)
        finally:
            connections.close_all()  # this thread's own connections only
