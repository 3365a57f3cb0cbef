"""Guidance and the quarterly report as document kinds, registered from ready()."""

import re
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.kinds import Kind
from portal.models import Document
from portal.rendering.data import PrintFigure, indicator_keys
from portal.services.imports import fields_valid

GUIDANCE = "guidance"
REPORT = "report"

_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER_RE = re.compile(r"quý\s+(IV|I{1,3})\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"năm\s+([0-9]{4})", re.IGNORECASE)


def _guidance_form():
    from guidance.forms import GuidanceForm

    return GuidanceForm


def _report_form():
    from guidance.forms import ReportForm

    return ReportForm


def _guidance_prefill(*, issuer, month: str, today: date):
    from guidance.skeletons import guidance_prefill

    return guidance_prefill(issuer=issuer)


def _report_prefill(*, issuer, month: str, today: date):
    from guidance.skeletons import report_prefill

    return report_prefill(issuer=issuer, today=today)


def _guidance_export(document: Document) -> dict[str, Any]:
    record = getattr(document, "guidance", None)
    based_on = record.based_on if record else None
    return {"based_on": {"id": based_on.pk, "number": based_on.number} if based_on else None}


def report_import_fields(result, *, today: date, notes: list[str]) -> dict[str, Any]:
    """The report's quarter and year from its title, each dropped if the model refuses it."""
    from guidance.models import Report

    found = _QUARTER_RE.search(result.title)
    quarter = _QUARTERS[found.group(1).upper()] if found else None
    if quarter and not fields_valid(Report, quarter=quarter):
        notes.append(f"Quý {quarter} đọc được trong tiêu đề không hợp lệ; lấy quý hiện tại.")
        quarter = None
    found = _YEAR_RE.search(result.title)
    year = int(found.group(1)) if found else None
    if year is not None and not fields_valid(Report, year=year):
        notes.append(
            f"Năm {year} đọc được trong tiêu đề không hợp lệ; báo cáo được xếp vào năm "
            f"{today.year}, hãy sửa lại nếu cần."
        )
        year = None
    return {"quarter": quarter or (today.month + 2) // 3, "year": year or today.year}


def _report_export(document: Document) -> dict[str, Any]:
    from guidance.exports import indicators_of

    record = document.report
    return {"quarter": record.quarter, "year": record.year, "indicators": indicators_of(document)}


def _report_print(document: Document) -> dict[str, Any]:
    """The indicator table and, once the year has more than one quarter of figures, the
    chart of each indicator over the quarters (a first quarter's report prints none)."""
    from guidance.charts import quarter_charts
    from guidance.selectors import indicator_headers, print_indicators

    with translation.override("vi"):  # the printed text is Vietnamese whoever renders it
        charts = quarter_charts(document, least=2)
        title = gettext("Ước thực hiện các quý năm %(year)s so với kế hoạch năm") % {
            "year": document.report.year
        }
    return {
        "indicators": print_indicators(document),
        "indicator_headers": indicator_headers(document),
        "figures": [PrintFigure(chart.caption, chart.svg) for chart in charts],
        "figures_title": title if charts else "",
    }


def _report_rows(document: Document) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The indicator rows as printed, keyed by their number and name under their parent's."""
    from guidance.selectors import indicator_headers, print_indicators

    rows = print_indicators(document)
    lines = [
        (key, [row.code, row.name, row.unit, row.plan, row.estimate, row.same_period_ratio,
               row.plan_ratio])
        for key, row in zip(indicator_keys(rows), rows, strict=True)
    ]  # fmt: skip
    return indicator_headers(document), lines


def report_checklist(document: Document) -> list[str]:
    """One line per ratio typed in the report that disagrees with the one computed from its
    figures beyond rounding or cut-off decimals: the table prints the typed one, so the
    author checks it before submitting."""
    from guidance.selectors import indicator_lines

    lines = []
    for line in indicator_lines(document):
        row = line.indicator
        name = " ".join(filter(None, [row.code.strip(), row.name.strip()]))
        for label, check in ((_("so với cùng kỳ"), line.same_period_check),
                             (_("so với kế hoạch"), line.plan_check)):  # fmt: skip
            if check.flagged:
                lines.append(
                    _("Chỉ tiêu «%(name)s», tỷ lệ %(label)s: %(note)s")
                    % {"name": name, "label": label, "note": check.note}
                )
    return lines


def _report_saved(document: Document, revision) -> None:
    from guidance.services import report_indicators_sync

    report_indicators_sync(document=document, revision=revision)


def _report_period(document: Document) -> str:
    """'quý 1/2023': the quarter the report is about."""
    record = document.report
    return str(_("quý %(quarter)s/%(year)s") % {"quarter": record.quarter, "year": record.year})


def report_period_months(record) -> tuple[int, int]:
    """The report's quarter: its first and last month, as month indexes."""
    first = record.year * 12 + (record.quarter - 1) * 3
    return first, first + 2


# A guidance has no period of its own: it is placed by the month it was issued in, the
# registry's default (portal.kinds.issued_in), and named by its number.
GUIDANCE_KIND = Kind(
    name=GUIDANCE,
    label=_("Hướng dẫn"),
    new_label=_("Hướng dẫn mới"),
    type_name="HƯỚNG DẪN",
    code="HD",
    model_label="guidance.Guidance",
    related_name="guidance",
    fields=("based_on",),
    form=_guidance_form,
    prefill=_guidance_prefill,
    export_fields=_guidance_export,
    basis_field="based_on",
)

REPORT_KIND = Kind(
    name=REPORT,
    label=_("Báo cáo"),
    new_label=_("Báo cáo mới"),
    type_name="BÁO CÁO",
    code="BC",
    model_label="guidance.Report",
    related_name="report",
    fields=("quarter", "year"),
    form=_report_form,
    prefill=_report_prefill,
    import_fields=report_import_fields,
    export_fields=_report_export,
    print_extras=_report_print,
    checklist=report_checklist,
    after_save=_report_saved,
    rows=_report_rows,
    period_name=_report_period,
    period_months=report_period_months,
    period_length=3,
    detail_template="guidance/_report_actions.html",
    urls="guidance.urls",
)
