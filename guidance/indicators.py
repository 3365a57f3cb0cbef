"""Indicator figures the Vietnamese way: parsing, printing, ranges and computed ratios.

Pure functions on ``Decimal`` (never floats): a number is written with "." between
thousands and "," before the decimals ("116.442,134"); a plan may be a range
("12,7 - 13", "2.000 - 2.500"); "-" or an empty cell means no figure.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

import lxml.html

RATIO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
# What the Indicator fields hold exactly on every database: (digits before, digits after the
# decimal comma). SQLite keeps a decimal as a double, exact to 15 significant digits only.
FIGURE_LIMITS = (12, 3)
RATIO_LIMITS = (10, 4)

_NUMBER = r"[-−]?\s?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_NUMBER_RE = re.compile(rf"({_NUMBER})\s*%?")
_RANGE_RE = re.compile(rf"({_NUMBER})\s*%?\s*[-–—]\s*({_NUMBER})\s*%?")
_EMPTY = {"", "-", "–", "—", "x", "…", "..."}


class NumberError(ValueError):
    """A figure that is not written the Vietnamese way; the message is for the user."""


@dataclass(frozen=True)
class Figure:
    """A single number or a range (``high`` is set only for a range)."""

    low: Decimal
    high: Decimal | None = None

    @property
    def is_range(self) -> bool:
        return self.high is not None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    return " ".join(text.split())


def _to_decimal(token: str) -> Decimal:
    token = token.replace(" ", "").replace("−", "-").replace(".", "").replace(",", ".")
    return Decimal(token)


def _bad(text: str) -> NumberError:
    return NumberError(
        f"«{text}» không phải số viết theo cách Việt Nam: dùng dấu chấm ngăn hàng nghìn "
        "và dấu phẩy trước phần thập phân, ví dụ 116.442,134 hoặc khoảng 2.000 - 2.500."
    )


def parse_number(text: str) -> Decimal | None:
    """ "116.442,134" → Decimal("116442.134"); "" or "-" → None; anything else raises."""
    cleaned = _clean(text)
    if cleaned in _EMPTY:
        return None
    match = _NUMBER_RE.fullmatch(cleaned)
    if match is None:
        raise _bad(cleaned)
    return _to_decimal(match.group(1))


def parse_figure(text: str) -> Figure | None:
    """A number or a range "12,7 - 13" (ends put in order); "" or "-" → None."""
    cleaned = _clean(text)
    if cleaned in _EMPTY:
        return None
    single = _NUMBER_RE.fullmatch(cleaned)
    if single is not None:
        return Figure(_to_decimal(single.group(1)))
    pair = _RANGE_RE.fullmatch(cleaned)
    if pair is None:
        raise _bad(cleaned)
    low, high = sorted((_to_decimal(pair.group(1)), _to_decimal(pair.group(2))))
    return Figure(low, high)


def format_number(value: Decimal | None, *, places: int | None = None) -> str:
    """Decimal("116442.134") → "116.442,134"; ``places`` fixes the decimals; None → ""."""
    if value is None:
        return ""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    sign = "-" if value < 0 else ""
    whole, _, decimals = f"{abs(value):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + decimals if decimals else "")


def format_figure(figure: Figure | None, *, places: int | None = None) -> str:
    """ "2.000 - 2.500" for a range, "115" for a number, "" for none."""
    if figure is None:
        return ""
    if figure.high is None:
        return format_number(figure.low, places=places)
    low = format_number(figure.low, places=places)
    return f"{low} - {format_number(figure.high, places=places)}"


# The columns whose text as typed is kept beside the figure (Indicator.typed).
TYPED_COLUMNS = ("plan", "estimate", "same_period", "same_period_ratio", "plan_ratio")


def typed_figures(cells: dict[str, str]) -> dict[str, str]:
    """The figure cells of a row as typed (spaces tidied), empty and "-" cells left out."""
    typed = {column: _clean(cells.get(column, "")) for column in TYPED_COLUMNS}
    return {column: text for column, text in typed.items() if text not in _EMPTY}


def as_typed(typed: str, value: Figure | Decimal | None, *, places: int | None = None) -> str:
    """The figure as typed when the text still reads as ``value``, else as formatted.

    "8.132,00" prints as typed for 8132; after an edit to 8.500 it prints "8.500".
    """
    figure = value if isinstance(value, Figure) or value is None else Figure(value)
    if typed and figure is not None:
        try:
            if parse_figure(typed) == figure:
                return typed
        except NumberError:
            pass
    return format_figure(figure, places=places)


def fits(value: Decimal, *, digits: int, places: int) -> bool:
    """Whether a value has at most ``digits`` before and ``places`` after the comma."""
    if not value.is_finite():
        return False
    value = value.normalize()  # stored figures carry trailing zeros: 250,500000 is 250,5
    exponent = value.as_tuple().exponent
    decimals = -exponent if exponent < 0 else 0
    whole = value.adjusted() + 1 if abs(value) >= 1 else 0  # no int(): any length is fine
    return decimals <= places and whole <= digits


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator × 100, rounded half up to 2 decimals; None when undefined."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    try:
        return (numerator * HUNDRED / denominator).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def exact_ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator × 100 unrounded (28 digits); None when undefined."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    try:
        return numerator * HUNDRED / denominator
    except InvalidOperation:
        return None


def typed_places(text: str) -> int:
    """Decimals a figure was typed with: "21,25" → 2, "19" → 0, "12,7 - 13" → 1."""
    return max((len(d) for d in re.findall(r",(\d+)", _clean(text))), default=0)


def agrees(reported: Decimal, exact: Decimal, places: int = 2) -> bool:
    """Whether a ratio typed with ``places`` decimals is the exact one rounded or truncated.

    6,59 / 31 × 100 = 21,2580…: "21,26" (rounded) and "21,25" (truncated) agree, "21,24"
    does not.
    """
    step = Decimal(1).scaleb(-places)
    candidates = {exact.quantize(step, rounding=mode) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
    return reported.quantize(step, rounding=ROUND_HALF_UP) in candidates


@dataclass(frozen=True)
class RatioCheck:
    """A ratio as computed from the figures, beside the one typed in the report."""

    computed: Figure | None  # a range when the plan is a range
    reported: Decimal | None
    note: str = ""  # Vietnamese: why it is not computed, or how it disagrees
    flagged: bool = False  # the typed ratio disagrees with the computed one
    typed: str = ""  # the reported ratio as the author typed it ("21,25"), when known

    @property
    def status(self) -> str:
        """ "computed", "reported" (typed, not computable) or "missing"."""
        if self.computed is not None:
            return "computed"
        return "reported" if self.reported is not None else "missing"

    @property
    def display(self) -> str:
        """The check: the computed ratio, else the reported one, else ""."""
        if self.computed is not None:
            return format_figure(self.computed, places=2)
        return format_number(self.reported, places=2) if self.reported is not None else ""

    @property
    def printed(self) -> str:
        """What the table prints: the ratio as typed, never overwritten; else the computed."""
        if self.reported is not None:
            return self.typed or format_number(self.reported, places=2)
        return self.display


def _check(
    computed: Figure | None,
    exact: list[Decimal],
    reported: Decimal | None,
    missing: str,
    typed: str,
) -> RatioCheck:
    if computed is None:
        note = (
            f"Theo số báo cáo ghi, không tính lại được: {missing}." if reported is not None else ""
        )
        return RatioCheck(None, reported, note, typed=typed)
    if reported is None:
        return RatioCheck(computed, None)
    places = typed_places(typed) if typed else 2
    if any(agrees(reported, end, places) for end in exact):
        return RatioCheck(computed, reported, typed=typed)
    shown = typed or format_number(reported, places=2)
    note = (
        f"Tỷ lệ ghi trong báo cáo ({shown} %) khác tỷ lệ tính "
        f"từ số liệu ({format_figure(computed, places=2)} %)."
    )
    return RatioCheck(computed, reported, note, flagged=True, typed=typed)


def plan_ratio(
    estimate: Decimal | None, plan: Figure | None, reported: Decimal | None, typed: str = ""
) -> RatioCheck:
    """% of plan = estimate / plan × 100; against both ends of a range plan, in plan order."""
    ends = [] if plan is None else [plan.low] if plan.high is None else [plan.low, plan.high]
    exact = [exact_ratio(estimate, end) for end in ends]
    if not exact or None in exact:
        computed, exact = None, []
    else:
        rounded = [value.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP) for value in exact]
        computed = Figure(rounded[0], rounded[1] if len(rounded) > 1 else None)
    if estimate is None:
        missing = "chưa có số ước thực hiện"
    elif plan is None:
        missing = "chưa có kế hoạch năm"
    else:
        missing = "kế hoạch năm bằng 0"
    return _check(computed, exact, reported, missing, typed)


def same_period_ratio(
    estimate: Decimal | None,
    same_period: Decimal | None,
    reported: Decimal | None,
    typed: str = "",
) -> RatioCheck:
    """% of the same period last year = estimate / last year's figure × 100."""
    exact = exact_ratio(estimate, same_period)
    if estimate is None:
        missing = "chưa có số ước thực hiện"
    elif same_period is None:
        missing = "chưa có số cùng kỳ năm trước"
    else:
        missing = "số cùng kỳ năm trước bằng 0"
    if exact is None:
        return _check(None, [], reported, missing, typed)
    computed = Figure(exact.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP))
    return _check(computed, [exact], reported, missing, typed)


# Units of absolute quantities: the figures of several districts add up.
SUMMABLE_UNITS = frozenset(
    {
        "đồng", "nghìn đồng", "triệu đồng", "tỷ đồng", "usd", "nghìn usd", "triệu usd",
        "tỷ usd", "người", "lượt", "lượt người", "lượt khách", "1.000 lượt", "nghìn lượt",
        "nghìn người", "1.000 người", "lao động", "hộ", "tấn", "nghìn tấn", "triệu tấn",
        "ha", "héc-ta", "km", "dự án", "doanh nghiệp", "cơ sở", "công trình", "buổi",
        "cuộc", "lớp", "tin", "bài", "đảng viên", "chi bộ", "tổ chức", "học viên",
    }
)  # fmt: skip


def normalise_unit(unit: str) -> str:
    """ "Tỷ  đồng" → "tỷ đồng": the form units are compared in."""
    return _clean(unit).lower()


def is_summable(unit: str) -> bool:
    """Whether figures in this unit add up across districts (not %, indices, averages)."""
    return normalise_unit(unit) in SUMMABLE_UNITS


def sum_figures(figures: list[Figure | None]) -> Figure | None:
    """The sum of figures (a range when any is a range); None when none is known."""
    known = [f for f in figures if f is not None]
    if not known:
        return None
    low = sum((f.low for f in known), Decimal(0))
    if not any(f.is_range for f in known):
        return Figure(low)
    high = sum((f.high if f.high is not None else f.low for f in known), Decimal(0))
    return Figure(low, high)


# --- reading the appendix table of a body -------------------------------------------

# Column roles, in the order the printed table shows them.
COLUMNS = (
    "code", "name", "unit", "plan", "estimate", "same_period", "same_period_ratio", "plan_ratio",
)  # fmt: skip
_NO_CODE = {"", "-", "+", "*", "–", "•"}


def column_of(header: str) -> str | None:
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


@dataclass(frozen=True)
class TableRow:
    """One body row of an indicator table: its cells by role, as written."""

    cells: dict[str, str]
    parent: int | None  # index of the numbered row it belongs to

    @property
    def code(self) -> str:
        return self.cells.get("code", "")


@dataclass(frozen=True)
class IndicatorTable:
    rows: list[TableRow]
    digest: str  # of the cell texts: an unchanged table reads the same after any re-save
    headers: dict[str, str]  # column titles as typed, by role


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


def _typed_header(header_grid: list[list[str]], col: int) -> str:
    """A column's title as typed: its header cells top to bottom, a spanning one once."""
    texts: list[str] = []
    for row in header_grid:
        text = row[col] if col < len(row) else ""
        if text and text not in texts:
            texts.append(text)
    return " ".join(texts)


def _roles(header_grid: list[list[str]]) -> dict[int, str]:
    width = max((len(row) for row in header_grid), default=0)
    roles: dict[int, str] = {}
    for col in range(width):
        text = " ".join(row[col] for row in header_grid if col < len(row) and row[col])
        role = column_of(text)
        if role and role not in roles.values():
            roles[col] = role
    return roles


def read_indicator_table(body_html: str) -> IndicatorTable | None:
    """The first indicator table of the appendix ("PHỤ LỤC") of a body, or None."""
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
            header_grid = _grid(head)
            roles = _roles(header_grid)
            if "name" not in roles.values() or not {"plan", "estimate"} & set(roles.values()):
                continue
            rows = _rows(_grid(body), roles)
            texts = [[row.cells.get(role, "") for role in COLUMNS] for row in rows]
            encoded = json.dumps(texts, ensure_ascii=False).encode()
            headers = {role: _typed_header(header_grid, col) for col, role in roles.items()}
            return IndicatorTable(rows, hashlib.sha256(encoded).hexdigest(), headers)
    return None


def _rows(grid: list[list[str]], roles: dict[int, str]) -> list[TableRow]:
    """Rows by role; rows without a number belong to the numbered row above them."""
    rows: list[TableRow] = []
    parent: int | None = None
    for texts in grid:
        cells = {role: texts[col] for col, role in roles.items() if col < len(texts)}
        if not any(cells.values()):
            continue
        if cells.get("code", "") in _NO_CODE:
            cells["code"] = ""
            rows.append(TableRow(cells, parent))
        else:
            parent = len(rows)
            rows.append(TableRow(cells, None))
    return rows
