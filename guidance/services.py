"""Writes to report indicator tables: each in one transaction, its event included."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guidance import indicators as ind
from guidance.kinds import REPORT
from guidance.models import Indicator, IndicatorSource, Report
from guidance.selectors import has_figures, indicator_key, pulled_groups
from portal.models import Document, Revision, WorkflowEvent
from portal.rules import ACTIONS
from portal.services.documents import document_rows_changed
from portal.services.events import document_locked, event_record

COLUMN_NAMES = {
    "plan": "Kế hoạch năm",
    "estimate": "Ước thực hiện quý",
    "same_period": "Cùng kỳ năm trước",
    "same_period_ratio": "% so cùng kỳ",
    "plan_ratio": "% so kế hoạch",
}


def _read(text: str, role: str, notes: list[str], *, figure: bool = False):
    """A cell as a number (or a range), or None with a note that keeps the cell's text."""
    ratio = "ratio" in role
    digits, places = ind.RATIO_LIMITS if ratio else ind.FIGURE_LIMITS
    try:
        value = ind.parse_figure(text) if figure else ind.parse_number(text)
    except ind.NumberError:
        if not figure and _is_figure(text):
            notes.append(f"{COLUMN_NAMES[role]}: «{text}» là một khoảng, cần một số.")
        else:
            notes.append(f"{COLUMN_NAMES[role]}: không đọc được «{text}» thành số.")
        return None
    ends = [] if value is None else ([value] if not figure else [value.low, value.high])
    if any(end is not None and not ind.fits(end, digits=digits, places=places) for end in ends):
        notes.append(f"{COLUMN_NAMES[role]}: «{text}» quá dài hoặc quá nhiều chữ số thập phân.")
        return None
    return value


def _is_figure(text: str) -> bool:
    try:
        return ind.parse_figure(text) is not None
    except ind.NumberError:
        return False


def _row_from_cells(cells: dict[str, str]) -> dict:
    notes: list[str] = []
    plan = _read(cells.get("plan", ""), "plan", notes, figure=True)
    return {
        "code": cells.get("code", "")[:20],
        "name": cells.get("name", "")[:500] or "-",
        "unit": cells.get("unit", "")[:100],
        "plan_low": plan.low if plan else None,
        "plan_high": plan.high if plan else None,
        "estimate": _read(cells.get("estimate", ""), "estimate", notes),
        "same_period": _read(cells.get("same_period", ""), "same_period", notes),
        "reported_same_period_ratio": _read(
            cells.get("same_period_ratio", ""), "same_period_ratio", notes
        ),
        "reported_plan_ratio": _read(cells.get("plan_ratio", ""), "plan_ratio", notes),
        "notes": "\n".join(notes),
        "typed": ind.typed_figures(cells),
    }


FIGURES = (
    "plan_low",
    "plan_high",
    "estimate",
    "same_period",
    "reported_same_period_ratio",
    "reported_plan_ratio",
    "source",
    "typed",
)


@transaction.atomic
def report_indicators_sync(*, document: Document, revision: Revision) -> int:
    """Read the appendix indicator table of a report revision into the report's rows.

    Returns the number of rows read. Returns 0 and keeps the rows when the body has no
    indicator table, or when its table is unchanged since the last reading. When the table
    changed, nothing typed elsewhere is lost: a row whose cells did not change keeps the
    figures edited on the indicator page, a changed row keeps last year's figure when its
    cells leave it blank, and the rows pulled from the districts stay under their rows.
    """
    if document.kind != REPORT:
        return 0
    report = Report.objects.select_for_update().get(document=document)
    table = ind.read_indicator_table(revision.body_html)
    if table is None:
        return 0
    source = IndicatorSource.objects.filter(report=report).first()
    if source is not None and source.digest == table.digest:
        source.revision, source.headers = revision, table.headers
        source.save(update_fields=["revision", "headers", "synced_at"])
        return 0
    old = list(report.indicators.select_related("parent").order_by("position"))
    read_before = {indicator_key(row): row for row in old if row.table_cells is not None}
    pulled = [
        (indicator_key(row.parent) if row.parent is not None else None, row)
        for row in old
        if row.table_cells is None
    ]
    report.indicators.all().delete()
    created: list[Indicator] = []
    for position, row in enumerate(table.rows, start=1):
        parent = created[row.parent] if row.parent is not None else None
        indicator = Indicator(
            report=report,
            parent=parent,
            position=position,
            table_cells=row.cells,
            **_row_from_cells(row.cells),
        )
        _carry_over(indicator, read_before.get(indicator_key(indicator)))
        indicator.save()
        created.append(indicator)
    _restore_pulled(report, pulled, {indicator_key(row): row for row in created})
    IndicatorSource.objects.update_or_create(
        report=report,
        defaults={"digest": table.digest, "revision": revision, "headers": table.headers},
    )
    return len(created)


def _carry_over(indicator: Indicator, previous: Indicator | None) -> None:
    """What the previous reading of the same row held beyond the table's cells."""
    if previous is None:
        return
    if previous.table_cells == indicator.table_cells:
        for name in FIGURES:
            setattr(indicator, name, getattr(previous, name))
    elif indicator.same_period is None:
        indicator.same_period = previous.same_period


def _restore_pulled(report: Report, pulled: list, by_key: dict) -> None:
    """Put back the rows pulled from the districts, each under the row it belongs to.

    A district's row whose indicator left the table is not put back: it is a copy of that
    district's report and comes back with the next pull. A row the pull added that the
    table now has too is not put back twice: the table's row takes its place (and its
    summed figures, when the table leaves them blank).
    """
    position = report.indicators.count()
    for parent_key, row in pulled:
        in_table = by_key.get(indicator_key(row)) if parent_key is None else None
        if in_table is not None:
            if not has_figures(in_table):
                for name in FIGURES:
                    setattr(in_table, name, getattr(row, name))
                in_table.save()
            continue
        parent = by_key.get(parent_key) if parent_key is not None else None
        if parent_key is not None and parent is None:
            continue
        position += 1
        row.pk, row.parent, row.position = None, parent, position
        row.save(force_insert=True)
        by_key.setdefault(indicator_key(row), row)
    if pulled:
        _renumber(report)


def _require_edit(document: Document, actor) -> None:
    if document.status not in {Document.Status.DRAFT, Document.Status.RETURNED}:
        raise ValidationError(
            _("Báo cáo đã được trình hoặc phê duyệt nên không sửa được số liệu chỉ tiêu.")
        )
    if not ACTIONS["edit"].test(actor, document):
        raise PermissionDenied(
            _("Chỉ chuyên viên của ban ban hành được sửa số liệu chỉ tiêu của báo cáo.")
        )


def _event(document: Document, actor, reason: str) -> None:
    event_record(document=document, actor=actor, action=WorkflowEvent.Action.EDIT, reason=reason)


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    actor,
    plan: ind.Figure | None,
    estimate: Decimal | None,
    same_period: Decimal | None,
    reported_same_period_ratio: Decimal | None,
    reported_plan_ratio: Decimal | None,
    typed: dict[str, str] | None = None,
) -> Indicator:
    """Change the figures of one row of a report being drafted; an 'edit' event says which.

    ``typed``: the figures as typed in the form, by column, printed as typed.
    """
    document = document_locked(indicator.report.document)
    _require_edit(document, actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    indicator.plan_low = plan.low if plan else None
    indicator.plan_high = plan.high if plan else None
    indicator.estimate = estimate
    indicator.same_period = same_period
    indicator.reported_same_period_ratio = reported_same_period_ratio
    indicator.reported_plan_ratio = reported_plan_ratio
    indicator.typed = ind.typed_figures(typed or {})
    indicator.save()
    document_rows_changed(document=document, actor=actor)
    label = f"{indicator.code} {indicator.name}".strip()
    _event(document, actor, _("Sửa số liệu chỉ tiêu: %(name)s") % {"name": label})
    return indicator


def _renumber(report: Report) -> None:
    """Positions 1..n in tree order: each row followed by its sub-rows (kept in order)."""
    rows = list(report.indicators.order_by("position"))
    children: dict[int | None, list[Indicator]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Indicator] = []

    def walk(parent_id: int | None) -> None:
        for row in children.get(parent_id, []):
            ordered.append(row)
            walk(row.pk)

    walk(None)
    offset = len(rows) + max((r.position for r in rows), default=0)
    for index, row in enumerate(ordered, start=1):  # two passes: positions are unique
        row.position = offset + index
    Indicator.objects.bulk_update(ordered, ["position"])
    for index, row in enumerate(ordered, start=1):
        row.position = index
    Indicator.objects.bulk_update(ordered, ["position"])


def _require_sums_fit(groups) -> None:
    """Refuse a pull whose sums would not be stored exactly, naming the row."""
    digits, places = ind.FIGURE_LIMITS
    for group in groups:
        if not group.summable:
            continue
        plan = group.plan
        values = (plan.low if plan else None, plan.high if plan else None,
                  group.estimate, group.same_period)  # fmt: skip
        if any(v is not None and not ind.fits(v, digits=digits, places=places) for v in values):
            raise ValidationError(
                _("Tổng của chỉ tiêu «%(name)s» vượt quá %(digits)s chữ số; hãy kiểm tra số "
                  "liệu của các quận, huyện.") % {"name": group.name, "digits": digits}
            )  # fmt: skip


def _target_row(report: Report, group, by_key: dict, last: list[int]) -> Indicator:
    """The city report's row for a pulled group, created at the end (or under its parent)."""
    row = by_key.get(group.key)
    if row is not None:
        return row
    parent = by_key.get(group.parent_key) if group.parent_key else None
    last[0] += 1
    row = Indicator.objects.create(
        report=report,
        parent=parent,
        position=last[0],
        code=group.code,
        name=group.name,
        unit=group.unit,
    )
    by_key[group.key] = row
    return row


@transaction.atomic
def report_indicators_pull(*, document: Document, actor) -> int:
    """Take the figures its districts reported for the quarter into a city report's rows.

    Summable figures replace the row's plan, estimate and last year's figure with their sum
    (the typed ratios are cleared: the computed ones stand); other figures (percentages,
    indices) become one sub-row per district. Every written row names its sources.
    Returns the number of rows written.
    """
    document = document_locked(document)
    _require_edit(document, actor)
    groups = pulled_groups(document)
    if not groups:
        raise ValidationError(
            _("Chưa có báo cáo quý cùng kỳ đã duyệt của các quận, huyện để tổng hợp.")
        )
    _require_sums_fit(groups)
    report = Report.objects.select_for_update().get(document=document)
    existing = list(report.indicators.select_related("parent"))
    by_key = {indicator_key(row): row for row in existing if row.source_report_id is None}
    last = [max((row.position for row in existing), default=0)]
    written = 0
    for group in groups:
        row = _target_row(report, group, by_key, last)
        row.source = group.source_line[:1000]
        if group.summable:
            row.plan_low = group.plan.low if group.plan else None
            row.plan_high = group.plan.high if group.plan else None
            row.estimate, row.same_period = group.estimate, group.same_period
            row.reported_same_period_ratio = row.reported_plan_ratio = None
            row.typed = {}
            row.save()
            written += 1
            continue
        row.save(update_fields=["source"])
        row.children.filter(source_report__isnull=False).delete()
        for item in group.items:
            if not has_figures(item.indicator):
                continue
            last[0] += 1
            Indicator.objects.create(
                report=report,
                parent=row,
                position=last[0],
                name=f"- {item.district}",
                unit=row.unit,
                plan_low=item.indicator.plan_low,
                plan_high=item.indicator.plan_high,
                estimate=item.indicator.estimate,
                same_period=item.indicator.same_period,
                reported_same_period_ratio=item.indicator.reported_same_period_ratio,
                reported_plan_ratio=item.indicator.reported_plan_ratio,
                typed=item.indicator.typed,
                source=item.source[:1000],
                source_report=item.document,
            )
            written += 1
    _renumber(report)
    document_rows_changed(document=document, actor=actor)
    summary = _("Tổng hợp %(rows)s dòng chỉ tiêu từ báo cáo của: %(sources)s.") % {
        "rows": written,
        "sources": "; ".join(sorted({s for g in groups for s in g.sources})),
    }
    _event(document, actor, summary)
    return written
