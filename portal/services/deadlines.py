"""Writes of deadlines (set by a level above, with exceptions) and their reminders."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.deadlines import (
    PUBLISHED,
    deadline_setters,
    due_on,
    period_label,
    period_of,
    unit_states,
)
from portal.kinds import KINDS
from portal.models import Deadline, DeadlineException, Membership, Notification, Organisation
from portal.services.notifications import notify


def _require_setter(actor, organisation: Organisation) -> None:
    if not (actor.is_superuser or deadline_setters(actor).filter(pk=organisation.pk).exists()):
        raise PermissionDenied(_("Bạn không đặt hạn nộp cho các đơn vị này."))


@transaction.atomic
def deadline_set(*, organisation: Organisation, kind: str, month_offset: int, day: int,
                 remind_days: int, actor) -> Deadline:  # fmt: skip
    """Set (or change) when the departments below the organisation owe the kind's document
    of each period."""
    _require_setter(actor, organisation)
    if not KINDS.get(kind) or not KINDS[kind].period_length:
        raise ValidationError(_("Loại văn bản này không có kỳ nên không đặt hạn nộp."))
    deadline, _created = Deadline.objects.update_or_create(
        organisation=organisation, kind=kind,
        defaults={"month_offset": month_offset, "day": day, "remind_days": remind_days,
                  "set_by": actor},
    )  # fmt: skip
    deadline.full_clean()
    return deadline


@transaction.atomic
def deadline_exception_set(*, deadline: Deadline, period_first: int, due: date | None,
                           note: str, actor) -> DeadlineException:  # fmt: skip
    """Another due day for one period (or none: not owed), with the reason."""
    _require_setter(actor, deadline.organisation)
    if period_first % KINDS[deadline.kind].period_length:
        raise ValidationError(_("Tháng này không phải tháng đầu của một kỳ."))
    if not note.strip():
        raise ValidationError(_("Hãy ghi lý do của ngoại lệ."))
    exception, _created = DeadlineException.objects.update_or_create(
        deadline=deadline, period_first=period_first,
        defaults={"due_on": due, "note": note.strip()},
    )  # fmt: skip
    return exception


def _staff(unit: Organisation) -> list:
    roles = [Membership.Role.EDITOR, Membership.Role.HEAD]
    members = Membership.objects.filter(organisation=unit, role__in=roles).select_related("user")
    return [m.user for m in members]


def deadline_remind(*, today: date) -> list[Notification]:
    """On the day ``remind_days`` before each due day, and on the due day, tell the editors
    and heads of each department that has not yet published the period's document; each
    reminder once a day however often this runs."""
    sent: list[Notification] = []
    for deadline in Deadline.objects.select_related("organisation").prefetch_related("exceptions"):
        length = KINDS[deadline.kind].period_length
        first = period_of(deadline.kind, today - timedelta(days=120))
        for period in range(first, first + 12, length):
            due = due_on(deadline, period)
            if due is not None and today in (due - timedelta(days=deadline.remind_days), due):
                sent += _remind_period(deadline, period, due, today)
    return sent


@transaction.atomic
def _remind_period(deadline: Deadline, period: int, due: date, today: date) -> list:
    # Two workers reminding at once: the deadline's lock lets one through, the other then
    # finds today's reminders sent.
    Deadline.objects.select_for_update().get(pk=deadline.pk)
    since = timezone.make_aware(datetime.combine(today, time.min))
    told_today = Notification.objects.filter(kind=Notification.Kind.DEADLINE, created_at__gte=since)
    sent = []
    for row in unit_states(deadline, period, today):
        if row.state == PUBLISHED:
            continue
        with translation.override(settings.LANGUAGE_CODE):  # stored text, read by everyone
            message = _(
                "%(unit)s: hạn ban hành %(kind)s %(period)s là ngày %(due)s (hiện: %(state)s)."
            ) % {"unit": row.unit.name, "kind": KINDS[deadline.kind].label.lower(),
                 "period": period_label(deadline.kind, period),
                 "due": due.strftime("%d/%m/%Y"), "state": row.label.lower()}  # fmt: skip
        # Once a day per department and period, whatever its state has become since.
        about = message.split(" (")[0]
        told = set(told_today.filter(message__startswith=about).values_list("user_id", flat=True))
        users = [u for u in _staff(row.unit) if u.pk not in told]
        sent += notify(users=users, document=row.document, kind=Notification.Kind.DEADLINE,
                       message=message)  # fmt: skip
    return sent
