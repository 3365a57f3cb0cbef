"""Deadlines: when each period's document of a kind is due from the departments below an
organisation, and where each department stands (the board, its on-time rate).

A period is named by its first month as a month index (year × 12 + month − 1), the value
stored on documents as ``period_first``; a kind's periods start on multiples of its length
(every month for a bulletin, January, April, July and October for a report).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import held_roles
from portal.kinds import KINDS, month_index
from portal.models import Deadline, DeadlineException, Document, Membership, Organisation

Status = Document.Status


def period_kinds() -> list[tuple[str, str]]:
    """(name, label) of the kinds whose documents have periods, hence deadlines."""
    return [(k.name, k.label) for k in KINDS.values() if k.period_length]


def period_of(kind: str, day: date) -> int:
    """The first month of the kind's period holding the day."""
    index, length = month_index(day), KINDS[kind].period_length
    return index - index % length


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def period_label(kind: str, first: int) -> str:
    """ "tháng 12/2026", "quý 3/2026"."""
    start = month_start(first)
    if KINDS[kind].period_length == 3:
        return str(_("quý %(q)s/%(y)s") % {"q": start.month // 3 + 1, "y": start.year})
    return str(_("tháng %(m)s/%(y)s") % {"m": start.month, "y": start.year})


def regular_due(deadline: Deadline, first: int) -> date:
    """The day the period's document is due by the rule (no exception applied)."""
    start = month_start(first + deadline.month_offset)
    last = monthrange(start.year, start.month)[1]
    return start.replace(day=min(deadline.day, last))


def exception_of(deadline: Deadline, first: int) -> DeadlineException | None:
    """The period's exception, if any: from the deadline's exceptions read once when they
    are prefetched (a board asks for twelve periods)."""
    return next((e for e in deadline.exceptions.all() if e.period_first == first), None)


def due_on(deadline: Deadline, first: int) -> date | None:
    """The day the period's document is due; None when an exception waives it."""
    exception = exception_of(deadline, first)
    return exception.due_on if exception is not None else regular_due(deadline, first)


def next_period(deadline: Deadline, today: date) -> int:
    """The first period of the kind whose document is due today or later."""
    first = period_of(deadline.kind, today) - 12
    while regular_due(deadline, first) < today:
        first += KINDS[deadline.kind].period_length
    return first


def owing_units(deadline: Deadline, first: int) -> QuerySet[Organisation]:
    """The departments below the deadline's organisation that exist during the period."""
    start = month_start(first)
    end = month_start(first + KINDS[deadline.kind].period_length)
    return Organisation.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lt=end),
        Q(valid_to__isnull=True) | Q(valid_to__gt=start),
        path__startswith=deadline.organisation.path,
        kind=Organisation.Kind.DEPARTMENT,
    ).order_by("path")


# A unit's state for a period, from its document's status.
NOT_STARTED, DRAFTING, SUBMITTED, APPROVED, PUBLISHED = (
    "not_started", "drafting", "submitted", "approved", "published")  # fmt: skip
STATES = {
    NOT_STARTED: _("Chưa soạn"),
    DRAFTING: _("Đang soạn"),
    SUBMITTED: _("Đã trình duyệt"),
    APPROVED: _("Đã duyệt, chưa ban hành"),
    PUBLISHED: _("Đã ban hành"),
}
_FROM_STATUS = {
    Status.DRAFT: DRAFTING,
    Status.RETURNED: DRAFTING,
    Status.SUBMITTED: SUBMITTED,
    Status.APPROVED: APPROVED,
    Status.PUBLISHED: PUBLISHED,
}
# When two documents of a unit are about one period, the furthest along counts.
_RANK = [NOT_STARTED, DRAFTING, SUBMITTED, APPROVED, PUBLISHED]


@dataclass(frozen=True)
class UnitState:
    unit: Organisation
    document: Document | None
    state: str
    due: date | None
    delivered_on: date | None  # the day it was published
    late_days: int  # days past the due day: delivered late, or still missing

    @property
    def label(self) -> str:
        return str(STATES[self.state])

    @property
    def on_time(self) -> bool:
        return self.delivered_on is not None and self.late_days == 0


def unit_states(deadline: Deadline, first: int, today: date) -> list[UnitState]:
    """Every owing department's state for the period, in tree order: two queries."""
    due = due_on(deadline, first)
    units = list(owing_units(deadline, first))
    documents = Document.objects.filter(
        kind=deadline.kind, issuer__in=units, period_first=first
    ).exclude(status=Status.RECALLED)
    best: dict[int, Document] = {}
    for document in documents.order_by("pk"):
        held = best.get(document.issuer_id)
        rank = _RANK.index(_FROM_STATUS[document.status])
        if held is None or rank > _RANK.index(_FROM_STATUS[held.status]):
            best[document.issuer_id] = document
    rows = []
    for unit in units:
        document = best.get(unit.pk)
        state = _FROM_STATUS[document.status] if document else NOT_STARTED
        delivered = (
            timezone.localdate(document.published_at)
            if document is not None and document.published_at is not None
            else None
        )
        late = 0
        if due is not None:
            late = max(0, ((delivered or today) - due).days)
        rows.append(UnitState(unit, document, state, due, delivered, late))
    return rows


def deadline_setters(user) -> QuerySet[Organisation]:
    """The committees whose deadlines the user sets and follows: the city they approve for,
    and the committee of a department they head."""
    held = held_roles(user)
    cities = {h.approved_city for h in held} - {None}
    headed = [h.organisation_id for h in held if h.role == Membership.Role.HEAD]
    parents = Organisation.objects.filter(pk__in=headed, kind=Organisation.Kind.DEPARTMENT)
    return Organisation.objects.filter(
        Q(pk__in=cities) | Q(pk__in=parents.values("parent_id")),
        kind=Organisation.Kind.COMMITTEE,
    ).order_by("path")


def deadlines_for(user) -> QuerySet[Deadline]:
    deadlines = Deadline.objects.select_related("organisation").prefetch_related("exceptions")
    if user.is_superuser:
        return deadlines
    return deadlines.filter(organisation__in=deadline_setters(user))


@dataclass(frozen=True)
class OnTime:
    unit: Organisation
    due: int  # periods due so far in the year
    on_time: int

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.due) if self.due else 0


@dataclass(frozen=True)
class PeriodOnTime:
    period: int  # the period's first month
    due: int  # departments owing it
    on_time: int

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.due) if self.due else 0


def on_time_year(
    deadline: Deadline, year: int, today: date
) -> tuple[list[OnTime], list[PeriodOnTime]]:
    """Of the year's periods already due: per department how many it published on time,
    and per period how many departments did."""
    length = KINDS[deadline.kind].period_length
    tallies: dict[int, list] = {}
    periods = []
    for first in range(year * 12, year * 12 + 12, length):
        due = due_on(deadline, first)
        if due is None or due >= today:  # on the due day itself nobody is late yet
            continue
        rows = unit_states(deadline, first, today)
        periods.append(PeriodOnTime(first, len(rows), sum(r.on_time for r in rows)))
        for row in rows:
            tally = tallies.setdefault(row.unit.pk, [row.unit, 0, 0])
            tally[1] += 1
            tally[2] += row.on_time
    return [OnTime(unit, due, on_time) for unit, due, on_time in tallies.values()], periods
