import re
import unicodedata
from dataclasses import dataclass

import lxml.html
from django.db import migrations, models

_NO_CODE = {"", "-", "+", "*", "–", "•"}


@dataclass(frozen=True)
class _TableRow:
    """One body row of an indicator table: its cells by role, as written."""

    cells: dict[str, str]
    parent: int | None  # index of the numbered row it belongs to


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    return " ".join(text.split())


def _column_of(header: str) -> str | None:
    """The role of a column from its header text ("Kế hoạch năm 2023" → "plan")."""
    text = _clean(header).lower().replace("’", "'")
    words = set(re.findall(r"\w+", text))
    if "cùng kỳ" in text:
        ratio_words = "%" in text or "so với" in text or "so cùng" in text
        return "same_period_ratio" if ratio_words else "same_period"
    if "so với" in text or "so kh" in text or "so kế hoạch" in text or "% kh" in text:
        return "plan_ratio"
    if "kế hoạch" in text or "kh" in words:
        return "plan"
    if words & {"tt", "stt"} and len(words) <= 2:
        return "code"
    if "chỉ tiêu" in text or "nội dung" in text:
        return "name"
    if "đơn vị" in text or "đvt" in words:
        return "unit"
    if words & {"ước", "th", "quý"} or "thực hiện" in text or "kết quả" in text:
        return "estimate"
    return None


def _cell_text(cell) -> str:
    """The text of a cell without the footnotes it calls; paragraphs apart by a space."""
    for note in list(cell.iter("span")):
        if "footnote" in (note.get("class") or "").split():
            note.drop_tree()
    for block in cell.iter("p", "br", "div", "li"):
        block.tail = " " + (block.tail or "")
    return _clean("".join(cell.itertext()))


def _grid(trs: list) -> list[list[str]]:
    """Cell texts per row and column, honouring colspan and rowspan (text in the first)."""
    taken: set[tuple[int, int]] = set()
    grid: list[list[str]] = []
    for r, tr in enumerate(trs):
        row: dict[int, str] = {}
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            span = _span(cell, "colspan")
            rows = _span(cell, "rowspan")
            for dr in range(rows):
                for dc in range(span):
                    taken.add((r + dr, c + dc))
            row[c] = _cell_text(cell)
            c += span
        width = max([*row, *(col for rr, col in taken if rr == r)], default=-1) + 1
        grid.append([row.get(i, "") for i in range(width)])
    return grid


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name) or 1), 50))
    except ValueError:
        return 1


def _header_and_body(table) -> tuple[list, list]:
    head, body = [], []
    for tr in table.iter("tr"):
        in_head = any(a.tag == "thead" for a in tr.iterancestors("thead", "table"))
        (head if in_head else body).append(tr)
    if not head:  # no thead: the leading rows made only of th cells are the header
        while body and all(c.tag == "th" for c in body[0] if c.tag in ("td", "th")):
            head.append(body.pop(0))
    return head, body


def _roles(header_grid: list[list[str]]) -> dict[int, str]:
    width = max((len(row) for row in header_grid), default=0)
    roles: dict[int, str] = {}
    for col in range(width):
        text = " ".join(row[col] for row in header_grid if col < len(row) and row[col])
        role = _column_of(text)
        if role and role not in roles.values():
            roles[col] = role
    return roles


def _rows(grid: list[list[str]], roles: dict[int, str]) -> list[_TableRow]:
    """Rows by role; rows without a number belong to the numbered row above them."""
    rows: list[_TableRow] = []
    parent: int | None = None
    for texts in grid:
        cells = {role: texts[col] for col, role in roles.items() if col < len(texts)}
        if not any(cells.values()):
            continue
        if cells.get("code", "") in _NO_CODE:
            cells["code"] = ""
            rows.append(_TableRow(cells, parent))
        else:
            parent = len(rows)
            rows.append(_TableRow(cells, None))
    return rows


def _read_indicator_table(body_html: str) -> list[_TableRow] | None:
    """guidance.indicators.read_indicator_table as it stood when this migration was written:
    the rows of the first indicator table of the appendix ("PHỤ LỤC") of a body, or None."""
    if "<table" not in (body_html or ""):
        return None
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    in_appendix = False
    for element in root:
        if element.tag in ("h1", "h2", "h3") and "appendix" in (element.get("class") or ""):
            in_appendix = True
        if not in_appendix:
            continue
        for table in element.iter("table"):
            head, body = _header_and_body(table)
            roles = _roles(_grid(head))
            if "name" not in roles.values() or not {"plan", "estimate"} & set(roles.values()):
                continue
            return _rows(_grid(body), roles)
    return None


def _table_of(report, IndicatorSource) -> dict[tuple[str, str], dict]:
    """The cells of the report's body table by (TT, name), as the rows were read from it."""
    source = IndicatorSource.objects.filter(report=report).select_related("revision").first()
    revision = source.revision if source and source.revision else None
    revision = revision or report.document.current_revision
    rows = (_read_indicator_table(revision.body_html) if revision else None) or []
    return {
        (row.cells.get("code", "")[:20], row.cells.get("name", "")[:500] or "-"): row.cells
        for row in rows
    }


def mark_where_rows_come_from(apps, schema_editor):
    """A row found in the body table gets the cells it was read from; a row the pull added
    (it names its sources and is not in the table) gets none; any other row an empty mark,
    so that the next change of the table reads it afresh."""
    Indicator = apps.get_model("guidance", "Indicator")
    Report = apps.get_model("guidance", "Report")
    IndicatorSource = apps.get_model("guidance", "IndicatorSource")
    reports = Report.objects.filter(indicators__isnull=False).distinct()
    for report in reports.select_related("document__current_revision"):
        cells = _table_of(report, IndicatorSource)
        for row in Indicator.objects.filter(report=report, source_report__isnull=True):
            found = cells.get((row.code, row.name))
            row.table_cells = found if found is not None else (None if row.source else {})
            row.save(update_fields=["table_cells"])


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0002_indicators"),
        ("portal", "0003_cited_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="table_cells",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_where_rows_come_from, migrations.RunPython.noop),
    ]
