"""What the PDF and the Word writers print alike, without either library.

The header lines, the PDF/Word author, and the body whose appendix table is a report's
indicator table. Kept apart from ``pdf`` so that writing a Word file never loads WeasyPrint.
"""

from __future__ import annotations

from datetime import date
from html import escape as html_escape

import lxml.html

from .data import PrintData

NBSP = "\u00a0"

INDICATOR_HEADERS = (
    "TT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch năm",
    "Ước thực hiện quý",
    "So với cùng kỳ (%)",
    "So với kế hoạch năm (%)",
)


def vietnamese_date_line(place: str, d: date | None) -> str:
    """ "Đồ Sơn, ngày 05 tháng 02 năm 2024"; blanks to fill by hand when there is no date."""
    if d is None:
        gap = NBSP * 6
        return f"{place}, ngày{gap}tháng{gap}năm{gap}"
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def number_line(number: str, symbol: str = "") -> str:
    """ "Số 127-HD/BTGTU" (no colon); for an unnumbered draft the number is left blank
    before its symbol, "Số      -HD/BTGTU", to be written in when it is issued."""
    number = (number or "").strip()
    if number:
        return f"Số {number}"
    return f"Số{NBSP * 8}-{symbol}"


def pdf_author(data: PrintData) -> str:
    return " ".join(part for part in (data.issuer_name, data.parent_line) if part)


def element_classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def serialize(elements) -> str:
    return "".join(lxml.html.tostring(el, encoding="unicode", with_tail=True) for el in elements)


def appendix_start(children: list) -> int | None:
    """Index of the appendix heading ("PHỤ LỤC") among the body's top elements."""
    return next(
        (
            i
            for i, el in enumerate(children)
            if el.tag in ("h1", "h2", "h3") and "appendix" in element_classes(el)
        ),
        None,
    )


def _cell(tag: str, text: str, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<{tag}{attribute}>{html_escape(text)}</{tag}>"


def indicator_table_html(data: PrintData) -> str:
    """The table of ``data.indicators``: figures right-aligned, header row in a thead."""
    headers = list(data.indicator_headers) or list(INDICATOR_HEADERS)
    rows = []
    for row in data.indicators:
        name = html_escape(row.name)
        if row.level and row.name.startswith("Bao gồm"):
            name = f"<em>{name}</em>"
        figures = (row.plan, row.estimate, row.same_period_ratio, row.plan_ratio)
        cells = [_cell("td", row.code, "num"), f"<td>{name}</td>", _cell("td", row.unit)]
        cells += [_cell("td", figure, "num") for figure in figures]
        rows.append(f'<tr class="{row.mark}">' if row.mark else "<tr>")
        rows[-1] += f"{''.join(cells)}</tr>"
    head = "".join(_cell("th", header) for header in headers)
    return (
        f'<table class="indicators"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def body_with_indicators(data: PrintData) -> str:
    """The body whose appendix table is the indicator table of ``data``.

    Without indicators the body is returned as it is. The first table after the appendix
    heading is replaced; a body without an appendix gets one at its end.
    """
    body = data.body_html or ""
    if not data.indicators:
        return body
    table = lxml.html.fragment_fromstring(indicator_table_html(data))
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    children = list(root)
    start = appendix_start(children)
    if start is None:
        heading = lxml.html.Element("h2", {"class": "appendix"})
        heading.text = "PHỤ LỤC"
        title = lxml.html.Element("p", {"class": "appendix-title"})
        title.text = "Một số chỉ tiêu chủ yếu"
        root.extend([heading, title, table])
    else:
        old = next((t for el in children[start + 1 :] for t in el.iter("table")), None)
        if old is not None:
            table.tail = old.tail
            old.getparent().replace(old, table)
        else:
            anchor = children[start]
            following = children[start + 1] if start + 1 < len(children) else None
            if following is not None and "appendix-title" in element_classes(following):
                anchor = following
            anchor.addnext(table)
    return (root.text or "") + serialize(list(root))
