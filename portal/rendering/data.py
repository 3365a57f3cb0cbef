"""What a print template needs, independent of the database models."""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class IndicatorRow:
    """One row of a report's indicator table as printed, figures already formatted."""

    code: str  # "3", or "" for a sub-row
    name: str
    unit: str
    plan: str  # "116.442,134" or "12,7 - 13"
    estimate: str
    same_period_ratio: str  # computed where the figures allow, else as the report typed it
    plan_ratio: str  # "20,65"; "23,25 - 18,60" against both ends of a range plan
    level: int = 0  # 0 for a numbered row, 1 for its sub-rows
    mark: str = ""  # a class of the printed row: the reviewer's marked draft only


def indicator_keys(rows: list[IndicatorRow]) -> list[str]:
    """Each row's key: its number and name under its parent's ("1 Tổng thu / - Thu nội
    địa"), the same row in two revisions whatever its place."""
    keys, path = [], []
    for row in rows:
        del path[row.level :]
        path.append(" ".join(part for part in (row.code, row.name) if part))
        keys.append(" / ".join(path))
    return keys


@dataclass(frozen=True)
class PrintFigure:
    """A chart printed in the appendix: its caption and its inline SVG (labels escaped)."""

    caption: str  # "1 Tổng thu ngân sách trên địa bàn (Tỷ đồng)"
    svg: str


@dataclass
class PrintData:
    """Everything printed on a document, already resolved to strings."""

    kind: str  # "bulletin" | "guidance" | "report": a CSS class of the page, nothing more
    parent_line: str  # "QUẬN ỦY ĐỒ SƠN"
    issuer_name: str  # "BAN TUYÊN GIÁO"
    number: str  # "127-HD/BTGTU" or "" for an unnumbered draft
    place: str  # "Đồ Sơn"
    issued_on: date | None
    type_name: str  # "HƯỚNG DẪN" / "BÁO CÁO" / "BẢN TIN"
    title: str  # summary line (trích yếu) or bulletin masthead line
    body_html: str  # sanitised HTML (footnotes as <span class="footnote">…</span>)
    recipients: list[str] = field(default_factory=list)
    authority_line: str = ""  # "K/T TRƯỞNG BAN"
    signer_title: str = ""  # "PHÓ TRƯỞNG BAN"
    signer_name: str = ""
    is_draft: bool = False  # prints a "DỰ THẢO" mark and watermark
    # "HD/BTGTU": printed after a blank where a draft has no number yet ("Số      -HD/BTGTU")
    number_symbol: str = ""
    subject: str = ""  # PDF subject; "" = built from the number and the title
    appendix_of: str = ""  # line under "PHỤ LỤC"; "" = "(Kèm theo Báo cáo số …)"
    kind_label: str = ""  # "Báo cáo" in "(Kèm theo Báo cáo số …)"; "" = from the type name
    masthead: bool = False  # the bulletin's layout: masthead and a contents box
    # A report's indicator table: when given, the appendix prints it instead of the body's table.
    indicators: list[IndicatorRow] = field(default_factory=list)
    indicator_headers: list[str] = field(default_factory=list)  # seven column headers
    # Charts printed after the appendix's table, under one title (a report's quarters).
    figures: list[PrintFigure] = field(default_factory=list)
    figures_title: str = ""
