"""Reads of report indicator tables: rows with their computed ratios, district figures."""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guidance import indicators as ind
from guidance.kinds import REPORT
from guidance.models import Indicator, IndicatorSource
from portal.access import is_city_document
from portal.models import Document
from portal.rendering.data import IndicatorRow, indicator_keys
from portal.selectors import (
    NotFound,
    documents_visible_to,
    get_document_for_user,
    require_action,
)

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
REPORTED = (Document.Status.APPROVED, Document.Status.PUBLISHED)


def report_for_user(user, pk: int, *, action: str = "view", city: bool = False) -> Document:
    """A report the user may see (else NotFound) and act on (else 403); ``city``: a city report."""
    document = get_document_for_user(user, pk)
    if document.kind != REPORT or not hasattr(document, "report"):
        raise NotFound(_("Văn bản này không phải báo cáo quý."))
    if city and not is_city_document(document):
        raise NotFound(_("Chỉ báo cáo của cấp thành phố mới tổng hợp số liệu các quận, huyện."))
    return require_action(user, document, action)


def indicator_of(document: Document, pk: int) -> Indicator:
    """One row of the report's table (else NotFound)."""
    try:
        return document.report.indicators.select_related("report__document").get(pk=pk)
    except (Indicator.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Không tìm thấy chỉ tiêu này trong báo cáo.")) from exc


def _plain_name(name: str) -> str:
    return " ".join(re.sub(r"^[\s\-–+•*]+", "", name).split()).lower()


def indicator_key(row: Indicator) -> tuple:
    """What makes two reports' rows the same indicator: TT and unit (sub-rows: name too)."""
    unit = ind.normalise_unit(row.unit)
    if row.parent is not None:
        return ("sub", indicator_key(row.parent), _plain_name(row.name), unit)
    if row.code.strip():
        return ("code", row.code.strip(), unit)
    return ("name", _plain_name(row.name), unit)


def plan_of(row: Indicator) -> ind.Figure | None:
    if row.plan_low is None:
        return None
    return ind.Figure(row.plan_low, row.plan_high)


def has_figures(row: Indicator) -> bool:
    values = (row.plan_low, row.estimate, row.same_period)
    reported = (row.reported_same_period_ratio, row.reported_plan_ratio)
    return any(v is not None for v in (*values, *reported))


@dataclass
class IndicatorLine:
    """A row as shown and printed: its level and its ratios computed from the figures."""

    indicator: Indicator
    level: int  # 0 for a numbered row, 1 for its sub-rows …
    plan: ind.Figure | None
    same_period_check: ind.RatioCheck
    plan_check: ind.RatioCheck

    def _typed(self, column: str) -> str:
        return (self.indicator.typed or {}).get(column, "")

    @property
    def plan_text(self) -> str:
        """The plan as the author typed it ("12,7 - 13"), or formatted after an edit."""
        return ind.as_typed(self._typed("plan"), self.plan)

    @property
    def estimate_text(self) -> str:
        return ind.as_typed(self._typed("estimate"), self.indicator.estimate)

    @property
    def same_period_text(self) -> str:
        return ind.as_typed(self._typed("same_period"), self.indicator.same_period)

    @property
    def flagged(self) -> bool:
        return self.same_period_check.flagged or self.plan_check.flagged

    @property
    def notes(self) -> list[str]:
        checks = (self.same_period_check, self.plan_check)
        labels = (_("So với cùng kỳ"), _("So với kế hoạch"))
        lines = [f"{label}: {check.note}" for label, check in zip(labels, checks, strict=True)]
        imported = self.indicator.notes.splitlines()
        return [line for line, check in zip(lines, checks, strict=True) if check.note] + imported


def _typed_ratio(row: Indicator, column: str, reported: Decimal | None) -> str:
    """The reported ratio as typed, when the text still reads as the stored value."""
    typed = (row.typed or {}).get(column, "")
    return typed if reported is not None and ind.as_typed(typed, reported) == typed else ""


def line_for(row: Indicator, level: int = 0) -> IndicatorLine:
    plan = plan_of(row)
    same_period = row.reported_same_period_ratio
    return IndicatorLine(
        indicator=row,
        level=level,
        plan=plan,
        same_period_check=ind.same_period_ratio(
            row.estimate,
            row.same_period,
            same_period,
            typed=_typed_ratio(row, "same_period_ratio", same_period),
        ),
        plan_check=ind.plan_ratio(
            row.estimate,
            plan,
            row.reported_plan_ratio,
            typed=_typed_ratio(row, "plan_ratio", row.reported_plan_ratio),
        ),
    )


def _levels(rows: list[Indicator]) -> dict[int, int]:
    parents = {row.pk: row.parent_id for row in rows}
    levels: dict[int, int] = {}
    for row in rows:
        level, parent = 0, row.parent_id
        while parent is not None and level < 10:
            level, parent = level + 1, parents.get(parent)
        levels[row.pk] = level
    return levels


def _lines_of(rows: list[Indicator]) -> list[IndicatorLine]:
    levels = _levels(rows)
    return [line_for(row, levels[row.pk]) for row in rows]


def indicator_lines(document: Document) -> list[IndicatorLine]:
    """The report's rows in order, each with its computed ratios and flags (one query)."""
    return _lines_of(list(Indicator.objects.filter(report_id=document.pk).order_by("position")))


# --- printing ------------------------------------------------------------------------


PRINTED_COLUMNS = ("code", "name", "unit", "plan", "estimate", "same_period_ratio", "plan_ratio")


def indicator_headers(document: Document) -> list[str]:
    """Column titles of the printed table: as typed in the body's table, else written with
    the report's quarter and year (a table made only by pulling the districts' figures)."""
    report = document.report
    period = f"quý {QUARTER_NAMES.get(report.quarter, report.quarter)}/{report.year}"
    written = [
        "TT",
        "Chỉ tiêu",
        "Đơn vị tính",
        f"Kế hoạch năm {report.year}",
        f"Ước thực hiện {period}",
        f"Q{period[1:]} so với cùng kỳ (%)",  # not capitalize(): it would lower "I" to "i"
        f"Q{period[1:]} so với kế hoạch năm {report.year} (%)",
    ]
    source = IndicatorSource.objects.filter(report=report).only("headers").first()
    typed = source.headers if source is not None else {}
    columns = zip(PRINTED_COLUMNS, written, strict=True)
    return [typed.get(column) or title for column, title in columns]


def _printed(line: IndicatorLine) -> IndicatorRow:
    row = line.indicator
    blank = "-" if (has_figures(row) or row.unit) else ""
    return IndicatorRow(
        code=row.code,
        name=row.name,
        unit=row.unit,
        plan=line.plan_text or blank,
        estimate=line.estimate_text or blank,
        same_period_ratio=line.same_period_check.printed or blank,
        plan_ratio=line.plan_check.printed or blank,
        level=line.level,
    )


def print_indicators(document: Document) -> list[IndicatorRow]:
    """The rows the appendix prints: figures and ratios as typed; a ratio left blank is
    computed from the figures (the typed one is never overwritten)."""
    if document.kind != REPORT:
        return []
    return [_printed(line) for line in indicator_lines(document)]


# --- a city report's districts -------------------------------------------------------


def district_reports(document: Document) -> list[Document]:
    """The latest approved report of each district of the city for the same quarter."""
    report = document.report
    candidates: QuerySet[Document] = (
        Document.objects.filter(
            kind=REPORT,
            status__in=REPORTED,
            report__quarter=report.quarter,
            report__year=report.year,
            audience__parent_id=document.issuer.ancestor_ids[0],
        )
        .exclude(pk=document.pk)
        .select_related("issuer", "audience", "report")
        .order_by("audience__path", "-issued_on", "-pk")
    )
    latest: dict[int, Document] = {}
    for candidate in candidates:
        latest.setdefault(candidate.issuer_id, candidate)
    return list(latest.values())


@dataclass
class PulledItem:
    """One district's figure for an indicator, with where it comes from."""

    document: Document
    indicator: Indicator

    @property
    def district(self) -> str:
        return self.document.audience.name

    @property
    def source(self) -> str:
        number = self.document.number or _("(chưa có số)")
        return _("%(district)s, Báo cáo số %(number)s") % {
            "district": self.district,
            "number": number,
        }

    @property
    def line(self) -> IndicatorLine:
        return line_for(self.indicator)


@dataclass
class PulledGroup:
    """An indicator as its districts reported it: summed, or listed per district."""

    key: tuple
    parent_key: tuple | None
    code: str
    name: str
    unit: str
    items: list[PulledItem] = field(default_factory=list)

    @property
    def summable(self) -> bool:
        return ind.is_summable(self.unit)

    @property
    def sources(self) -> list[str]:
        return [item.source for item in self.items if has_figures(item.indicator)]

    @property
    def source_line(self) -> str:
        sources = self.sources
        return _("Tổng hợp từ: %(sources)s") % {"sources": "; ".join(sources)} if sources else ""

    def _sum(self, name: str) -> Decimal | None:
        values = [getattr(item.indicator, name) for item in self.items]
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) if known else None

    @property
    def plan(self) -> ind.Figure | None:
        return ind.sum_figures([plan_of(item.indicator) for item in self.items])

    @property
    def estimate(self) -> Decimal | None:
        return self._sum("estimate")

    @property
    def same_period(self) -> Decimal | None:
        return self._sum("same_period")

    @property
    def incomplete(self) -> bool:
        """A sum that misses a district's figure (that district left it blank)."""
        names = ("plan_low", "estimate", "same_period")
        return any(
            any(getattr(i.indicator, n) is None for i in self.items)
            and any(getattr(i.indicator, n) is not None for i in self.items)
            for n in names
        )

    @property
    def total(self) -> IndicatorLine:
        row = Indicator(code=self.code, name=self.name, unit=self.unit)
        plan = self.plan
        row.plan_low, row.plan_high = (plan.low, plan.high) if plan else (None, None)
        row.estimate, row.same_period = self.estimate, self.same_period
        return line_for(row)


def pulled_groups(document: Document, reports: list[Document] | None = None) -> list[PulledGroup]:
    """The indicators the city's districts reported for the report's quarter, grouped;
    ``reports``: the district reports when the caller already has them (one query less)."""
    if reports is None:
        reports = district_reports(document)
    rows = (
        Indicator.objects.filter(report_id__in=[d.pk for d in reports], source_report=None)
        .select_related("parent")
        .order_by("report_id", "position")
    )
    by_document = {d.pk: d for d in reports}
    groups: dict[tuple, PulledGroup] = {}
    for row in rows:
        key = indicator_key(row)
        group = groups.get(key)
        if group is None:
            parent_key = indicator_key(row.parent) if row.parent is not None else None
            group = PulledGroup(key, parent_key, row.code, row.name, row.unit)
            groups[key] = group
        group.items.append(PulledItem(by_document[row.report_id], row))
    return list(groups.values())


# --- a report's indicators over the quarters of its year ------------------------------


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


def same_indicator_keys(rows: list[Indicator]) -> dict[int, tuple[str, ...]]:
    """Each row's key in the reports of other quarters: its TT and name (NFC, spaces
    tidied, case-folded) after its parents', so that two parents' "- Thu nội địa" differ."""
    by_pk = {row.pk: row for row in rows}
    keys = {}
    for row in rows:
        key: tuple[str, ...] = ()
        current: Indicator | None = row
        while current is not None and len(key) < 20:
            key = (_folded(current.code), _folded(current.name), *key)
            current = by_pk.get(current.parent_id)
        keys[row.pk] = key
    return keys


def quarter_reports(document: Document, *, user=None) -> dict[int, Document]:
    """The report for its own quarter and, for each quarter of the same year before it, the
    issuer's latest approved report of that quarter; with ``user``, among those the user may
    see (without: the printed report's, whose readers read its issuer's reports)."""
    report = document.report
    documents = Document.objects.all()
    if user is not None:
        documents = documents_visible_to(user).prefetch_related(None)
    earlier = (
        documents.filter(
            kind=REPORT,
            status__in=REPORTED,
            issuer_id=document.issuer_id,
            report__year=report.year,
            report__quarter__lt=report.quarter,
        )
        .exclude(pk=document.pk)
        .select_related("report")
        .order_by("report__quarter", "-issued_on", "-pk")
    )
    found: dict[int, Document] = {}
    for candidate in earlier:
        found.setdefault(candidate.report.quarter, candidate)
    found[report.quarter] = document
    return found


@dataclass
class QuarterFigures:
    """A row of a report with its estimate in each quarter of the year up to the report's."""

    line: IndicatorLine  # the row of this report: its plan is the year's
    path: str  # its TT and name under its parent's: "1 Tổng thu / - Thu nội địa"
    quarter: int  # the report's own quarter: the last one drawn
    estimates: dict[int, Indicator]  # quarter → the same row with an estimate; missing: none


def quarter_figures(document: Document, *, user=None) -> list[QuarterFigures]:
    """The report's rows with an estimate in at least one quarter of its year, each with
    the same indicator's row of every quarter's report (as many queries for 1 row or 100)."""
    reports = quarter_reports(document, user=user)
    quarter_of = {d.pk: quarter for quarter, d in reports.items()}
    rows: dict[int, list[Indicator]] = defaultdict(list)
    for row in Indicator.objects.filter(report_id__in=quarter_of).order_by("position"):
        rows[row.report_id].append(row)
    by_quarter: dict[int, dict[tuple[str, ...], Indicator]] = {}
    for pk, own in rows.items():
        keys = same_indicator_keys(own)
        by_key = by_quarter.setdefault(quarter_of[pk], {})
        for row in own:
            if row.estimate is not None:
                by_key.setdefault(keys[row.pk], row)
    lines = _lines_of(rows[document.pk])
    keys = same_indicator_keys(rows[document.pk])
    paths = indicator_keys([_printed(line) for line in lines])
    figures = []
    for line, path in zip(lines, paths, strict=True):
        key = keys[line.indicator.pk]
        estimates = {q: found[key] for q, found in by_quarter.items() if key in found}
        if estimates:
            figures.append(QuarterFigures(line, path, document.report.quarter, estimates))
    return figures
