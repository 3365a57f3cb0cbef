"""What waits and for how long: who sent each document under review, since when it waits at
its step, and the daily reminder to the step's holders when it waits too long."""

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connections, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.handoff import current_holders, person_name
from portal.models import Document, Notification, WorkflowEvent
from portal.services.deadlines import deadline_remind
from portal.services.events import document_locked
from portal.services.notifications import next_digest_at, notify

logger = logging.getLogger(__name__)

Action = WorkflowEvent.Action
# A document starts waiting at a step when it is sent to it, or sent back to its department.
SENT = (Action.SUBMIT, Action.FORWARD)
STEP_STARTS = (*SENT, Action.RETURN)


@dataclass(frozen=True)
class Waiting:
    """How a document waits: who sent it and when, and for how many days at this step."""

    sender: str
    sent_at: datetime | None
    since: datetime | None
    days: int
    overdue: bool


def _last(document_events: QuerySet, field: str) -> Subquery:
    return Subquery(document_events.order_by("-created_at", "-pk").values(field)[:1])


def with_waiting(documents: QuerySet[Document], *, newest_first: bool = False) -> QuerySet:
    """The documents with ``waiting_since``, ``sent_at`` and the sender's names from their
    last events (subqueries: one query for any number of rows), longest waiting first."""
    events = WorkflowEvent.objects.filter(document=OuterRef("pk"))
    sent = events.filter(action__in=SENT)
    annotated = documents.annotate(
        waiting_since=_last(events.filter(action__in=STEP_STARTS), "created_at"),
        sent_at=_last(sent, "created_at"),
        sender_last_name=_last(sent, "actor__last_name"),
        sender_first_name=_last(sent, "actor__first_name"),
        sender_username=_last(sent, "actor__username"),
    )
    if newest_first:
        return annotated.order_by(F("waiting_since").desc(nulls_last=True), "-pk")
    return annotated.order_by(F("waiting_since").asc(nulls_last=True), "pk")


def days_between(since: datetime, today: date) -> int:
    """Calendar days from ``since`` to ``today``, local time: sent yesterday waits 1 day."""
    return (today - timezone.localdate(since)).days


def waiting_describe(documents: list[Document], *, now: datetime) -> list[Document]:
    """Set ``document.waiting`` on documents from ``with_waiting`` (no query)."""
    today, limit = timezone.localdate(now), settings.REVIEW_REMINDER_DAYS
    for document in documents:
        sender = get_user_model()(
            username=document.sender_username or "",
            first_name=document.sender_first_name or "",
            last_name=document.sender_last_name or "",
        )
        days = days_between(document.waiting_since, today) if document.waiting_since else 0
        document.waiting = Waiting(
            sender=person_name(sender),
            sent_at=document.sent_at,
            since=document.waiting_since,
            days=days,
            overdue=days > limit,
        )
    return documents


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def overdue_documents(*, now: datetime) -> QuerySet:
    """Documents under review waiting at their step more than REVIEW_REMINDER_DAYS days."""
    today = timezone.localdate(now)
    cutoff = _day_start(today - timedelta(days=settings.REVIEW_REMINDER_DAYS))
    submitted = Document.objects.filter(status=Document.Status.SUBMITTED)
    return with_waiting(submitted).filter(waiting_since__lt=cutoff).select_related("issuer")


def _reminder(document: Document, days: int) -> str:
    return _(
        "Văn bản «%(title)s» của %(issuer)s đã chờ đồng chí duyệt %(days)s ngày (quá hạn "
        "%(limit)s ngày)."
    ) % {
        "title": document.title,
        "issuer": document.issuer.name,
        "days": days,
        "limit": settings.REVIEW_REMINDER_DAYS,
    }


def waiting_remind(*, now: datetime) -> list[Notification]:
    """Remind the holders of each overdue document's step, each once a day: a holder who
    already has a reminder for the document since local midnight gets no other."""
    today = timezone.localdate(now)
    sent: list[Notification] = []
    for document in overdue_documents(now=now):
        with transaction.atomic():
            # Two workers reminding at once: the document's lock lets one of them through.
            locked = document_locked(document)
            if (locked.status, locked.step) != (document.status, document.step):
                continue  # it moved on meanwhile
            reminded = Notification.objects.filter(
                document=document, kind=Notification.Kind.WAITING, created_at__gte=_day_start(today)
            ).values_list("user_id", flat=True)
            holders = [u for u in current_holders(document) if u.pk not in set(reminded)]
            message = _reminder(document, days_between(document.waiting_since, today))
            sent += notify(
                users=holders, document=document, kind=Notification.Kind.WAITING, message=message
            )
    return sent


def remind_every_morning(*, stop: threading.Event | None = None) -> None:
    """Send the reminders (documents waiting at a review step, deadlines near) at
    NOTIFY_DIGEST_HOUR every day until ``stop`` is set, or for as long as the process lives
    (a worker's thread beside the one running tasks)."""
    stop = stop or threading.Event()
    while not stop.wait((next_digest_at(timezone.now()) - timezone.now()).total_seconds()):
        try:
            count = len(waiting_remind(now=timezone.now()))
            logger.info("Waiting reminders: %s sent", count)
            count = len(deadline_remind(today=timezone.localdate()))
            logger.info("Deadline reminders: %s sent", count)
        except DatabaseError as error:  # the command can send them by hand
            logger.error("Waiting reminders failed: %s", error)
        finally:
            connections.close_all()  # this thread's own connections only
