"""Thin views of a report's indicator table: list, edit a row, pull the districts' figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guidance.charts import district_charts, quarter_charts
from guidance.forms import IndicatorForm
from guidance.selectors import (
    district_reports,
    indicator_lines,
    indicator_of,
    line_for,
    pulled_groups,
    report_for_user,
)
from guidance.services import indicator_update, report_indicators_pull
from portal.access import is_city_document
from portal.rules import ACTIONS


def _initial(indicator) -> dict[str, str]:
    """The row's figures as the author typed them."""
    line = line_for(indicator)
    return {
        "plan": line.plan_text,
        "estimate": line.estimate_text,
        "same_period": line.same_period_text,
        "reported_same_period_ratio": line.same_period_check.printed
        if indicator.reported_same_period_ratio is not None
        else "",
        "reported_plan_ratio": line.plan_check.printed
        if indicator.reported_plan_ratio is not None
        else "",
    }


@login_required
@require_GET
def indicator_list(request, pk: int):
    document = report_for_user(request.user, pk, action="read")
    can_edit = ACTIONS["edit"].test(request.user, document)
    context = {
        "document": document,
        "lines": indicator_lines(document),
        "charts": quarter_charts(document, user=request.user),
        "can_edit": can_edit,
        "can_consolidate": is_city_document(document)
        and ACTIONS["consolidate"].test(request.user, document),
    }
    return render(request, "guidance/indicator_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int, row: int):
    document = report_for_user(request.user, pk, action="edit")
    indicator = indicator_of(document, row)
    form = IndicatorForm(request.POST or None, initial=_initial(indicator))
    if request.method == "POST" and form.is_valid():
        try:
            indicator_update(
                indicator=indicator, actor=request.user, typed=form.typed(), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu số liệu chỉ tiêu."))
            return redirect("guidance:indicator_list", pk=document.pk)
    status = 400 if request.method == "POST" else 200
    context = {"document": document, "indicator": indicator, "form": form}
    return render(request, "guidance/indicator_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_pull(request, pk: int):
    action = "edit" if request.method == "POST" else "consolidate"
    document = report_for_user(request.user, pk, action=action, city=True)
    error = ""
    if request.method == "POST":
        try:
            written = report_indicators_pull(document=document, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            notice = _("Đã đưa %(count)s dòng số liệu của các quận, huyện vào báo cáo.")
            messages.success(request, notice % {"count": written})
            return redirect("guidance:indicator_list", pk=document.pk)
    reports = district_reports(document)
    groups = pulled_groups(document, reports)
    context = {
        "document": document,
        "reports": reports,
        "groups": groups,
        "charts": district_charts(document, groups, reports),
        "can_pull": ACTIONS["edit"].test(request.user, document),
        "error": error,
    }
    return render(request, "guidance/indicator_pull.html", context, status=409 if error else 200)
