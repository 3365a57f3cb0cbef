"""Charts drawn as inline SVG on the server: plain data in, markup out.

No JavaScript and no model: the caller passes labels and values with the values already in
words ("116.442,134", formatted the Vietnamese way by the kind's code), and gets an
``<svg role="img">`` with its ``<title>`` and ``<desc>``. Every label is escaped. Sizes are in
viewBox units only, so a chart fills the width it is given, a phone's or a printed page's.
Colours and the font are presentation attributes rather than styles: the pages' policy
refuses style attributes, WeasyPrint reads no page stylesheet inside an SVG, and a page's
stylesheet may still override them.

A value of None is drawn as a gap (no bar, its text if any), never as a zero.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = Decimal | float | int

WIDTH = 300  # viewBox width: a little under a phone's, so that text keeps its size there
FONT = "Tinos, 'Times New Roman', serif"  # the print font, shipped in portal/static/fonts
LABEL_SIZE = 13
VALUE_SIZE = 12
TEXT = "#1a1a1a"
MUTED = "#666666"
AXIS = "#444444"
REFERENCE = "#a50f15"
BAND = "#f6dcdc"
# Series colours, told apart in greyscale too (printed on a black-and-white printer).
PALETTE = ("#1f4e79", "#8fb4d9", "#4d4d4d", "#c9a227", "#6a9f58", "#b0b0b0")
CHAR_WIDTH = 0.55  # an average glyph's width, in font sizes: to shorten labels that would overflow


class Point(NamedTuple):
    """One value: its label ("Quý I", a district), the value (None: no figure) and its text."""

    label: str
    value: Number | None
    text: str = ""  # the value as printed ("250,5"); "" prints nothing beside the bar


class Series(NamedTuple):
    """Values of one kind over the same categories ("Ước thực hiện" per quarter)."""

    name: str
    points: Sequence[Point]


class Reference(NamedTuple):
    """A level to compare with (a year's plan): a line at ``low``, a band up to ``high``."""

    low: Number
    high: Number | None = None
    text: str = ""  # "Kế hoạch năm: 1.000", in the legend


def _n(value: float) -> str:
    """A coordinate with at most two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _clip(text: str, width: float, size: float) -> str:
    """The label shortened with "…" when it would not fit in ``width`` units."""
    room = max(4, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _text(x: float, y: float, text: str, *, size: float = VALUE_SIZE, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, fill: str, css: str = "bar") -> str:
    return (
        f'<rect class="{css}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" '
        f'height="{_n(height)}" fill="{fill}"/>'
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, stroke: str, css: str, *, dashed: bool = False
) -> str:
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    return (
        f'<line class="{css}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{stroke}" stroke-width="1.5"{dash}/>'
    )


def _domain(values: list[float], reference: Reference | None) -> tuple[float, float]:
    """The range drawn: zero, every value and the reference; never empty."""
    levels = [0.0, *values]
    if reference is not None:
        levels += [float(v) for v in (reference.low, reference.high) if v is not None]
    low, high = min(levels), max(levels)
    return (low, high) if high > low else (low, low + 1)


def _svg(title: str, desc: str, height: float, parts: list[str], ident: str) -> SafeString:
    ident = ident or "chart-" + hashlib.sha256(f"{title}\n{desc}".encode()).hexdigest()[:10]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" font-family="{escape(FONT)}" fill="{TEXT}" '
        f'aria-labelledby="{escape(ident)}-title" aria-describedby="{escape(ident)}-desc">'
        f'<title id="{escape(ident)}-title">{escape(title)}</title>'
        f'<desc id="{escape(ident)}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 - every text escaped above


def _point(point: Point, shapes: list[str]) -> str:
    """A point's group: its shapes, and its label and text as a tooltip."""
    tip = f"{point.label}: {point.text}" if point.text else point.label
    css = "point" if point.value is not None else "point gap"
    return f'<g class="{css}"><title>{escape(tip)}</title>{"".join(shapes)}</g>'


def _legend(entries: list[tuple[str, str, str]], top: float) -> tuple[list[str], float]:
    """One line per entry (kind "bar" or "reference", text, colour); the parts and the next
    top."""
    parts = []
    for kind, text, colour in entries:
        middle = top + LABEL_SIZE / 2
        if kind == "reference":
            parts.append(_line(0, middle, 18, middle, colour, "legend-reference", dashed=True))
        else:
            parts.append(_rect(2, middle - 5, 14, 10, colour, "legend-swatch"))
        parts.append(_text(24, top + LABEL_SIZE - 2, _clip(text, WIDTH - 24, VALUE_SIZE)))
        top += LABEL_SIZE + 6
    return parts, top


def _legend_entries(
    series: Sequence[Series], reference: Reference | None
) -> list[tuple[str, str, str]]:
    entries = []
    if len(series) > 1:
        entries = [("bar", s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    if reference is not None and reference.text:
        entries.append(("reference", reference.text, REFERENCE))
    return entries


# --- horizontal bars: one row per label -------------------------------------------------

ROW_LABEL = LABEL_SIZE + 3  # the label's line above its bar
BAR_HEIGHT = 14
ROW_GAP = 8
VALUE_ROOM = 84  # right of the longest bar: its value's text ("116.442,134")


def horizontal_bars(
    points: Sequence[Point],
    *,
    title: str,
    desc: str,
    reference: Reference | None = None,
    ident: str = "",
) -> SafeString:
    """One bar per point, its label on the line above (long names fit a phone), its text at
    its end; a reference as a dashed line (or a band) across every row."""
    values = [float(p.value) for p in points if p.value is not None]
    low, high = _domain(values, reference)
    scale = (WIDTH - VALUE_ROOM) / (high - low)

    def x(value: float) -> float:
        return (value - low) * scale

    parts, top = _legend(_legend_entries([], reference), 0)
    row_height = ROW_LABEL + BAR_HEIGHT + ROW_GAP
    # The bars' span, from the first bar's top to the last one's foot.
    span = (top + ROW_LABEL - 2, top + len(points) * row_height - ROW_GAP + 2)
    # Behind the bars and their text: the reference, then the zero line.
    parts += _reference_across(reference, x, *span, vertical=True)
    parts.append(_line(x(0), span[0], x(0), span[1], AXIS, "axis"))
    for point in points:
        label = _clip(point.label, WIDTH, LABEL_SIZE)
        bar_top = top + ROW_LABEL
        shapes = [_text(0, top + LABEL_SIZE - 2, label, size=LABEL_SIZE)]
        if point.value is None:
            end = x(0)
            fill = MUTED
        else:
            start, end = sorted((x(0), x(float(point.value))))
            shapes.append(_rect(start, bar_top, end - start, BAR_HEIGHT, PALETTE[0]))
            fill = TEXT
        if point.text:
            shapes.append(_text(end + 4, bar_top + BAR_HEIGHT - 3, point.text, fill=fill))
        parts.append(_point(point, shapes))
        top += row_height
    return _svg(title, desc, top, parts, ident)


def _reference_across(
    reference: Reference | None,
    position: Callable[[float], float],
    start: float,
    end: float,
    *,
    vertical: bool,
) -> list[str]:
    """The reference drawn across the plot: a band from low to high, then its line(s)."""
    if reference is None:
        return []
    levels = [position(float(reference.low))]
    if reference.high is not None:
        levels.append(position(float(reference.high)))
    parts = []
    if len(levels) == 2:
        a, b = sorted(levels)
        box = (a, start, b - a, end - start) if vertical else (start, a, end - start, b - a)
        parts.append(_rect(*box, BAND, "reference-band"))
    for level in levels:
        ends = (level, start, level, end) if vertical else (start, level, end, level)
        parts.append(_line(*ends, REFERENCE, "reference", dashed=True))
    return parts


# --- grouped columns: categories along the bottom, one column per series ----------------

PLOT_HEIGHT = 150
VALUE_HEADROOM = VALUE_SIZE + 6  # above the tallest column: its value's text
CATEGORY_ROOM = LABEL_SIZE + 8  # below the baseline: the category labels


def grouped_columns(
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    reference: Reference | None = None,
    ident: str = "",
) -> SafeString:
    """Columns grouped by category (the labels of the first series' points, which every
    series shares in the same order), each column's text above it; a reference as a dashed
    line (or a band) across the plot, named in the legend."""
    categories = [p.label for p in series[0].points] if series else []
    if any([p.label for p in s.points] != categories for s in series):
        raise ValueError("every series needs the same categories in the same order")
    values = [float(p.value) for s in series for p in s.points if p.value is not None]
    low, high = _domain(values, reference)
    parts, top = _legend(_legend_entries(series, reference), 0)
    plot_top = top + VALUE_HEADROOM
    scale = PLOT_HEIGHT / (high - low)

    def y(value: float) -> float:
        return plot_top + (high - value) * scale

    parts += _reference_across(reference, y, 0, WIDTH, vertical=False)  # behind the columns
    group = WIDTH / max(1, len(categories))
    column = min(48.0, group * 0.7 / max(1, len(series)))
    for i, category in enumerate(categories):
        left = i * group + (group - column * len(series)) / 2
        for j, one in enumerate(series):
            point = one.points[i]
            parts.append(_column(point, left + j * column, column, y, PALETTE[j % len(PALETTE)]))
        label = _clip(category, group, LABEL_SIZE)
        baseline = y(low) + CATEGORY_ROOM - 4
        parts.append(
            _text((i + 0.5) * group, baseline, label, size=LABEL_SIZE, text_anchor="middle")
        )
    parts.append(_line(0, y(0), WIDTH, y(0), AXIS, "axis"))
    return _svg(title, desc, y(low) + CATEGORY_ROOM, parts, ident)


def _column(point: Point, left: float, width: float, y: Callable[[float], float], fill: str) -> str:
    middle = left + width / 2
    if point.value is None:
        text = [_text(middle, y(0) - 4, point.text, fill=MUTED, text_anchor="middle")]
        return _point(point, text if point.text else [])
    value = float(point.value)
    top, bottom = sorted((y(0), y(value)))
    shapes = [_rect(left + 1, top, width - 2, bottom - top, fill)]
    if point.text:
        below = value < 0
        baseline = bottom + VALUE_SIZE if below else top - 4
        shapes.append(_text(middle, baseline, point.text, text_anchor="middle"))
    return _point(point, shapes)
