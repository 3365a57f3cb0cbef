"""The deadline board (every department's state for a period, late ones, on-time rates,
CSV) and the page where a level above sets its deadlines and their exceptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.charts import Point, Reference, Series, grouped_columns, horizontal_bars
from portal.deadlines import (
    STATES,
    deadline_setters,
    deadlines_for,
    due_on,
    exception_of,
    month_start,
    next_period,
    on_time_year,
    period_kinds,
    period_label,
    unit_states,
)
from portal.downloads import csv_response
from portal.filters import year_month
from portal.forms import DeadlineExceptionForm, DeadlineForm
from portal.kinds import KINDS
from portal.services.deadlines import deadline_exception_set, deadline_set

LATE = "tre"  # ?tinh-trang=tre: the departments past the due day without publishing
# The scale of the on-time charts ends at every period (or department) on time.
ALL_ON_TIME = Reference(100, text="100%")


@login_required
@require_GET
def board(request):
    deadlines = list(deadlines_for(request.user))
    context = {"deadlines": deadlines, "can_set": deadline_setters(request.user).exists()}
    if not deadlines:
        return render(request, "portal/deadline_board.html", context)
    deadline = next((d for d in deadlines if str(d.pk) == request.GET.get("han")), deadlines[0])
    today = timezone.localdate()
    first = _period_asked(request, deadline) or next_period(deadline, today)
    rows = unit_states(deadline, first, today)
    state = request.GET.get("tinh-trang", "")
    shown = [r for r in rows if not state or r.state == state or (state == LATE and r.late_days
             and r.delivered_on is None)]  # fmt: skip
    if request.GET.get("dinh-dang") == "csv":
        return _csv(deadline, first, shown)
    length = KINDS[deadline.kind].period_length
    context.update(
        deadline=deadline, rows=shown, state=state, states=list(STATES.items()),
        period=period_label(deadline.kind, first), due=due_on(deadline, first),
        exception=exception_of(deadline, first),
        previous=_month(first - length), next=_month(first + length), this=_month(first),
        counts={key: sum(r.state == key for r in rows) for key in STATES},
        late=sum(1 for r in rows if r.late_days and r.delivered_on is None), total=len(rows),
        year=month_start(first).year,
    )  # fmt: skip
    rates, periods = on_time_year(deadline, context["year"], today)
    context.update(rates=rates, charts=_charts(deadline, context["year"], rates, periods))
    return render(request, "portal/deadline_board.html", context)


def _charts(deadline, year: int, rates, periods) -> list:
    """The year's on-time rate per department, and per period across the departments."""
    if not periods:
        return []
    kind = deadline.get_kind_display()
    per_unit = horizontal_bars(
        [Point(r.unit.name, r.percent, f"{r.percent}%") for r in rates],
        title=_("Tỉ lệ ban hành đúng hạn của từng đơn vị, năm %(year)s") % {"year": year},
        desc=_("%(kind)s: phần trăm số kỳ đã đến hạn được ban hành đúng hạn.") % {"kind": kind},
        reference=ALL_ON_TIME,
        ident="on-time-units",
    )
    per_period = grouped_columns(
        [Series(str(_("Đúng hạn")),
                [Point(_short(deadline, p.period), p.percent, f"{p.percent}%") for p in periods])],
        title=_("Tỉ lệ đơn vị ban hành đúng hạn theo kỳ, năm %(year)s") % {"year": year},
        desc=_("%(kind)s: phần trăm số đơn vị ban hành đúng hạn ở mỗi kỳ (T: tháng, Q: quý).")
        % {"kind": kind},
        reference=ALL_ON_TIME,
        ident="on-time-periods",
    )  # fmt: skip
    return [per_unit, per_period]


def _short(deadline, first: int) -> str:
    """ "T7" for July's bulletin, "Q3" for the third quarter's report: a column's label."""
    month = first % 12 + 1
    return f"T{month}" if KINDS[deadline.kind].period_length == 1 else f"Q{(month - 1) // 3 + 1}"


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _period_asked(request, deadline) -> int | None:
    """The period of ``?ky=YYYY-MM``, moved back to its first month; None when not given or
    not a month (the board then shows the next period due)."""
    asked = year_month(request.GET.get("ky", ""))
    if asked is None:
        return None
    index = asked[0] * 12 + asked[1] - 1
    return index - index % KINDS[deadline.kind].period_length


def _csv(deadline, first: int, rows) -> HttpResponse:
    header = [_("Đơn vị"), _("Tình trạng"), _("Hạn nộp"), _("Ngày ban hành"),
              _("Số ngày trễ"), _("Số văn bản")]  # fmt: skip
    lines = [
        [r.unit.name, r.label, r.due.strftime("%d/%m/%Y") if r.due else "",
         r.delivered_on.strftime("%d/%m/%Y") if r.delivered_on else "", r.late_days,
         r.document.number if r.document else ""]
        for r in rows
    ]  # fmt: skip
    return csv_response(slugify(f"han-nop-{deadline.kind}-{_month(first)}"), header, lines)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    setters = deadline_setters(request.user)
    if not setters.exists():
        raise PermissionDenied(_("Bạn không đặt hạn nộp cho đơn vị nào."))
    deadlines = deadlines_for(request.user)
    posted = request.POST.get("form")
    form = DeadlineForm(request.POST if posted == "deadline" else None, setters=setters,
                        kinds=period_kinds())  # fmt: skip
    exception_form = DeadlineExceptionForm(request.POST if posted == "exception" else None,
                                           deadlines=deadlines)  # fmt: skip
    try:
        if posted == "deadline" and form.is_valid():
            deadline_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Đã lưu hạn nộp."))
            return redirect("portal:deadline_settings")
        if posted == "exception" and exception_form.is_valid():
            data = exception_form.cleaned_data
            deadline_exception_set(
                deadline=data["deadline"], period_first=data["period"], due=data["due"],
                note=data["note"], actor=request.user,
            )  # fmt: skip
            messages.success(request, _("Đã lưu ngoại lệ."))
            return redirect("portal:deadline_settings")
    except ValidationError as exc:
        (form if posted == "deadline" else exception_form).add_error(None, exc)
    context = {"form": form, "exception_form": exception_form,
               "deadlines": deadlines}  # fmt: skip
    return render(request, "portal/deadline_settings.html", context,
                  status=400 if posted else 200)  # fmt: skip
