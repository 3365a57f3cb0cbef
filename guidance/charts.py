"""A report's figures as charts: its indicators over the quarters of its year, and a city's
consolidation per district. The figures come from the selectors, are put in words here (the
Vietnamese way, as typed) and drawn by ``portal.charts``."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from guidance import indicators as ind
from guidance.models import Indicator
from guidance.selectors import QUARTER_NAMES, PulledGroup, QuarterFigures, quarter_figures
from portal.charts import Point, Reference, Series, grouped_columns, horizontal_bars
from portal.models import Document

GAP = "–"  # drawn where a quarter or a district has no figure


@dataclass(frozen=True)
class Chart:
    """A chart with the same figures in words, for a table beside it."""

    caption: str  # "1 Tổng thu ngân sách trên địa bàn (Tỷ đồng)"
    svg: str  # inline SVG markup, every label escaped
    label_header: str  # the table's first column: "Kỳ", "Đơn vị báo cáo"
    value_header: str
    rows: list[tuple[str, str]]  # (label, figure in words), as drawn


def _caption(path: str, unit: str) -> str:
    return f"{path} ({unit})" if unit.strip() else path


def _point(label: str, row: Indicator | None) -> Point:
    """A row's estimate as typed; no row or no estimate: a gap."""
    if row is None or row.estimate is None:
        return Point(label, None, GAP)
    return Point(
        label, row.estimate, ind.as_typed((row.typed or {}).get("estimate", ""), row.estimate)
    )


def _rows(points: list[Point]) -> list[tuple[str, str]]:
    missing = _("không có số liệu")
    return [(p.label, p.text if p.value is not None else missing) for p in points]


def _description(rows: list[tuple[str, str]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in rows) + "."


def quarter_chart(figures: QuarterFigures, year: int) -> Chart:
    """Columns of the estimate of each quarter so far, against the year's plan."""
    points = [
        _point(_("Quý %(quarter)s") % {"quarter": QUARTER_NAMES[q]}, figures.estimates.get(q))
        for q in range(1, figures.quarter + 1)
    ]
    rows = _rows(points)
    line = figures.line
    reference = None
    if line.plan is not None:
        plan_text = _("Kế hoạch năm: %(plan)s") % {"plan": line.plan_text}
        reference = Reference(line.plan.low, line.plan.high, plan_text)
        rows.append((_("Kế hoạch năm"), line.plan_text))
    caption = _caption(figures.path, line.indicator.unit)
    title = _("%(indicator)s: ước thực hiện các quý năm %(year)s so với kế hoạch năm") % {
        "indicator": caption,
        "year": year,
    }
    svg = grouped_columns(
        [Series(_("Ước thực hiện"), points)],
        title=title,
        desc=_description(rows),
        reference=reference,
        ident=f"chart-quarters-{line.indicator.pk}",
    )
    return Chart(caption, svg, _("Kỳ"), _("Ước thực hiện"), rows)


def quarter_charts(document: Document, *, user=None, least: int = 1) -> list[Chart]:
    """A chart per row of the report with an estimate in at least ``least`` quarters of its
    year, from the reports ``user`` may see (None: the printed report's)."""
    year = document.report.year
    return [
        quarter_chart(figures, year)
        for figures in quarter_figures(document, user=user)
        if len(figures.estimates) >= least
    ]


def district_charts(
    document: Document, groups: list[PulledGroup], reports: list[Document]
) -> list[Chart]:
    """A bar per district report of each indicator that one of them estimated; a district
    without that figure is a gap."""
    report = document.report
    period = f"{QUARTER_NAMES.get(report.quarter, report.quarter)}/{report.year}"
    names = {group.key: f"{group.code} {group.name}".strip() for group in groups}
    charts = []
    for group in groups:
        found: dict[int, Indicator] = {}
        for item in group.items:
            found.setdefault(item.document.pk, item.indicator)
        points = [_point(r.audience.name, found.get(r.pk)) for r in reports]
        if all(p.value is None for p in points):
            continue
        path = " / ".join(filter(None, (names.get(group.parent_key), names[group.key])))
        caption = _caption(path, group.unit)
        rows = _rows(points)
        title = _("%(indicator)s: ước thực hiện quý %(period)s của từng đơn vị") % {
            "indicator": caption,
            "period": period,
        }
        svg = horizontal_bars(
            points, title=title, desc=_description(rows), ident=f"chart-districts-{len(charts)}"
        )
        charts.append(Chart(caption, svg, _("Đơn vị báo cáo"), _("Ước thực hiện"), rows))
    return charts
