"""DOCX rendering of printable documents with python-docx.

Public API:

- ``render_docx(data)`` renders a :class:`~portal.rendering.data.PrintData` to the bytes of
  an editable Word file laid out like the PDF (Hướng dẫn 36-HD/VPTW values): A4, margins
  20/20/30/15 mm, Times New Roman 14 pt, two-column header and closing tables, page numbers
  from page 2, the body converted from its sanitised HTML, footnotes as real Word footnotes
  (``word/footnotes.xml``) and a landscape section for a wide appendix table.

Unlike the PDF template, which prints the closing after the whole body, the closing (recipients
and signature) goes right before an appendix ("PHỤ LỤC") when there is one: the official
format signs the document and attaches the appendix on its own pages.

Everything is built in code on python-docx's default template: no template file on disk.
python-docx 1.2.0 has no footnotes API, so the footnotes part is added here by hand.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt, Twips
from docx.text.paragraph import Paragraph
from PIL import ImageFont

from .common import body_with_indicators, number_line, pdf_author, vietnamese_date_line
from .data import PrintData

FONT_NAME = "Times New Roman"
LANGUAGE = "vi-VN"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
HEADER_DISTANCE = Mm(10)

BODY_SIZE = Pt(14)
BODY_LINE = Pt(20)  # exact line spacing of the body
FIRST_LINE_INDENT = Mm(10)
PARA_AFTER = Pt(4)
TABLE_SIZE = Pt(12)
TABLE_LINE = Pt(15)
FOOTNOTE_SIZE = Pt(11)
FOOTNOTE_LINE = Pt(13.5)

# An appendix table wider than this many columns gets a landscape section.
LANDSCAPE_MIN_COLUMNS = 6

HEADING_STYLES = {"h1": "Heading 1", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
HEADING_STYLES.update({"h5": "Heading 4", "h6": "Heading 4"})
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table"}
    | {"figure", "figcaption", "div", "thead", "tbody", "tfoot", "tr"}
)
_WS_RE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; NBSP is kept on purpose

FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)


def _names(text: str) -> list[str]:
    return text.split()


# Child order of the elements this module inserts (ECMA-376 sequences, abridged).
_TBLPR_ORDER = _names(
    "w:tblStyle w:tblpPr w:tblOverlap w:bidiVisual w:tblStyleRowBandSize w:tblStyleColBandSize "
    "w:tblW w:jc w:tblCellSpacing w:tblInd w:tblBorders w:shd w:tblLayout w:tblCellMar w:tblLook"
)
_TRPR_ORDER = _names(
    "w:cnfStyle w:divId w:gridBefore w:gridAfter w:wBefore w:wAfter w:cantSplit "
    "w:trHeight w:tblHeader w:tblCellSpacing w:jc w:hidden"
)
_PPR_ORDER = _names(
    "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr "
    "w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap "
    "w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi w:adjustRightInd "
    "w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc "
    "w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr "
    "w:sectPr w:pPrChange"
)
_RPR_ORDER = _names(
    "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline "
    "w:shadow w:emboss w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing "
    "w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText "
    "w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout w:specVanish w:oMath"
)


# ---- Small XML helpers ----------------------------------------------------------------


def _insert_ordered(parent, child, order: list[str]) -> None:
    """Put ``child`` into ``parent`` at its schema position, replacing one of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    tags = [qn(tag) for tag in order]
    position = tags.index(child.tag) if child.tag in tags else len(tags)
    later = set(tags[position + 1 :])
    for existing in parent:
        if existing.tag in later:
            existing.addprevious(child)
            return
    parent.append(child)


def _element(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def _set_fonts(rPr) -> None:
    """Times New Roman for every script slot, theme fonts removed."""
    rFonts = rPr.get_or_add_rFonts()
    rFonts.attrib.clear()
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rFonts.set(qn(f"w:{slot}"), FONT_NAME)


def _set_lang(rPr) -> None:
    for old in rPr.findall(qn("w:lang")):
        rPr.remove(old)
    lang = _element("w:lang", val=LANGUAGE, eastAsia=LANGUAGE, bidi="ar-SA")
    # w:lang is near the end of rPr; only w:eastAsianLayout/w:specVanish/w:oMath follow it.
    _insert_ordered(rPr, lang, _RPR_ORDER)


def _frame(paragraph, *, x_align: str) -> None:
    """Take a header paragraph out of the flow: a frame in the top margin, aligned across
    the text width, its line centred 10 mm from the top, where the PDF's page number is."""
    frame = _element(
        "w:framePr",
        wrap="around",
        vAnchor="page",
        hAnchor="margin",
        xAlign=x_align,
        y=str(_twips(HEADER_DISTANCE) - _twips(BODY_LINE) // 2),
        hRule="exact",
        h=str(_twips(BODY_LINE)),
    )
    _insert_ordered(paragraph._p.get_or_add_pPr(), frame, _PPR_ORDER)


def _flat_paragraph(paragraph) -> None:
    """An empty paragraph 1 pt high: the whole flow of a header whose content is framed."""
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    pf.space_before = pf.space_after = Pt(0)
    rPr = paragraph._p.get_or_add_pPr()
    size = _element("w:rPr")
    size.append(_element("w:sz", val="2"))
    _insert_ordered(rPr, size, _PPR_ORDER)


def _keep_with_next(element) -> None:
    """Keep a paragraph, or every paragraph of a table row or table, with what follows."""
    if element is None:
        return
    if element.tag == qn("w:tbl"):
        rows = element.findall(qn("w:tr"))
        element = rows[-1] if rows else None
    if element is None or element.tag not in (qn("w:p"), qn("w:tr")):
        return
    paragraphs = [element] if element.tag == qn("w:p") else element.iter(qn("w:p"))
    for p in paragraphs:
        _insert_ordered(p.get_or_add_pPr(), _element("w:keepNext"), _PPR_ORDER)


def _twips(length: Length) -> int:
    return int(round(length.twips))


def _table_borders(kind: str, size_eighths: int = 6):
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if kind == "single":
            attrs = {"val": "single", "sz": str(size_eighths), "space": "0", "color": "000000"}
        else:
            attrs = {"val": "nil"}
        borders.append(_element(f"w:{side}", **attrs))
    return borders


def _cell_margins(top: Length, side: Length):
    mar = _element("w:tblCellMar")
    for name, value in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        mar.append(_element(f"w:{name}", w=str(_twips(value)), type="dxa"))
    return mar


def _set_table_props(table, *, width: int, borders: str, cell_top: Length, cell_side: Length):
    tblPr = table._tbl.tblPr
    order = _TBLPR_ORDER
    _insert_ordered(tblPr, _element("w:tblW", w=str(width), type="dxa"), order)
    _insert_ordered(tblPr, _element("w:tblInd", w="0", type="dxa"), order)
    _insert_ordered(tblPr, _table_borders(borders), order)
    _insert_ordered(tblPr, _element("w:tblLayout", type="fixed"), order)
    _insert_ordered(tblPr, _cell_margins(cell_top, cell_side), order)


def _set_column_widths(table, widths: list[int]) -> None:
    grid = table._tbl.tblGrid
    for gridCol, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        gridCol.set(qn("w:w"), str(width))
    for row in table.rows:
        for tc, width in zip(row._tr.tc_lst, widths, strict=False):
            tc.width = Twips(width)


def _row_flags(row, *, header: bool = False) -> None:
    trPr = row._tr.get_or_add_trPr()
    _insert_ordered(trPr, _element("w:cantSplit"), _TRPR_ORDER)
    if header:
        _insert_ordered(trPr, _element("w:tblHeader"), _TRPR_ORDER)


# Times New Roman in the file; Tinos, shipped for the PDF, has the same advance widths.
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
HEADER_PADDING = 170  # twips (3 mm) beside the longest line of a header column


@functools.cache
def _font(style: str, size_pt: float) -> ImageFont.FreeTypeFont:
    """Tinos at 20 px per point: a length measured in it is a length in twips."""
    return ImageFont.truetype(str(FONT_DIR / f"Tinos-{style}.ttf"), round(size_pt * 20))


def _line_twips(text: str, style: str, size_pt: float) -> int:
    return round(_font(style, size_pt).getlength(text))


def _header_widths(data: PrintData, total: int) -> list[int]:
    """Column widths that keep each header line on one line when the page allows it.

    Word and LibreOffice do not size a fixed table to its text as the PDF's table does:
    with fixed 44/56 columns "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG" wrapped. The date line is
    never wrapped; the issuer side takes what is left, at least 40 % of the width.
    """
    left = max(
        _line_twips(data.parent_line.upper(), "Regular", 14),
        _line_twips(data.issuer_name.upper(), "Bold", 14),
        _line_twips(number_line(data.number, data.number_symbol), "Regular", 14),
    )
    right = max(
        _line_twips(PARTY_NAME, "Bold", 15),
        _line_twips(vietnamese_date_line(data.place, data.issued_on), "Italic", 14),
    )
    left, right = left + HEADER_PADDING, right + HEADER_PADDING
    if left + right <= total:
        left += (total - left - right) // 2
    else:
        left = max(total - right, total * 40 // 100)
    return [left, total - left]


def _text_width(section) -> int:
    return _twips(Length(section.page_width - section.left_margin - section.right_margin))


# ---- Inline content --------------------------------------------------------------------

Fmt = frozenset


@dataclass
class _Text:
    text: str
    fmt: Fmt


@dataclass
class _Break:
    pass


@dataclass
class _Note:
    element: object
    fmt: Fmt


_INLINE_FMT = {
    "strong": "bold",
    "b": "bold",
    "em": "italic",
    "i": "italic",
    "u": "underline",
    "s": "strike",
    "sup": "superscript",
    "sub": "subscript",
}


def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _inline_element(el, fmt: Fmt, out: list, *, in_note: bool = False) -> None:
    """Append the inline items of ``el`` (not its tail) to ``out``."""
    tag = _tag(el)
    if not tag or tag == "img":
        return
    if tag == "br":
        out.append(_Break())
        return
    if tag == "span" and "footnote" in _classes(el) and not in_note:
        out.append(_Note(el, fmt))
        return
    if tag in _INLINE_FMT:
        fmt = fmt | {_INLINE_FMT[tag]}
    _inline_children(el, fmt, out, in_note=in_note)


def _inline_children(el, fmt: Fmt, out: list, *, in_note: bool = False) -> None:
    if el.text:
        out.append(_Text(el.text, fmt))
    for child in el:
        _inline_element(child, fmt, out, in_note=in_note)
        if child.tail:
            out.append(_Text(child.tail, fmt))


def _normalise(items: Iterable) -> list:
    """Collapse HTML whitespace across runs; drop it at the start, end and around breaks."""
    out: list = []
    after_space = True
    for item in items:
        if isinstance(item, _Text):
            text = _WS_RE.sub(" ", item.text)
            if after_space:
                text = text.lstrip(" ")
            if not text:
                continue
            after_space = text.endswith(" ")
            out.append(_Text(text, item.fmt))
        elif isinstance(item, _Break):
            _rstrip(out)
            out.append(item)
            after_space = True
        else:
            out.append(item)
            after_space = False
    _rstrip(out)
    return out


def _rstrip(items: list) -> None:
    while items and isinstance(items[-1], _Text):
        text = items[-1].text.rstrip(" ")
        if text:
            items[-1] = _Text(text, items[-1].fmt)
            return
        items.pop()


def _format_run(run, fmt: Fmt) -> None:
    if "bold" in fmt:
        run.bold = True
    if "italic" in fmt:
        run.italic = True
    if "underline" in fmt:
        run.underline = True
    if "strike" in fmt:
        run.font.strike = True
    if "superscript" in fmt:
        run.font.superscript = True
    elif "subscript" in fmt:
        run.font.subscript = True


# ---- Containers ------------------------------------------------------------------------


def _apply_style(paragraph: Paragraph, style) -> Paragraph:
    """Set the paragraph style by id (python-docx's by-object path rescans all styles)."""
    if style is not None:
        paragraph._p.get_or_add_pPr().style = style.style_id
    return paragraph


class _DocSink:
    """Adds paragraphs at the end of the document body."""

    def __init__(self, document):
        self.document = document

    def add_paragraph(self, style=None) -> Paragraph:
        return _apply_style(self.document.add_paragraph(), style)


class _CellSink:
    """Adds paragraphs to a table cell, reusing the empty paragraph every cell starts with."""

    def __init__(self, cell):
        self.cell = cell
        self.fresh = True

    def add_paragraph(self, style=None) -> Paragraph:
        if self.fresh:
            self.fresh = False
            return _apply_style(self.cell.paragraphs[0], style)
        return _apply_style(self.cell.add_paragraph(), style)


@dataclass
class _Ctx:
    sink: object  # _DocSink or _CellSink
    style: object  # paragraph style for plain paragraphs
    fmt: Fmt = Fmt()
    align: object = None
    left: int = 0  # extra left indent, twips
    right: int = 0
    first_line: Length | None = None  # None: the style's
    prefix: list[str] = field(default_factory=list)  # list marker for the next paragraph
    in_cell: bool = False
    top_level: bool = False


@dataclass
class _Placed:
    row: int
    col: int
    rowspan: int
    colspan: int
    element: object


# ---- The writer ------------------------------------------------------------------------


class _DocxWriter:
    def __init__(self, data: PrintData):
        self.data = data
        self.doc = Document()
        self.styles = self.doc.styles
        self.footnote_count = 0
        self._drop_thumbnail()
        self._setup_styles()
        self._setup_settings()
        self._setup_page()
        self.footnotes = self._add_footnotes_part()
        self.sink = _DocSink(self.doc)
        self.closing_done = False

    # -- package, styles, settings --

    def _drop_thumbnail(self) -> None:
        """The default template's preview picture shows another document: drop it."""
        rels = self.doc.part.package.rels
        for rId, rel in list(rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                rels.pop(rId)

    def _style(self, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, style_id: str | None = None):
        try:
            style = self.styles[name]
        except KeyError:
            style = self.styles.add_style(name, kind)
        if style_id:
            style.element.styleId = style_id
        for tag in ("w:pPr", "w:rPr"):
            for old in style.element.findall(qn(tag)):
                style.element.remove(old)
        return style

    def _setup_styles(self) -> None:
        # Document defaults: font, size and language for everything.
        defaults = self.styles.element.find(qn("w:docDefaults"))
        rPr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rPr)
        _set_lang(rPr)
        for tag, value in (("w:sz", 28), ("w:szCs", 28)):
            el = rPr.find(qn(tag))
            if el is not None:
                el.set(qn("w:val"), str(value))
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        if spacing is not None:
            spacing.attrib.clear()
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")

        normal = self._style("Normal")
        self._char_format(normal, size=BODY_SIZE)
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = BODY_LINE
        pf.widow_control = True

        body = self._style("Body Text")
        body.base_style = normal
        self._char_format(body, size=BODY_SIZE)
        pf = body.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent = FIRST_LINE_INDENT
        pf.space_after = PARA_AFTER
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = BODY_LINE
        pf.widow_control = True
        self.body_style = body

        self.heading_styles = {}
        for level, name in enumerate(("Heading 1", "Heading 2", "Heading 3", "Heading 4")):
            heading = self._style(name)
            heading.base_style = body
            self._char_format(heading, size=BODY_SIZE, bold=True)
            heading.font.italic = False
            pf = heading.paragraph_format
            pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            pf.first_line_indent = FIRST_LINE_INDENT
            pf.space_before = Pt(6)
            pf.space_after = PARA_AFTER
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = BODY_LINE
            pf.keep_with_next = True
            pPr = heading.element.get_or_add_pPr()
            _insert_ordered(pPr, _element("w:outlineLvl", val=str(level)), _PPR_ORDER)
            self.heading_styles[name] = heading

        table_text = self._style("Table Text", style_id="TableText")
        table_text.base_style = normal
        self._char_format(table_text, size=TABLE_SIZE)
        pf = table_text.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = TABLE_LINE
        self.table_style = table_text

        header = self._style("Header")
        header.base_style = normal
        self._char_format(header, size=BODY_SIZE)
        header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

        note_text = self._style("footnote text", style_id="FootnoteText")
        note_text.base_style = normal
        self._char_format(note_text, size=FOOTNOTE_SIZE)
        pf = note_text.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = FOOTNOTE_LINE
        note_text.priority = 99
        note_ref = self._style(
            "footnote reference", WD_STYLE_TYPE.CHARACTER, style_id="FootnoteReference"
        )
        note_ref.font.superscript = True
        note_ref.priority = 99

    def _char_format(self, style, *, size: Length, bold: bool = False) -> None:
        rPr = style.element.get_or_add_rPr()
        _set_fonts(rPr)
        style.font.size = size
        style.font.bold = bold
        _set_lang(rPr)

    def _setup_settings(self) -> None:
        settings = self.doc.settings.element
        footnote_pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(footnote_pr)
        else:
            settings.append(footnote_pr)
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.attrib.clear()
            theme_lang.set(qn("w:val"), LANGUAGE)

    def _add_footnotes_part(self):
        part = XmlPart(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            parse_xml(FOOTNOTES_XML),
            self.doc.part.package,
        )
        self.doc.part.relate_to(part, RT.FOOTNOTES)
        return part.element

    # -- page setup, header --

    @staticmethod
    def _page(section, *, landscape: bool = False) -> None:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.header_distance = HEADER_DISTANCE
        section.footer_distance = HEADER_DISTANCE
        section.gutter = Mm(0)

    def _setup_page(self) -> None:
        """Page numbers from page 2 and the draft mark, both in the top margin.

        Each sits in a frame placed on the page, out of the header's flow, and the header's
        flow is one paragraph 1 pt high: LibreOffice starts the text below the header's
        content plus the space between the header and the top margin, so a header line of
        its own would push page 1 about 20 pt lower than the PDF's (Word starts it at the
        top margin either way).
        """
        section = self.doc.sections[0]
        self._page(section)
        section.different_first_page_header_footer = True
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.style = self.styles["Header"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._page_field(paragraph)
        _frame(paragraph, x_align="center")
        _flat_paragraph(header.add_paragraph())
        first = section.first_page_header
        first.is_linked_to_previous = False
        paragraph = first.paragraphs[0]
        paragraph.style = self.styles["Header"]
        if self.data.is_draft:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run("DỰ THẢO")
            run.bold = True
            run.font.size = Pt(12)
            rPr = run._r.get_or_add_rPr()
            border = _element("w:bdr", val="single", sz="8", space="2", color="000000")
            _insert_ordered(rPr, border, _RPR_ORDER)
            _frame(paragraph, x_align="right")
            _flat_paragraph(first.add_paragraph())
        else:
            _flat_paragraph(paragraph)

    @staticmethod
    def _page_field(paragraph) -> None:
        """A PAGE field (complex form, cached result "2")."""
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None)):
            run = paragraph.add_run()
            if kind:
                run._r.append(_element("w:fldChar", fldCharType=kind))
            else:
                instr = _element("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
        paragraph.add_run("2")
        paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))

    # -- generic paragraph --

    def _paragraph(
        self,
        sink,
        text: str = "",
        *,
        style=None,
        align=None,
        size: Length | None = None,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        caps: bool = False,
        line: Length | None = None,
        after: Length | None = None,
        before: Length | None = None,
        first_line: Length | None = None,
    ) -> Paragraph:
        paragraph = sink.add_paragraph(style=style)
        pf = paragraph.paragraph_format
        if align is not None:
            pf.alignment = align
        if line is not None:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = line
        if after is not None:
            pf.space_after = after
        if before is not None:
            pf.space_before = before
        if first_line is not None:
            pf.first_line_indent = first_line
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            run.underline = underline or None
            if caps:
                run.font.all_caps = True
            if size is not None:
                run.font.size = size
        return paragraph

    def _plain_table(self, widths_pct: tuple[int, int]):
        """A borderless one-row-per-call two-column layout table across the text width."""
        table = self.doc.add_table(rows=0, cols=2)
        total = _text_width(self.doc.sections[-1])
        widths = [total * widths_pct[0] // 100, total - total * widths_pct[0] // 100]
        _set_table_props(table, width=total, borders="nil", cell_top=Pt(0), cell_side=Pt(0))
        return table, widths

    # -- the document --

    def build(self) -> bytes:
        self._header()
        self._title()
        self._body()
        if not self.closing_done:
            self._closing()
        body = self.doc.element.body
        last = body.sectPr.getprevious()
        if last is None or last.tag != qn("w:p"):
            # Word shows a paragraph mark after a final table anyway; keep it 1 pt high.
            self._paragraph(self.sink, "", line=Pt(1), style=self.styles["Normal"])
        self._properties()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def _header(self) -> None:
        data = self.data
        # LibreOffice lowers a table that opens the document by about a line; after a
        # paragraph 1 pt high it starts at the top margin, as in Word and the PDF.
        _flat_paragraph(self.sink.add_paragraph(style=self.styles["Normal"]))
        table, widths = self._plain_table((44, 56))
        widths = _header_widths(data, sum(widths))
        center = WD_ALIGN_PARAGRAPH.CENTER
        row = table.add_row()
        left = _CellSink(row.cells[0])
        self._paragraph(left, data.parent_line, align=center, size=Pt(14), caps=True, line=Pt(19))
        self._paragraph(
            left, data.issuer_name, align=center, size=Pt(14), bold=True, caps=True, line=Pt(19)
        )
        self._paragraph(left, "*", align=center, size=Pt(14), line=Pt(19))
        right = _CellSink(row.cells[1])
        self._paragraph(
            right, PARTY_NAME, align=center, size=Pt(15), bold=True, underline=True, line=Pt(19)
        )
        row = table.add_row()
        self._paragraph(
            _CellSink(row.cells[0]),
            number_line(data.number, data.number_symbol),
            align=center,
            size=Pt(14),
            line=Pt(19),
        )
        self._paragraph(
            _CellSink(row.cells[1]),
            vietnamese_date_line(data.place, data.issued_on),
            align=center,
            size=Pt(14),
            italic=True,
            line=Pt(19),
        )
        _set_column_widths(table, widths)
        for row in table.rows:
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    def _title(self) -> None:
        data = self.data
        doc = self.sink
        center = WD_ALIGN_PARAGRAPH.CENTER
        if data.masthead:
            name = self._paragraph(
                doc,
                data.type_name,
                align=center,
                size=Pt(32),
                bold=True,
                caps=True,
                line=Pt(38),
                before=Mm(8),
            )
            for run in name.runs:
                spacing = _element("w:spacing", val="20")  # 1 pt letter spacing
                _insert_ordered(run._r.get_or_add_rPr(), spacing, _RPR_ORDER)
            self._paragraph(doc, data.title, align=center, size=Pt(14), bold=True, caps=True)
        else:
            self._paragraph(
                doc,
                data.type_name,
                align=center,
                size=Pt(16),
                bold=True,
                caps=True,
                line=Pt(22),
                before=Mm(6),
            )
            summary = self._paragraph(doc, data.title, align=center, size=Pt(14), bold=True)
            summary.paragraph_format.left_indent = Mm(10)
            summary.paragraph_format.right_indent = Mm(10)
        self._paragraph(doc, "-----", align=center, size=Pt(14), line=Pt(18), after=Mm(4))

    def _closing(self) -> None:
        """Recipients and signature; before an appendix, else after the body.

        The last paragraph (or table row) of the text is kept with it, so that the closing
        never stands alone on a page, as the PDF does.
        """
        self.closing_done = True
        data = self.data
        if not (data.recipients or data.authority_line or data.signer_title or data.signer_name):
            self._paragraph(self.sink, "", line=Pt(1), style=self.styles["Normal"])
            return
        _keep_with_next(self.doc.element.body.sectPr.getprevious())
        spacer = self._paragraph(
            self.sink, "", line=Length(Mm(8) - PARA_AFTER), style=self.styles["Normal"]
        )
        spacer.paragraph_format.keep_with_next = True  # never alone on a page: see above
        table, widths = self._plain_table((45, 55))
        row = table.add_row()
        _row_flags(row)
        left = _CellSink(row.cells[0])
        justify_left = WD_ALIGN_PARAGRAPH.LEFT
        if data.recipients:
            self._paragraph(
                left,
                "Nơi nhận:",  # the Party's label: 14 pt, upright, underlined
                align=justify_left,
                size=Pt(14),
                underline=True,
                line=TABLE_LINE,
            )
            for recipient in data.recipients:
                self._paragraph(
                    left, f"- {recipient}", align=justify_left, size=Pt(12), line=TABLE_LINE
                )
        else:
            left.add_paragraph()
        right = _CellSink(row.cells[1])
        center = WD_ALIGN_PARAGRAPH.CENTER
        if data.authority_line:
            self._paragraph(
                right, data.authority_line, align=center, size=Pt(14), bold=True, caps=True
            )
        if data.signer_title:
            self._paragraph(right, data.signer_title, align=center, size=Pt(14), caps=True)
        for _ in range(4):  # about 28 mm for the signature and seal
            self._paragraph(right, "", align=center)
        if data.signer_name:
            self._paragraph(right, data.signer_name, align=center, size=Pt(14), bold=True)
        _set_column_widths(table, widths)
        # Word wants a paragraph after a final table; keep it tiny so it never adds a page.
        self._paragraph(self.sink, "", line=Pt(1), style=self.styles["Normal"])

    def _properties(self) -> None:
        data = self.data
        props = self.doc.core_properties
        author = pdf_author(data)
        props.title = data.title
        props.author = author
        props.last_modified_by = author
        number = (data.number or "").strip()
        props.subject = f"{number_line(number)} – {data.title}" if number else data.title
        props.category = data.type_name
        props.language = LANGUAGE
        props.keywords = ""
        props.comments = ""
        props.revision = 1
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        props.created = now
        props.modified = now

    # -- body --

    def _body(self) -> None:
        # A report's indicator table (computed ratios) replaces the body's appendix table.
        html = body_with_indicators(self.data).strip()
        if not html:
            return
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        ctx = _Ctx(sink=self.sink, style=self.body_style, top_level=True)
        self._blocks(root, ctx)

    def _blocks(self, el, ctx: _Ctx) -> None:
        pending: list = []
        if el.text:
            pending.append(_Text(el.text, ctx.fmt))
        for child in el:
            tag = _tag(child)
            if tag in BLOCK_TAGS:
                self._flush(pending, ctx)
                self._block(child, ctx)
            elif tag:
                _inline_element(child, ctx.fmt, pending)
            if child.tail:
                pending.append(_Text(child.tail, ctx.fmt))
        self._flush(pending, ctx)

    def _flush(self, pending: list, ctx: _Ctx) -> None:
        if pending:
            self._inline_paragraph(ctx, list(pending))
            pending.clear()

    def _inline_paragraph(self, ctx: _Ctx, items: list, *, style=None, **pformat) -> None:
        items = _normalise(items)
        if ctx.prefix:
            items.insert(0, _Text(ctx.prefix.pop(), ctx.fmt))
        if not items:
            return
        paragraph = ctx.sink.add_paragraph(style=style or ctx.style)
        pf = paragraph.paragraph_format
        align = pformat.get("align", ctx.align)
        if align is not None:
            pf.alignment = align
        first_line = pformat.get("first_line", ctx.first_line)
        if first_line is not None:
            pf.first_line_indent = first_line
        if ctx.left:
            pf.left_indent = Twips(ctx.left)
        if ctx.right:
            pf.right_indent = Twips(ctx.right)
        if pformat.get("page_break_before"):
            pf.page_break_before = True
        if pformat.get("keep_with_next"):
            pf.keep_with_next = True
        self._runs(paragraph, items)

    def _runs(self, paragraph: Paragraph, items: list) -> None:
        for item in items:
            if isinstance(item, _Text):
                _format_run(paragraph.add_run(item.text), item.fmt)
            elif isinstance(item, _Break):
                paragraph.add_run().add_break()
            else:
                self._footnote(paragraph, item)

    def _footnote(self, paragraph: Paragraph, note: _Note) -> None:
        self.footnote_count += 1
        number = str(self.footnote_count)
        run = paragraph.add_run()
        rPr = run._r.get_or_add_rPr()
        rPr.style = "FootnoteReference"
        run.font.superscript = True
        run._r.append(_element("w:footnoteReference", id=number))

        items: list = []
        _inline_children(note.element, Fmt(), items, in_note=True)
        items = _normalise(items)
        footnote = _element("w:footnote", id=number)
        p = _element("w:p")
        footnote.append(p)
        self.footnotes.append(footnote)
        note_paragraph = Paragraph(p, None)
        pPr = p.get_or_add_pPr()
        pPr.style = "FootnoteText"
        ref = note_paragraph.add_run()
        ref_rPr = ref._r.get_or_add_rPr()
        ref_rPr.style = "FootnoteReference"
        ref.font.superscript = True
        ref._r.append(_element("w:footnoteRef"))
        note_paragraph.add_run(" ")
        for item in items:
            if isinstance(item, _Text):
                _format_run(note_paragraph.add_run(item.text), item.fmt)
            elif isinstance(item, _Break):
                note_paragraph.add_run().add_break()

    def _block(self, el, ctx: _Ctx) -> None:
        tag = _tag(el)
        classes = _classes(el)
        if tag in HEADING_STYLES:
            self._heading(el, ctx, tag, classes)
        elif tag == "p":
            items: list = []
            _inline_children(el, ctx.fmt, items)
            if "appendix-title" in classes:
                self._inline_paragraph(
                    replace(ctx, fmt=ctx.fmt | {"bold"}),
                    [_Text(i.text, i.fmt | {"bold"}) if isinstance(i, _Text) else i for i in items],
                    align=WD_ALIGN_PARAGRAPH.CENTER,
                    first_line=Pt(0),
                    keep_with_next=True,
                )
            else:
                self._inline_paragraph(ctx, items)
        elif tag in ("ul", "ol"):
            self._list(el, ctx, ordered=tag == "ol")
        elif tag == "li":
            self._list_item(el, ctx, "•")
        elif tag == "blockquote":
            indent = _twips(FIRST_LINE_INDENT)
            self._blocks(el, replace(ctx, left=ctx.left + indent, right=ctx.right + indent))
        elif tag == "table":
            self._table(el, ctx)
        elif tag in ("thead", "tbody", "tfoot", "tr"):
            self._table(el, ctx)  # a stray table part: render it as a table of its own
        elif tag == "figcaption":
            items = []
            _inline_children(el, ctx.fmt | {"italic"}, items)
            self._inline_paragraph(ctx, items, align=WD_ALIGN_PARAGRAPH.CENTER, first_line=Pt(0))
        else:  # figure, div
            self._blocks(el, ctx)

    def _heading(self, el, ctx: _Ctx, tag: str, classes: set[str]) -> None:
        items: list = []
        _inline_children(el, ctx.fmt | {"bold"}, items)
        if ctx.in_cell or not ctx.top_level:
            self._inline_paragraph(replace(ctx, fmt=ctx.fmt | {"bold"}), items, keep_with_next=True)
            return
        style = self.heading_styles[HEADING_STYLES[tag]]
        if tag == "h2" and "appendix" in classes:
            if not self.closing_done:
                # The official format signs the document, then attaches the appendix.
                self._closing()
            landscape = _appendix_columns(el) >= LANDSCAPE_MIN_COLUMNS
            if landscape:
                self._landscape_section()
            self._inline_paragraph(
                ctx,
                items,
                style=style,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                first_line=Pt(0),
                page_break_before=not landscape,
                keep_with_next=True,
            )
            return
        self._inline_paragraph(ctx, items, style=style)

    def _landscape_section(self) -> None:
        """End the current section on the last paragraph and go on in a landscape one."""
        body = self.doc.element.body
        sentinel = body.sectPr
        previous = sentinel.getprevious()
        if (
            previous is None
            or previous.tag != qn("w:p")
            or (previous.pPr is not None and previous.pPr.sectPr is not None)
        ):
            previous = body.add_p()
        previous.set_sectPr(sentinel.clone())
        for reference in sentinel.xpath("w:headerReference|w:footerReference"):
            sentinel.remove(reference)
        section = self.doc.sections[-1]
        section.start_type = WD_SECTION.NEW_PAGE
        section.different_first_page_header_footer = False
        self._page(section, landscape=True)

    def _list(self, el, ctx: _Ctx, *, ordered: bool) -> None:
        try:
            number = int(el.get("start") or 1)
        except ValueError:
            number = 1
        nested = replace(ctx, left=ctx.left + _twips(FIRST_LINE_INDENT), first_line=Pt(0))
        for child in el:
            if _tag(child) == "li":
                self._list_item(child, nested, f"{number}." if ordered else "•")
                number += 1
            elif _tag(child):
                self._block(child, nested)

    def _list_item(self, el, ctx: _Ctx, marker: str) -> None:
        item_ctx = replace(ctx, prefix=[f"{marker} "], first_line=Pt(0))
        self._blocks(el, item_ctx)

    # -- tables --

    def _table(self, el, ctx: _Ctx) -> None:
        rows = list(_table_rows(el))
        if not rows:
            return
        if not any(header for _, header in rows):
            # No thead: a first row made only of th cells is the header row.
            first = [c for c in rows[0][0] if _tag(c) in ("td", "th")]
            if first and all(_tag(c) == "th" for c in first):
                rows[0] = (rows[0][0], True)
        placed, n_rows, n_cols = _place_cells([tr for tr, _ in rows])
        if not placed or n_cols == 0:
            return
        if ctx.in_cell:
            self._flat_table(placed, ctx)
            return
        table = self.doc.add_table(rows=n_rows, cols=n_cols)
        total = _text_width(self.doc.sections[-1])
        _set_table_props(table, width=total, borders="single", cell_top=Pt(2), cell_side=Pt(4))
        widths = _column_widths(placed, n_cols, total)
        _set_column_widths(table, widths)
        for index, (_, header) in enumerate(rows[:n_rows]):
            _row_flags(table.rows[index], header=header)
        body_rows = [i for i, (_, header) in enumerate(rows[:n_rows]) if not header]
        if len(body_rows) >= 3:
            # Never one row alone on a page (the header row repeats above the others): the
            # first row stays with the second, the last with the one before it.
            for index in (body_rows[0], body_rows[-2]):
                _keep_with_next(table.rows[index]._tr)
        for cell in placed:
            if cell.rowspan > 1 or cell.colspan > 1:
                table.cell(cell.row, cell.col).merge(
                    table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
                )
        grid = table._cells  # computed once: Table.cell() recomputes it on every call
        for cell in placed:
            target = grid[cell.row * n_cols + cell.col]
            is_th = _tag(cell.element) == "th"
            if "num" in _classes(cell.element):
                align = WD_ALIGN_PARAGRAPH.RIGHT
            elif is_th:
                align = WD_ALIGN_PARAGRAPH.CENTER
            else:
                align = WD_ALIGN_PARAGRAPH.LEFT
            target.vertical_alignment = (
                WD_CELL_VERTICAL_ALIGNMENT.CENTER if is_th else WD_CELL_VERTICAL_ALIGNMENT.TOP
            )
            sink = _CellSink(target)
            cell_ctx = _Ctx(
                sink=sink,
                style=self.table_style,
                fmt=Fmt({"bold"}) if is_th else Fmt(),
                align=align,
                first_line=Pt(0),
                in_cell=True,
            )
            self._blocks(cell.element, cell_ctx)
            if sink.fresh:  # empty cell: still give its paragraph the table formatting
                sink.add_paragraph(style=self.table_style).alignment = align

    def _flat_table(self, placed: list[_Placed], ctx: _Ctx) -> None:
        """A table nested in a table cell: one line per row, cells separated by " | "."""
        by_row: dict[int, list[_Placed]] = {}
        for cell in placed:
            by_row.setdefault(cell.row, []).append(cell)
        for row in sorted(by_row):
            items: list = []
            for index, cell in enumerate(sorted(by_row[row], key=lambda c: c.col)):
                if index:
                    items.append(_Text(" | ", ctx.fmt))
                _inline_children(cell.element, ctx.fmt, items)
            self._inline_paragraph(ctx, items)


def _table_rows(el) -> Iterator[tuple[object, bool]]:
    tag = _tag(el)
    if tag == "tr":
        yield el, False
        return
    for child in el:
        child_tag = _tag(child)
        if child_tag in ("thead", "tbody", "tfoot"):
            for tr in child:
                if _tag(tr) == "tr":
                    yield tr, child_tag == "thead" or tag == "thead"
        elif child_tag == "tr":
            yield child, tag == "thead"


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(el.get(name) or 1), 50))
    except ValueError:
        return 1


def _place_cells(trs: list) -> tuple[list[_Placed], int, int]:
    """Lay cells out on a grid, honouring rowspan and colspan (rowspans clipped to the table)."""
    occupied: set[tuple[int, int]] = set()
    placed: list[_Placed] = []
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr:
            if _tag(cell) not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rowspan = min(_span(cell, "rowspan"), len(trs) - r)
            colspan = _span(cell, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            placed.append(_Placed(r, c, rowspan, colspan, cell))
            c += colspan
    n_cols = max((col + 1 for _, col in occupied), default=0)
    # Fill holes (rows shorter than others) so merges stay rectangular.
    return placed, len(trs), n_cols


def _column_count(table_el) -> int:
    _, _, n_cols = _place_cells([tr for tr, _ in _table_rows(table_el)])
    return n_cols


def _appendix_columns(heading) -> int:
    """Columns of the first table after an appendix heading (0 if none before the next h2)."""
    for sibling in heading.itersiblings():
        tag = _tag(sibling)
        if tag == "h2":
            return 0
        if tag == "table":
            return _column_count(sibling)
        if tag:
            inner = sibling.find(".//table")
            if inner is not None:
                return _column_count(inner)
    return 0


def _column_widths(placed: list[_Placed], n_cols: int, total: int) -> list[int]:
    """Widths in twips, like an HTML auto table layout: longest word as the minimum, the
    whole content as the maximum, the room in between shared in proportion."""
    char = 130  # a Times New Roman 12 pt character, bold or not, in twips (generous)
    pad = 2 * 80 + 80  # cell margins plus a little air
    shortest = [1] * n_cols
    longest = [1] * n_cols
    for cell in placed:
        if cell.colspan != 1:
            continue
        words = " ".join(cell.element.itertext()).split()
        if not words:
            continue
        shortest[cell.col] = max(shortest[cell.col], max(len(w) for w in words))
        longest[cell.col] = max(longest[cell.col], len(" ".join(words)))
    mins = [n * char + pad for n in shortest]
    maxs = [n * char + pad for n in longest]
    if sum(maxs) <= total:
        widths = [total * m / sum(maxs) for m in maxs]
    elif sum(mins) >= total:
        widths = [total * m / sum(mins) for m in mins]
    else:
        room = total - sum(mins)
        flex = [b - a for a, b in zip(mins, maxs, strict=True)]
        widths = [a + room * f / sum(flex) for a, f in zip(mins, flex, strict=True)]
    result = [int(w) for w in widths]
    result[-1] += total - sum(result)
    return result


def render_docx(data: PrintData) -> bytes:
    """Render ``data`` to the bytes of a .docx file (see the module docstring)."""
    return _DocxWriter(data).build()
