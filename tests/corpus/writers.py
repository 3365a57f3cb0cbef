"""Writers of the corpus: python-docx, and Flat ODT or HTML that LibreOffice converts.

Each writer sets a document out as offices do: the header and the closing as a borderless
table, as tab-separated paragraphs or in a text box; typed or automatic numbering; real
footnotes and endnotes or calls typed as superscript or raised text with the notes typed
after the text; merged table cells; a landscape appendix after the closing.
"""

from __future__ import annotations

import base64
import io
import struct
import unicodedata
import zlib
from html import escape

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from tests.corpus import legacy
from tests.corpus.content import (
    APPENDIX_TITLE,
    COMMENTED,
    FIELD_LEAD,
    IMAGE_LEAD,
    LINK_LEAD,
    NOTE_RE,
    TRACKED_LEAD,
    Doc,
    Heading,
    Item,
    Para,
    Table,
)

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
LINK_URL = "https://haiphong.gov.vn/tin-tuc/tuyen-truyen"


def png(width: int = 40, height: int = 24) -> bytes:
    """A small red-and-yellow PNG, written without an imaging library."""
    rows = b"".join(
        b"\x00"
        + b"".join(b"\xda\x25\x1d" if y < height // 2 else b"\xff\xcd\x00" for _ in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Ink:
    """How the file stores text: Unicode (NFC or NFD) or a legacy font's codes."""

    def __init__(self, extras: frozenset[str]) -> None:
        self.extras = extras

    def __call__(self, text: str) -> list[tuple[str, str | None]]:
        """The stored text in runs, each with its font (None: the document's own)."""
        if "tcvn3" in self.extras:
            return list(legacy.tcvn3_runs(text))
        if "vni" in self.extras:
            return [(legacy.vni(text), "VNI-Times")]
        if "nfd" in self.extras:
            return [(unicodedata.normalize("NFD", text), None)]
        return [(text, None)]


def _calls(text: str) -> list[tuple[str, int]]:
    """A paragraph's text in pieces: (text, 0) and (number, 1) for each footnote call."""
    pieces, position = [], 0
    for match in NOTE_RE.finditer(text):
        pieces.append((text[position : match.start()], 0))
        pieces.append((match.group(1), 1))
        position = match.end()
    pieces.append((text[position:], 0))
    return [(piece, call) for piece, call in pieces if piece]


def grid(table: Table) -> list[list[tuple[int, int, object]]]:
    """Each cell's (row, column) in the full grid, found past the spans above it."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table.rows):
        column, out = 0, []
        for cell in row:
            while (r, column) in taken:
                column += 1
            out.append((r, column, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, column + dc))
            column += cell.colspan
        placed.append(out)
    return placed


# --- python-docx -------------------------------------------------------------------------


class DocxWriter:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.layout = doc.layout
        self.ink = Ink(doc.layout.extras)
        self.word = WordDocument()
        normal = self.word.styles["Normal"]
        normal.font.name = "Times New Roman"
        normal.font.size = Pt(14)
        section = self.word.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    def run(self, paragraph, text: str, *, fmt: str = "", size=None) -> list:
        """The text added to the paragraph, as one run per font; returns the runs."""
        runs = []
        # fmt: letters b, i, u combined ("bi"), or one of the call styles "sup" and "raised"
        emphasis = set() if fmt in ("sup", "raised") else set(fmt)
        for stored, font in self.ink(text):
            run = paragraph.add_run(stored)
            run.bold = "b" in emphasis or None
            run.italic = "i" in emphasis or None
            run.underline = "u" in emphasis or None
            if font:
                run.font.name = font
                run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), font)
            if size:
                run.font.size = Pt(size)
            if fmt == "sup":
                run.font.superscript = True
            if fmt == "raised":
                position = OxmlElement("w:position")
                position.set(qn("w:val"), "8")
                run._r.get_or_add_rPr().append(position)
                run.font.size = Pt(9.5)
            runs.append(run)
        return runs

    @staticmethod
    def wrap(element, runs: list) -> None:
        """Move the runs into an element (a field, a hyperlink, a tracked change)."""
        for run in runs:
            element.append(run._r)

    def para(self, text: str = "", *, fmt: str = "", align=None, size=None, container=None):
        paragraph = (container or self.word).add_paragraph()
        if align:
            paragraph.alignment = align
        for piece, call in _calls(text):
            if call:
                self.run(paragraph, piece, fmt="raised" if self.layout.notes == "raised" else "sup")
            else:
                self.run(paragraph, piece, fmt=fmt, size=size)
        return paragraph

    def cell_lines(self, cell, lines: list[tuple[str, str]], *, align=None, size=None):
        first = True
        for text, fmt in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            if align:
                paragraph.alignment = align
            if text:
                self.run(paragraph, text, fmt=fmt, size=size)

    def field(self, paragraph, instruction: str, result: str) -> None:
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), instruction)
        self.wrap(simple, self.run(paragraph, result))
        paragraph._p.append(simple)

    def header(self) -> None:
        doc, style = self.doc, self.layout.header
        date_line = doc.place_date
        left = [(doc.parent, ""), (doc.issuer, "b"), ("*", ""), (f"Số {doc.number}", "")]
        if style == "table":
            table = self.word.add_table(rows=1, cols=2)
            self.cell_lines(table.cell(0, 0), left, align=WD_ALIGN_PARAGRAPH.CENTER)
            self.cell_lines(table.cell(0, 1), [(PARTY, "b")], align=WD_ALIGN_PARAGRAPH.CENTER)
            date_para = table.cell(0, 1).add_paragraph()
            date_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            first = self.word.add_paragraph()
            self.run(first, doc.parent)
            first.add_run("\t")
            self.run(first, PARTY, fmt="b")
            self.para(doc.issuer, fmt="b")
            self.para("*")
            self.para(f"Số {doc.number}")
            date_para = self.word.add_paragraph()
            date_para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if "date" in self.layout.extras:
            place, _, date = date_line.partition(", ")
            self.run(date_para, place + ", ", fmt="i")
            self.field(date_para, "DATE \\@ \"'ngày' dd 'tháng' MM 'năm' yyyy\"", date)
        else:
            self.run(date_para, date_line, fmt="i")
        self.para(doc.type_name, fmt="b", align=WD_ALIGN_PARAGRAPH.CENTER)
        self.para(doc.title, fmt="b", align=WD_ALIGN_PARAGRAPH.CENTER)
        self.para("-----", align=WD_ALIGN_PARAGRAPH.CENTER)

    def table(self, table: Table, container=None):
        word_table = (container or self.word).add_table(rows=len(table.rows), cols=table.columns)
        word_table.style = "Table Grid"
        for row in grid(table):
            for r, c, cell in row:
                target = word_table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(
                        word_table.cell(r + cell.rowspan - 1, c + cell.colspan - 1)
                    )
                self.cell_lines(target, [(cell.text, "b" if cell.bold else "")], size=12)
        return word_table

    def body(self) -> None:
        for block in self.doc.body:
            if isinstance(block, Heading):
                fmt = "b" if block.level < 4 else "bi"
                self.para(f"{block.number} {block.text}", fmt=fmt)
            elif isinstance(block, Item):
                self.para(f"{block.mark} {block.text}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            elif isinstance(block, Para):
                self.para(block.text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            else:
                self.table(block)
        self.extras()
        for number, note in enumerate(self.doc.notes, 1):
            paragraph = self.word.add_paragraph()
            fmt = "raised" if self.layout.notes == "raised" else "sup"
            self.run(paragraph, str(number), fmt=fmt)
            self.run(paragraph, " " + note, size=12)

    def extras(self) -> None:
        doc, extras = self.doc, self.layout.extras
        if doc.inserted:
            paragraph = self.para(TRACKED_LEAD + " ")
            insert = OxmlElement("w:ins")
            delete = OxmlElement("w:del")
            for element, number in ((insert, "1"), (delete, "2")):
                element.set(qn("w:id"), number)
                element.set(qn("w:author"), "Nguyễn Thu Trang")
                element.set(qn("w:date"), "2024-03-01T09:00:00Z")
            self.wrap(insert, self.run(paragraph, doc.inserted))
            gone = self.run(paragraph, " " + doc.deleted)
            for run in gone:
                for text in run._r.findall(qn("w:t")):
                    text.tag = qn("w:delText")
            self.wrap(delete, gone)
            paragraph._p.append(insert)
            paragraph._p.append(delete)
            self.run(paragraph, ".")
        if doc.comment:
            paragraph = self.para(COMMENTED)
            self.word.add_comment(paragraph.runs[0], text=doc.comment, author="Trần Văn Nam")
        if doc.link_text:
            paragraph = self.para(LINK_LEAD + " ")
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), self.word.part.relate_to(LINK_URL, RT.HYPERLINK, True))
            self.wrap(link, self.run(paragraph, doc.link_text, fmt="u"))
            paragraph._p.append(link)
            self.run(paragraph, ".")
        if doc.field_text:
            paragraph = self.para(FIELD_LEAD + " ")
            self.field(paragraph, 'DATE \\@ "dd/MM/yyyy"', doc.field_text)
        if doc.image_caption:
            self.para(IMAGE_LEAD)
            self.word.add_picture(io.BytesIO(png()), width=Cm(4))
            self.para(doc.image_caption, fmt="i", align=WD_ALIGN_PARAGRAPH.CENTER)
        if "page" in extras:
            footer = self.word.sections[0].footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.field(footer, "PAGE", "1")

    def closing(self) -> None:
        closing, style, fmt = self.doc.closing, self.layout.closing, self.layout.signer_format
        right = [
            (closing.authority, "b"),
            (closing.signer_title, fmt),
            ("", ""),
            ("", ""),
            (closing.signer_name, fmt),
        ]
        left = [("Nơi nhận:", "bi")] + [(f"- {r}", "") for r in closing.recipients]
        if style == "table":
            table = self.word.add_table(rows=1, cols=2)
            self.cell_lines(table.cell(0, 0), left, size=12)
            self.cell_lines(table.cell(0, 1), right, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif style == "tabs":
            for index in range(max(len(left), len(right))):
                paragraph = self.word.add_paragraph()
                paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(11))
                if index < len(left):
                    self.run(paragraph, left[index][0], fmt=left[index][1], size=12)
                if index < len(right) and right[index][0]:
                    paragraph.add_run("\t")
                    text, line_fmt = right[index]
                    self.run(paragraph, text, fmt=line_fmt)
        else:  # "paras": the signer's block first, then the recipients
            for text, line_fmt in right:
                self.para(text, fmt=line_fmt, align=WD_ALIGN_PARAGRAPH.RIGHT)
            for text, line_fmt in left:
                self.para(text, fmt=line_fmt, size=12)

    def appendix(self) -> None:
        doc = self.doc
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        self.para(APPENDIX_TITLE, fmt="b", align=WD_ALIGN_PARAGRAPH.CENTER)
        self.para(doc.appendix_caption, fmt="i", align=WD_ALIGN_PARAGRAPH.CENTER)
        self.table(doc.appendix)

    def write(self) -> bytes:
        self.header()
        self.body()
        self.closing()
        if self.doc.appendix:
            self.appendix()
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()


def write_docx(doc: Doc) -> bytes:
    return DocxWriter(doc).write()


# --- Flat ODT for LibreOffice --------------------------------------------------------------

_FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="Times New Roman" svg:font-family="'Times New Roman'"/>
 <style:font-face style:name=".VnTime" svg:font-family=".VnTime"/>
 <style:font-face style:name=".VnTimeH" svg:font-family=".VnTimeH"/>
 <style:font-face style:name="VNI-Times" svg:font-family="VNI-Times"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph"><style:text-properties
  style:font-name="{font}" fo:font-size="14pt"/></style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
</office:styles>
<office:automatic-styles>
 <number:date-style style:name="Ndmy"><number:day number:style="long"/><number:text>/</number:text>
  <number:month number:style="long"/><number:text>/</number:text><number:year
  number:style="long"/></number:date-style>
 <style:style style:name="Pc" style:family="paragraph"><style:paragraph-properties
  fo:text-align="center"/></style:style>
 <style:style style:name="Pr" style:family="paragraph"><style:paragraph-properties
  fo:text-align="end"/></style:style>
 <style:style style:name="Pj" style:family="paragraph"><style:paragraph-properties
  fo:text-align="justify" fo:text-indent="1cm"/></style:style>
 <style:style style:name="Pt" style:family="paragraph"><style:paragraph-properties>
  <style:tab-stops><style:tab-stop style:position="11cm"/></style:tab-stops>
  </style:paragraph-properties></style:style>
 <style:style style:name="Pland" style:family="paragraph" style:master-page-name="Landscape">
  <style:paragraph-properties fo:text-align="center"/></style:style>
 <style:style style:name="Tb" style:family="text"><style:text-properties
  fo:font-weight="bold"/></style:style>
 <style:style style:name="Ti" style:family="text"><style:text-properties
  fo:font-style="italic"/></style:style>
 <style:style style:name="Tbi" style:family="text"><style:text-properties
  fo:font-weight="bold" fo:font-style="italic"/></style:style>
 <style:style style:name="Tu" style:family="text"><style:text-properties
  style:text-underline-style="solid" style:text-underline-width="auto"
  style:text-underline-color="font-color"/></style:style>
 <style:style style:name="Tsup" style:family="text"><style:text-properties
  style:text-position="super 58%"/></style:style>
 <style:style style:name="Traised" style:family="text"><style:text-properties
  style:text-position="33% 58%"/></style:style>
 <style:style style:name="Tcaps" style:family="text"><style:text-properties
  style:font-name="{caps_font}"/></style:style>
 <style:style style:name="Tcapsb" style:family="text"><style:text-properties
  style:font-name="{caps_font}" fo:font-weight="bold"/></style:style>
 <style:style style:name="Tbl" style:family="table"><style:table-properties
  style:width="16.5cm" table:align="margins"/></style:style>
 <style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties
  fo:border="0.5pt solid #000000" fo:padding="0.1cm"/></style:style>
 <style:style style:name="fr1" style:family="graphic"><style:graphic-properties
  style:wrap="none" style:vertical-pos="from-top" style:horizontal-pos="from-left"
  fo:border="none"/></style:style>
 <text:list-style style:name="L1">
  <text:list-level-style-number text:level="1" style:num-format="I" style:num-suffix="."/>
  <text:list-level-style-number text:level="2" style:num-format="1" style:num-suffix="."/>
  <text:list-level-style-number text:level="3" style:num-format="1" style:num-suffix="."
   text:display-levels="2"/>
 </text:list-style>
 <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm"
  fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm"
  fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/></style:page-layout>
 <style:page-layout style:name="pm2"><style:page-layout-properties fo:page-width="29.7cm"
  fo:page-height="21cm" style:print-orientation="landscape" fo:margin-top="2cm"
  fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">{footer}
 </style:master-page>
 <style:master-page style:name="Landscape" style:page-layout-name="pm2"/>
</office:master-styles>
<office:body><office:text>
"""


class FodtWriter:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.layout = doc.layout
        self.ink = Ink(doc.layout.extras)
        self.out: list[str] = []
        self.legacy = bool({"tcvn3", "vni"} & doc.layout.extras)

    def span(self, text: str, fmt: str = "") -> str:
        pieces = []
        for stored, font in self.ink(text):
            body = escape(stored, quote=False).replace("\t", "<text:tab/>")
            style = {"b": "Tb", "i": "Ti", "bi": "Tbi", "u": "Tu"}.get(fmt, "")
            if font == ".VnTimeH":
                style = "Tcapsb" if "b" in fmt else "Tcaps"
            pieces.append(
                f'<text:span text:style-name="{style}">{body}</text:span>' if style else body
            )
        return "".join(pieces)

    def inline(self, text: str, fmt: str = "") -> str:
        parts = []
        for piece, call in _calls(text):
            if not call:
                parts.append(self.span(piece, fmt))
            elif self.layout.notes in ("footnote", "endnote"):
                stored = self.span(self.doc.notes[int(piece) - 1])
                parts.append(
                    f'<text:note text:id="n{piece}" text:note-class="{self.layout.notes}">'
                    f"<text:note-citation>{piece}</text:note-citation><text:note-body>"
                    f"<text:p>{stored}</text:p></text:note-body></text:note>"
                )
            else:
                style = "Traised" if self.layout.notes == "raised" else "Tsup"
                parts.append(f'<text:span text:style-name="{style}">{piece}</text:span>')
        return "".join(parts)

    def p(self, text: str, style: str = "", fmt: str = "") -> str:
        attr = f' text:style-name="{style}"' if style else ""
        return f"<text:p{attr}>{self.inline(text, fmt)}</text:p>"

    def cell_table(self, columns: list[list[tuple[str, str, str]]]) -> str:
        """A borderless one-row table of columns of (text, fmt, paragraph style) lines."""
        cells = "".join(
            "<table:table-cell>"
            + "".join(self.p(t, st, f) for t, f, st in column)
            + "</table:table-cell>"
            for column in columns
        )
        return (
            f'<table:table table:style-name="Tbl"><table:table-column '
            f'table:number-columns-repeated="{len(columns)}"/><table:table-row>{cells}'
            f"</table:table-row></table:table>"
        )

    def text_box(self, lines: list[tuple[str, str, str]], x: str) -> str:
        inner = "".join(self.p(t, st, f) for t, f, st in lines)
        return (
            f'<text:p><draw:frame draw:style-name="fr1" draw:name="box{x}" '
            f'text:anchor-type="paragraph" svg:x="{x}" svg:y="0cm" svg:width="8cm" '
            f'draw:z-index="0"><draw:text-box fo:min-height="3cm">{inner}</draw:text-box>'
            f"</draw:frame></text:p>"
        )

    def header(self) -> None:
        doc, style = self.doc, self.layout.header
        left = [
            (doc.parent, "", "Pc"),
            (doc.issuer, "b", "Pc"),
            ("*", "", "Pc"),
            (f"Số {doc.number}", "", "Pc"),
        ]
        place, _, date = doc.place_date.partition(", ")
        if "date" in self.layout.extras:
            date_xml = (
                f'<text:p text:style-name="Pc">{self.span(place + ", ", "i")}'
                f'<text:date text:fixed="true" text:date-value="2024-02-05T00:00:00">'
                f"{self.span(date, 'i')}</text:date></text:p>"
            )
        else:
            date_xml = self.p(doc.place_date, "Pc", "i")
        right = [(PARTY, "b", "Pc")]
        if style == "textbox":
            self.out.append(self.text_box(left, "0cm"))
            box = self.text_box(right, "8.5cm")
            self.out.append(box.replace("</draw:text-box>", date_xml + "</draw:text-box>"))
        elif style == "table":
            table = self.cell_table([left, right])
            self.out.append(
                table.replace(
                    "</table:table-cell></table:table-row>",
                    date_xml + "</table:table-cell></table:table-row>",
                )
            )
        else:
            self.out.append(
                f'<text:p text:style-name="Pt">{self.span(doc.parent)}<text:tab/>'
                f"{self.span(PARTY, 'b')}</text:p>"
            )
            self.out += [
                self.p(doc.issuer, "", "b"),
                self.p("*"),
                self.p(f"Số {doc.number}"),
                date_xml,
            ]
        self.out.append(self.p(doc.type_name, "Pc", "b"))
        self.out.append(self.p(doc.title, "Pc", "b"))
        self.out.append(self.p("-----", "Pc"))

    def table(self, table: Table) -> str:
        rows = []
        placed = grid(table)
        covered = set()
        for r, row in enumerate(placed):
            for _, c, cell in row:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            covered.add((r + dr, c + dc))
        for r, row in enumerate(placed):
            by_column = {c: cell for _, c, cell in row}
            xml = []
            for c in range(table.columns):
                if (r, c) in covered:
                    xml.append("<table:covered-table-cell/>")
                elif c in by_column:
                    cell = by_column[c]
                    spans = ""
                    if cell.colspan > 1:
                        spans += f' table:number-columns-spanned="{cell.colspan}"'
                    if cell.rowspan > 1:
                        spans += f' table:number-rows-spanned="{cell.rowspan}"'
                    xml.append(
                        f'<table:table-cell table:style-name="Cell"{spans}>'
                        f"{self.p(cell.text, '', 'b' if cell.bold else '')}</table:table-cell>"
                    )
                else:
                    xml.append('<table:table-cell table:style-name="Cell"/>')
            rows.append("<table:table-row>" + "".join(xml) + "</table:table-row>")
        return (
            f'<table:table table:style-name="Tbl"><table:table-column '
            f'table:number-columns-repeated="{table.columns}"/>{"".join(rows)}</table:table>'
        )

    def heading(self, block: Heading) -> str:
        fmt = "b" if block.level < 4 else "bi"
        if self.layout.numbering != "auto" or block.level == 4:
            return self.p(f"{block.number} {block.text}", "", fmt)
        inner = self.p(block.text, "", fmt)
        for _ in range(block.level - 1):
            inner = f"<text:list><text:list-item>{inner}</text:list-item></text:list>"
        return (
            f'<text:list text:style-name="L1" text:continue-numbering="true">'
            f"<text:list-item>{inner}</text:list-item></text:list>"
        )

    def body(self) -> None:
        for block in self.doc.body:
            if isinstance(block, Heading):
                self.out.append(self.heading(block))
            elif isinstance(block, Item):
                self.out.append(self.p(f"{block.mark} {block.text}", "Pj"))
            elif isinstance(block, Para):
                self.out.append(self.p(block.text, "Pj"))
            else:
                self.out.append(self.table(block))
        self.extras()
        if self.layout.notes in ("sup", "raised"):
            style = "Traised" if self.layout.notes == "raised" else "Tsup"
            for number, note in enumerate(self.doc.notes, 1):
                self.out.append(
                    f'<text:p><text:span text:style-name="{style}">{number}</text:span> '
                    f"{self.span(note)}</text:p>"
                )

    def extras(self) -> None:
        doc = self.doc
        if doc.inserted:
            self.out.insert(
                0,
                '<text:tracked-changes text:track-changes="false">'
                '<text:changed-region text:id="ct1"><text:insertion><office:change-info>'
                "<dc:creator>Nguyễn Thu Trang</dc:creator><dc:date>2024-03-01T09:00:00</dc:date>"
                "</office:change-info></text:insertion></text:changed-region>"
                '<text:changed-region text:id="ct2"><text:deletion><office:change-info>'
                "<dc:creator>Nguyễn Thu Trang</dc:creator><dc:date>2024-03-01T09:00:00</dc:date>"
                f"</office:change-info><text:p>{self.span(' ' + doc.deleted)}</text:p>"
                "</text:deletion></text:changed-region></text:tracked-changes>",
            )
            self.out.append(
                f"<text:p>{self.span(TRACKED_LEAD + ' ')}"
                '<text:change-start text:change-id="ct1"/>'
                f'{self.span(doc.inserted)}<text:change-end text:change-id="ct1"/>'
                '<text:change text:change-id="ct2"/>.</text:p>'
            )
        if doc.comment:
            self.out.append(
                f"<text:p>{self.span(COMMENTED)}<office:annotation><dc:creator>Trần Văn Nam"
                "</dc:creator><dc:date>2024-03-02T10:00:00</dc:date>"
                f"<text:p>{escape(doc.comment)}</text:p></office:annotation></text:p>"
            )
        if doc.link_text:
            self.out.append(
                f'<text:p>{self.span(LINK_LEAD + " ")}<text:a xlink:type="simple" '
                f'xlink:href="{LINK_URL}">{self.span(doc.link_text)}</text:a>.</text:p>'
            )
        if doc.field_text:
            self.out.append(
                # With its date style, as an office's template has it: without one
                # LibreOffice writes the field's result in its default form (3/31/24).
                f'<text:p>{self.span(FIELD_LEAD + " ")}<text:date text:fixed="true" '
                f'style:data-style-name="Ndmy" text:date-value="2024-03-31T00:00:00">'
                f"{self.span(doc.field_text)}"
                "</text:date></text:p>"
            )
        if doc.image_caption:
            image = base64.b64encode(png()).decode()
            self.out.append(self.p(IMAGE_LEAD, "Pj"))
            self.out.append(
                '<text:p text:style-name="Pc"><draw:frame draw:name="img1" '
                'text:anchor-type="as-char" svg:width="4cm" svg:height="2.4cm">'
                f"<draw:image><office:binary-data>{image}</office:binary-data></draw:image>"
                "</draw:frame></text:p>"
            )
            self.out.append(self.p(doc.image_caption, "Pc", "i"))

    def closing(self) -> None:
        closing, style, fmt = self.doc.closing, self.layout.closing, self.layout.signer_format
        right = [
            (closing.authority, "b", "Pc"),
            (closing.signer_title, fmt, "Pc"),
            ("", "", "Pc"),
            ("", "", "Pc"),
            (closing.signer_name, fmt, "Pc"),
        ]
        left = [("Nơi nhận:", "bi", "")] + [(f"- {r}", "", "") for r in closing.recipients]
        if style == "table":
            self.out.append(self.cell_table([left, right]))
        elif style == "textbox":
            self.out.append(self.text_box(right, "8.5cm"))
            self.out += [self.p(t, st, f) for t, f, st in left]
        else:
            self.out += [self.p(t, "Pr", f) for t, f, _ in right]
            self.out += [self.p(t, st, f) for t, f, st in left]

    def appendix(self) -> None:
        doc = self.doc
        self.out.append(self.p(APPENDIX_TITLE, "Pland", "b"))
        self.out.append(self.p(doc.appendix_caption, "Pc", "i"))
        self.out.append(self.table(doc.appendix))

    def write(self) -> bytes:
        self.header()
        self.body()
        self.closing()
        if self.doc.appendix:
            self.appendix()
        extras = self.layout.extras
        font = (
            ".VnTime"
            if "tcvn3" in extras
            else "VNI-Times"
            if "vni" in extras
            else ("Times New Roman")
        )
        caps_font = ".VnTimeH" if "tcvn3" in extras else font
        footer = ""
        if "page" in extras:
            footer = (
                '<style:footer><text:p text:style-name="Pc"><text:page-number '
                'text:select-page="current">1</text:page-number></text:p></style:footer>'
            )
        head = _FODT_HEAD.replace("{font}", font).replace("{caps_font}", caps_font)
        head = head.replace("{footer}", footer)
        return (
            head + "\n".join(self.out) + "</office:text></office:body></office:document>"
        ).encode()


def write_fodt(doc: Doc) -> bytes:
    return FodtWriter(doc).write()


# --- HTML for LibreOffice (how pages saved from the web reach Word) -------------------------


def write_html(doc: Doc) -> bytes:
    """A page as saved from a web portal: <sup> calls, notes typed after the text."""

    def inline(text: str) -> str:
        return "".join(
            f"<sup>{piece}</sup>" if call else escape(piece, quote=False)
            for piece, call in _calls(text)
        )

    def table(tbl: Table, border: int = 1) -> str:
        rows = []
        for row in tbl.rows:
            cells = []
            for cell in row:
                spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                    f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
                )
                text = f"<b>{escape(cell.text)}</b>" if cell.bold else escape(cell.text)
                cells.append(f"<td{spans}>{text}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return f'<table border="{border}">' + "".join(rows) + "</table>"

    d = doc
    closing = d.closing
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(d.title)}</title></head><body>",
        f'<table border="0"><tr><td><p align="center">{escape(d.parent)}<br><b>'
        f"{escape(d.issuer)}</b><br>*<br>Số {escape(d.number)}</p></td>"
        f'<td><p align="center"><b>{PARTY}</b><br><i>{escape(d.place_date)}</i></p></td>'
        "</tr></table>",
        f'<p align="center"><b>{escape(d.type_name)}</b></p>',
        f'<p align="center"><b>{escape(d.title)}</b></p><p align="center">-----</p>',
    ]
    for block in d.body:
        if isinstance(block, Heading):
            parts.append(f"<p><b>{escape(block.number)} {inline(block.text)}</b></p>")
        elif isinstance(block, Item):
            parts.append(f"<p>{escape(block.mark)} {inline(block.text)}</p>")
        elif isinstance(block, Para):
            parts.append(f'<p align="justify">{inline(block.text)}</p>')
        else:
            parts.append(table(block))
    parts += [f"<p><sup>{n}</sup> {escape(note)}</p>" for n, note in enumerate(d.notes, 1)]
    recipients = "".join(f"<br>- {escape(r)}" for r in closing.recipients)
    parts.append(
        f'<table border="0"><tr><td><p><b><i>Nơi nhận:</i></b>{recipients}</p></td>'
        f'<td><p align="center"><b>{escape(closing.authority)}<br>'
        f"{escape(closing.signer_title)}</b><br><br><br><b>{escape(closing.signer_name)}"
        "</b></p></td></tr></table>"
    )
    if d.appendix:
        parts.append(f'<p align="center"><b>{APPENDIX_TITLE}</b></p>')
        parts.append(f'<p align="center"><i>{escape(d.appendix_caption)}</i></p>')
        parts.append(table(d.appendix))
    parts.append("</body></html>")
    return "\n".join(parts).encode()
