"""DOCX output of the four seed documents, read back with python-docx and through LibreOffice."""

import functools
import html
import io
import re
import shutil
import subprocess
import time
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from portal.rendering.common import number_line, vietnamese_date_line
from portal.rendering.data import PrintData
from portal.rendering.docx import render_docx
from portal.sanitize import sanitize_html
from tests.portal import layout_docs
from tests.portal.import_helpers import KIND_TYPE_NAMES, import_text

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Header data the seeds do not carry, made up per seed: kind, parent line, issuer, number,
# place, date, draft.
SEED_HEADERS = {
    "bulletin-2024-02-doson.txt": (
        "bulletin",
        "QUẬN ỦY ĐỒ SƠN",
        "BAN TUYÊN GIÁO",
        "",
        "Đồ Sơn",
        None,
        True,
    ),
    "bulletin-2024-12-doson.txt": (
        "bulletin",
        "QUẬN ỦY ĐỒ SƠN",
        "BAN TUYÊN GIÁO",
        "24-BT/BTGQU",
        "Đồ Sơn",
        date(2024, 12, 2),
        False,
    ),
    "guidance-2024-haibatrung.txt": (
        "guidance",
        "QUẬN ỦY HAI BÀ TRƯNG",
        "BAN TUYÊN GIÁO",
        "127-HD/BTGQU",
        "Hà Nội",
        date(2024, 1, 5),
        False,
    ),
    "report-2023-q1-haiphong.txt": (
        "report",
        "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG",
        "THÀNH ỦY",
        "45-BC/TU",
        "Hải Phòng",
        date(2023, 4, 5),
        False,
    ),
}
SEED_NAMES = sorted(SEED_HEADERS)
REPORT = "report-2023-q1-haiphong.txt"
GUIDANCE = "guidance-2024-haibatrung.txt"


def seed_data(name: str) -> PrintData:
    kind, parent, issuer, number, place, issued_on, draft = SEED_HEADERS[name]
    result = import_text((SEEDS / name).read_text(encoding="utf-8"), kind)
    return PrintData(
        kind=kind,
        parent_line=parent,
        issuer_name=issuer,
        number=number,
        place=place,
        issued_on=issued_on,
        type_name=result.type_name or KIND_TYPE_NAMES[kind],
        title=result.title or "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 02 NĂM 2024",
        body_html=sanitize_html(result.body_html),  # as stored by the portal
        recipients=result.recipients,
        authority_line=result.authority_line,
        signer_title=result.signer_title,
        signer_name=result.signer_name,
        is_draft=draft,
        masthead=kind == "bulletin",
    )


_CACHE: dict[str, tuple[PrintData, bytes]] = {}


def rendered(name: str) -> tuple[PrintData, bytes]:
    if name not in _CACHE:
        data = seed_data(name)
        _CACHE[name] = (data, render_docx(data))
    return _CACHE[name]


def open_docx(blob: bytes):
    return Document(io.BytesIO(blob))


def part_xml(blob: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return etree.fromstring(archive.read(name))


def cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def body_footnote_texts(body_html: str) -> list[str]:
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    return [
        " ".join("".join(span.itertext()).split())
        for span in root.iter("span")
        if "footnote" in (span.get("class") or "").split()
    ]


def footnotes_of(blob: bytes) -> dict[int, str]:
    notes = {}
    for note in part_xml(blob, "word/footnotes.xml").iter(f"{W}footnote"):
        text = "".join(t.text or "" for t in note.iter(f"{W}t"))
        notes[int(note.get(f"{W}id"))] = " ".join(text.split())
    return notes


# ---- Word comparison ------------------------------------------------------------------

_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|td|th|tr|table|thead|tbody|blockquote|figure|figcaption|br)"
    r'\b[^>]*>|<span class="footnote">|</span>',
    re.I,
)
_TAG_RE = re.compile(r"<[^>]+>")


def words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    return set(re.sub(r"[^\w\s]", " ", text).split())


def body_words(body_html: str) -> set[str]:
    """Words of the body text, footnotes included (block and footnote boundaries are spaces,
    inline tags are not, so a word split by <strong> stays one word)."""
    text = _TAG_RE.sub("", _BLOCK_TAG_RE.sub(" ", body_html))
    return words(html.unescape(text))


# ---- Header, page, styles, properties -------------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_header_table(name):
    data, blob = rendered(name)
    doc = open_docx(blob)
    header = doc.tables[0]
    assert len(header.columns) == 2
    assert cell_lines(header.cell(0, 0)) == [data.parent_line, data.issuer_name, "*"]
    assert cell_lines(header.cell(0, 1)) == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    number = cell_lines(header.cell(1, 0))
    assert number == [number_line(data.number)]
    assert number[0].startswith("Số") and ":" not in number[0]
    if data.number:
        assert number[0] == f"Số {data.number}"
    assert cell_lines(header.cell(1, 1)) == [vietnamese_date_line(data.place, data.issued_on)]

    issuer_run = header.cell(0, 0).paragraphs[1].runs[0]
    assert issuer_run.bold and issuer_run.font.all_caps and issuer_run.font.size == Pt(14)
    party_run = header.cell(0, 1).paragraphs[0].runs[0]
    assert party_run.bold and party_run.underline and party_run.font.size == Pt(15)
    assert header.cell(1, 1).paragraphs[0].runs[0].italic
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_header_numbers_and_dates():
    data, blob = rendered("guidance-2024-haibatrung.txt")
    header = open_docx(blob).tables[0]
    assert header.cell(1, 0).text == "Số 127-HD/BTGQU"
    assert header.cell(1, 1).text == "Hà Nội, ngày 05 tháng 01 năm 2024"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_title_block(name):
    data, blob = rendered(name)
    paragraphs = open_docx(blob).paragraphs
    texts = [p.text for p in paragraphs]
    start = texts.index(data.type_name)
    assert texts[start + 1 : start + 3] == [data.title, "-----"]
    type_run = paragraphs[start].runs[0]
    assert type_run.bold
    assert type_run.font.size == (Pt(32) if data.kind == "bulletin" else Pt(16))
    assert paragraphs[start].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraphs[start + 1].runs[0].bold


def test_page_setup_and_page_numbers():
    _, blob = rendered(GUIDANCE)
    doc = open_docx(blob)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = (section.top_margin, section.bottom_margin, section.left_margin)
    assert [round(m.mm) for m in (*margins, section.right_margin)] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    header_xml = etree.tostring(section.header._element, encoding="unicode")
    assert "PAGE" in "".join(section.header._element.itertext())
    assert 'w:fldCharType="begin"' in header_xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in "".join(section.first_page_header._element.itertext())
    assert len(doc.sections) == 1


def test_draft_mark_on_first_page_only():
    data, blob = rendered("bulletin-2024-02-doson.txt")
    assert data.is_draft
    section = open_docx(blob).sections[0]
    assert section.first_page_header.paragraphs[0].text == "DỰ THẢO"
    assert "DỰ THẢO" not in "".join(section.header._element.itertext())


def test_styles_font_size_spacing_language():
    _, blob = rendered(GUIDANCE)
    doc = open_docx(blob)
    styles = part_xml(blob, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts = defaults.find(f"{W}rFonts")
    assert {fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {
        "Times New Roman"
    }
    assert defaults.find(f"{W}lang").get(f"{W}val") == "vi-VN"
    assert defaults.find(f"{W}sz").get(f"{W}val") == "28"

    body = doc.styles["Body Text"]
    pf = body.paragraph_format
    assert body.font.size == Pt(14)
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(pf.first_line_indent - Mm(10)) < Mm(0.1)
    assert pf.line_spacing == Pt(20)
    body_paragraphs = [p for p in doc.paragraphs if p.style.name == "Body Text"]
    assert len(body_paragraphs) > 50
    assert doc.styles["Heading 1"].font.bold
    assert doc.styles["Heading 1"].font.size == Pt(14)


def test_core_properties():
    data, blob = rendered(GUIDANCE)
    props = open_docx(blob).core_properties
    assert props.title == data.title
    assert props.author == "BAN TUYÊN GIÁO QUẬN ỦY HAI BÀ TRƯNG"
    assert props.subject == f"Số 127-HD/BTGQU – {data.title}"
    assert props.language == "vi-VN"


# ---- Body: footnotes, appendix, closing -----------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_footnotes_are_real_word_footnotes(name):
    data, blob = rendered(name)
    expected = body_footnote_texts(data.body_html)
    notes = footnotes_of(blob)
    assert notes.keys() >= {-1, 0}  # separator and continuation separator
    real = {k: v for k, v in notes.items() if k > 0}
    assert len(real) == len(expected)
    if name == REPORT:
        assert len(real) == 27
    if name == GUIDANCE:
        assert len(real) == 9
    assert sorted(real) == list(range(1, len(expected) + 1))
    # Footnote k holds the text of the k-th footnote span.
    assert [real[k] for k in sorted(real)] == expected

    document = part_xml(blob, "word/document.xml")
    refs = list(document.iter(f"{W}footnoteReference"))
    assert [int(r.get(f"{W}id")) for r in refs] == sorted(real)
    for ref in refs:
        rPr = ref.getparent().find(f"{W}rPr")
        assert rPr.find(f"{W}rStyle").get(f"{W}val") == "FootnoteReference"
        assert rPr.find(f"{W}vertAlign").get(f"{W}val") == "superscript"

    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        content_types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert "wordprocessingml.footnotes+xml" in content_types
    assert "relationships/footnotes" in rels


def test_report_appendix_table_and_landscape_section():
    data, blob = rendered(REPORT)
    doc = open_docx(blob)
    appendix = doc.tables[-1]
    assert len(appendix.columns) == 7

    source = lxml.html.fragment_fromstring(data.body_html, create_parent="div").find(".//table")
    source_rows = source.findall(".//tr")
    assert len(appendix.rows) == len(source_rows)
    header_flags = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in appendix.rows]
    assert header_flags == [True] + [False] * (len(source_rows) - 1)

    numeric = 0
    for r, tr in enumerate(source_rows):
        for c, cell_el in enumerate(tr):
            cell = appendix.cell(r, c)
            assert cell.text == " ".join("".join(cell_el.itertext()).split())
            alignment = cell.paragraphs[0].alignment
            if "num" in (cell_el.get("class") or ""):
                numeric += 1
                assert alignment == WD_ALIGN_PARAGRAPH.RIGHT
            elif cell_el.tag == "th":
                assert alignment == WD_ALIGN_PARAGRAPH.CENTER
            else:
                assert alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert numeric == 68
    borders = appendix._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}

    assert len(doc.sections) == 2
    first, last = doc.sections
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert last.orientation == WD_ORIENT.LANDSCAPE
    assert last.page_width > last.page_height
    assert abs(last.page_width - Mm(297)) < Mm(0.1)
    # The appendix section keeps the page numbers (inherited header, no distinct first page).
    assert not last.different_first_page_header_footer
    assert last.header.is_linked_to_previous

    # PHỤ LỤC heads the landscape section; the signature comes before it.
    body = doc.element.body
    children = list(body)
    heading = next(p for p in doc.paragraphs if p.text == "PHỤ LỤC")
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    closing_index = children.index(doc.tables[1]._tbl)
    break_index = next(
        i for i, el in enumerate(children) if el.find(f"{W}pPr/{W}sectPr") is not None
    )
    assert closing_index < break_index < children.index(heading._p)
    assert children.index(heading._p) < children.index(appendix._tbl)


def test_portrait_appendix_is_a_page_break():
    data = replace(
        seed_data(GUIDANCE),
        body_html=(
            '<p>Nội dung.</p><h2 class="appendix">PHỤ LỤC</h2>'
            "<table><thead><tr><th>TT</th><th>Đơn vị</th></tr></thead>"
            '<tbody><tr><td class="num">1</td><td>Chi bộ 1</td></tr></tbody></table>'
        ),
    )
    doc = open_docx(render_docx(data))
    assert len(doc.sections) == 1
    heading = next(p for p in doc.paragraphs if p.text == "PHỤ LỤC")
    assert heading.paragraph_format.page_break_before


def test_guidance_closing_table():
    data, blob = rendered(GUIDANCE)
    closing = open_docx(blob).tables[-1]
    left = closing.cell(0, 0).paragraphs
    assert left[0].text == "Nơi nhận:"
    label = left[0].runs[0]
    assert label.underline and label.font.size == Pt(14)
    assert not label.bold and not label.italic
    assert [p.text for p in left[1:]] == [f"- {r}" for r in data.recipients]
    assert all(p.runs[0].font.size == Pt(12) for p in left[1:])
    right = [p for p in closing.cell(0, 1).paragraphs]
    texts = [p.text for p in right]
    assert texts[0] == "K/T TRƯỞNG BAN" and right[0].runs[0].bold
    assert texts[1] == "PHÓ TRƯỞNG BAN" and not right[1].runs[0].bold
    assert texts[-1] == "Ngô Hồng Anh" and right[-1].runs[0].bold
    assert texts[2:-1] == ["", "", "", ""]
    borders = closing._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_body_word_is_in_the_docx(name):
    data, blob = rendered(name)
    document = part_xml(blob, "word/document.xml")
    text = " ".join(t.text or "" for t in document.iter(f"{W}t"))
    text += " " + " ".join(footnotes_of(blob).values())
    missing = sorted(body_words(data.body_html) - words(text))
    assert not missing


def test_inline_and_block_markup():
    body = (
        "<h3>1. Đề <em>mục</em></h3>"
        "<p>Chữ <strong>đậm</strong>, <em>nghiêng</em>, <u>gạch</u>, m<sup>2</sup>, "
        'H<sub>2</sub>O, <a href="https://example.org">liên kết</a><img src="/media/images/x.png">'
        '<br>dòng mới<span class="footnote">Chú <em>thích</em>.</span></p>'
        "<ul><li>Một</li><li>Hai<ol><li>Con</li></ol></li></ul>"
        "<blockquote><p>Trích dẫn</p></blockquote>"
        '<table><tr><th colspan="2">Gộp</th></tr><tr><td rowspan="2">A</td><td>B</td></tr>'
        "<tr><td>C</td></tr></table>"
    )
    doc = open_docx(render_docx(replace(seed_data(GUIDANCE), body_html=body)))
    texts = [p.text for p in doc.paragraphs]
    heading = doc.paragraphs[texts.index("1. Đề mục")]
    assert heading.style.name == "Heading 2" and all(r.bold for r in heading.runs)
    para = next(p for p in doc.paragraphs if p.text.startswith("Chữ đậm"))
    assert para.text == "Chữ đậm, nghiêng, gạch, m2, H2O, liên kết\ndòng mới"
    runs = {r.text: r for r in para.runs}
    assert runs["đậm"].bold and runs["nghiêng"].italic and runs["gạch"].underline
    assert runs["2"].font.superscript or runs["2"].font.subscript
    assert "• Một" in texts and "• Hai" in texts and "1. Con" in texts
    quote = doc.paragraphs[texts.index("Trích dẫn")]
    assert quote.paragraph_format.left_indent > 0
    table = doc.tables[1]
    assert table.cell(0, 0).text == "Gộp" and table.cell(0, 1).text == "Gộp"
    assert table.cell(1, 0).text == "A" and table.cell(2, 0).text == "A"
    assert table.cell(2, 1).text == "C"
    assert footnotes_of(render_docx(replace(seed_data(GUIDANCE), body_html=body)))[1] == (
        "Chú thích."
    )


# ---- LibreOffice ----------------------------------------------------------------------

CLOSING_WORDS = (0, 40, 90, 140)  # each put the closing alone on page 3 before the fix
ROW_COUNTS = (21, 43)  # put one row alone on the last page before the fix

needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="LibreOffice (libreoffice-writer-nogui) or poppler-utils not installed",
)


# Documents made to fall on page breaks (tests/portal/layout_docs.py), converted in the same
# LibreOffice run as the seeds.
LAYOUT_DOCS = {
    **{f"closing-{words}": functools.partial(layout_docs.closing_after, words)
       for words in CLOSING_WORDS},
    **{f"rows-{count}": functools.partial(layout_docs.table_rows, count) for count in ROW_COUNTS},
    "spans": layout_docs.spans,
}  # fmt: skip


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The report, the guidance and the layout documents converted to PDF by LibreOffice, in
    one process: name → (data, pdf, completed process, seconds for the whole run)."""
    root = tmp_path_factory.mktemp("docx-lo")
    profile = (root / "profile").as_uri()
    documents = {name: rendered(name) for name in (REPORT, GUIDANCE)}
    for name, make in LAYOUT_DOCS.items():
        data = make()
        documents[name] = (data, render_docx(data))
    sources = {}
    for name, (_, blob) in documents.items():
        source = root / f"{name.removesuffix('.txt')}.docx"
        source.write_bytes(blob)
        sources[name] = source
    started = time.perf_counter()
    completed = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root),
            *map(str, sources.values()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    return {
        name: (documents[name][0], source.with_suffix(".pdf"), completed, seconds)
        for name, source in sources.items()
    }


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", out)]


@needs_soffice
@pytest.mark.parametrize("name", [REPORT, GUIDANCE])
def test_libreoffice_converts(converted, name):
    _, pdf, completed, _ = converted[name]
    assert completed.returncode == 0, completed.stderr
    assert pdf.is_file() and pdf.stat().st_size > 10_000, completed.stdout + completed.stderr
    sizes = page_sizes(pdf)
    assert len(sizes) >= 3
    width, height = sizes[0]
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 portrait
    if name == REPORT:
        assert sizes[-1][0] > sizes[-1][1]  # the appendix page is landscape
    else:
        assert all(w < h for w, h in sizes)


@needs_soffice
@pytest.mark.parametrize("name", [REPORT, GUIDANCE])
def test_libreoffice_keeps_each_header_line_on_one_line(converted, name):
    data, pdf, _, _ = converted[name]
    first = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    lines = [" ".join(line.split()) for line in first.splitlines()]
    for text in (data.parent_line, "ĐẢNG CỘNG SẢN VIỆT NAM", f"Số {data.number}",
                 vietnamese_date_line(data.place, data.issued_on)):  # fmt: skip
        assert any(text in line for line in lines), (text, lines[:8])


@needs_soffice
@pytest.mark.parametrize("name", [REPORT, GUIDANCE])
def test_libreoffice_pdf_has_every_body_word(converted, name):
    data, pdf, _, _ = converted[name]
    assert pdf.is_file()
    text = pdf_text(pdf)
    missing = sorted(body_words(data.body_html) - words(text))
    assert not missing, f"{len(missing)} words missing: {missing[:40]}"
    # Page numbers from page 2: the second page starts with "2".
    pages = text.split("\f")
    assert pages[1].strip().startswith("2")
    assert not pages[0].strip().startswith("1")


# ---- Layout in LibreOffice: where page 1 starts, page breaks, footnotes, spans ---------

WORD_RE = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def page_words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """The words of one page with their boxes (pdftotext -bbox), in reading order."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return [(*map(float, m[:4]), html.unescape(m[4])) for m in WORD_RE.findall(out)]


def page_texts(pdf: Path) -> list[str]:
    """Each page's text with its whitespace collapsed."""
    return [" ".join(page.split()) for page in pdf_text(pdf).split("\f") if page.strip()]


@needs_soffice
@pytest.mark.parametrize("name", [REPORT, GUIDANCE])
def test_libreoffice_starts_page_one_where_the_pdf_does(converted, name, tmp_path):
    from portal.rendering.pdf import render_pdf

    data, word_pdf, _, _ = converted[name]
    pdf = tmp_path / "weasyprint.pdf"
    pdf.write_bytes(render_pdf(data))
    for page in (1, 2):
        word_first, pdf_first = page_words(word_pdf, page)[0], page_words(pdf, page)[0]
        if page == 2:  # the page number, centred in the top margin
            assert word_first[4] == pdf_first[4] == "2"
        assert abs(word_first[1] - pdf_first[1]) < 3, (page, word_first, pdf_first)
    # The text under the header: the same first word on page 2, so the same page breaks.
    assert page_words(word_pdf, 2)[1][4] == page_words(pdf, 2)[1][4]


def footnote_calls(body_html: str) -> list[tuple[str, str]]:
    """(the three words before each footnote call, the first four words of its note)."""
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    marker = "\u2063"  # stands where each call is in the text
    notes = []
    for note in [el for el in root.iter("span") if "footnote" in (el.get("class") or "")]:
        notes.append(" ".join(note.text_content().split()[:4]))
        for child in list(note):
            note.remove(child)
        note.text = marker
    plain = " ".join(root.text_content().split())
    before = [" ".join(part.split()[-3:]) for part in plain.split(marker)[:-1]]
    return list(zip(before, notes, strict=True))


@needs_soffice
@pytest.mark.parametrize("name", [REPORT, GUIDANCE])
def test_libreoffice_prints_each_footnote_on_the_page_of_its_call(converted, name):
    data, pdf, _, _ = converted[name]
    pages = page_texts(pdf)
    calls = footnote_calls(data.body_html)
    assert len(calls) >= 9
    for before, note in calls:
        call_pages = {i for i, page in enumerate(pages) if before in page}
        note_pages = {i for i, page in enumerate(pages) if note in page}
        assert call_pages & note_pages, (before, note, call_pages, note_pages)


@needs_soffice
@pytest.mark.parametrize("words", CLOSING_WORDS)
def test_libreoffice_never_leaves_the_closing_alone_on_a_page(converted, words):
    _, pdf, _, _ = converted[f"closing-{words}"]
    page = next(page for page in page_texts(pdf) if "Nơi nhận:" in page)
    text = page.split("Nơi nhận:")[0]
    assert layout_docs.LAST_WORDS in text  # the end of the text came with it


@needs_soffice
@pytest.mark.parametrize("count", ROW_COUNTS)
def test_libreoffice_never_leaves_one_table_row_alone_on_a_page(converted, count):
    _, pdf, _, _ = converted[f"rows-{count}"]
    pages = [page for page in page_texts(pdf) if "Chỉ tiêu số" in page]
    assert len(pages) >= 2
    assert sum(page.count("Chỉ tiêu số") for page in pages) == count
    for page in pages:
        assert page.count("Chỉ tiêu số") >= 2
        assert "Đơn vị tính" in page  # the header row repeated


def spanned_across(words: list, top: str, left: str, right: str) -> bool:
    """Whether the word ``top`` is centred over the columns of ``left`` and ``right``."""
    boxes = {word[4]: word for word in reversed(words)}  # the first of each word

    def centre(word: str) -> float:
        return (boxes[word][0] + boxes[word][2]) / 2

    return centre(left) < centre(top) < centre(right)


@needs_soffice
def test_libreoffice_shows_merged_cells_once_across_their_columns(converted):
    _, pdf, _, _ = converted["spans"]
    text = page_texts(pdf)[0]
    for phrase in ("Số đảng viên", "Sáp nhập vào chi bộ số 1", "Đầu kỳ", "Cuối kỳ"):
        assert text.count(phrase) == 1, phrase
    assert spanned_across(page_words(pdf, 1), "đảng", "Đầu", "Cuối")


# ---- The Word file's own flags for the same ---------------------------------------------


def test_merged_cells_are_word_spans():
    blob = render_docx(layout_docs.spans())
    table = open_docx(blob).tables[1]  # after the header table
    cells = table._tbl.iter(qn("w:tc"))
    spans = {}
    for tc in cells:
        text = "".join(t.text for t in tc.iter(f"{W}t")).strip()
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        merge = tc.find(f"{W}tcPr/{W}vMerge")
        spans.setdefault(text, []).append(
            (span.get(qn("w:val")) if span is not None else None,
             merge.get(qn("w:val"), "continue") if merge is not None else None)
        )  # fmt: skip
    assert spans["Số đảng viên"] == [("2", None)]
    assert spans["Sáp nhập vào chi bộ số 1"] == [("2", None)]
    assert spans["TT"] == [(None, "restart")]
    assert spans["1"] == [(None, "restart")]
    assert spans[""] == [(None, "continue")] * 3  # the cells the spans cover
    assert len(table.columns) == 4


def keeps_with_next(paragraph_element) -> bool:
    return paragraph_element.find(f"{W}pPr/{W}keepNext") is not None


def test_the_closing_is_kept_with_the_last_paragraph():
    document = open_docx(render_docx(layout_docs.closing_after(0)))
    closing = document.tables[-1]._tbl
    spacer = closing.getprevious()
    last = spacer.getprevious()
    assert layout_docs.LAST_WORDS in "".join(last.itertext())
    assert keeps_with_next(last) and keeps_with_next(spacer)
    assert closing.find(f"{W}tr/{W}trPr/{W}cantSplit") is not None


def test_long_tables_keep_their_first_two_and_last_two_rows_together():
    document = open_docx(render_docx(layout_docs.table_rows(21)))
    rows = document.tables[-1].rows
    assert rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    kept = [i for i, row in enumerate(rows) if all(map(keeps_with_next, row._tr.iter(f"{W}p")))]
    assert kept == [1, len(rows) - 2]


def test_header_content_is_framed_out_of_the_flow():
    document = open_docx(render_docx(replace(layout_docs.closing_after(0), is_draft=True)))
    section = document.sections[0]
    for header in (section.header, section.first_page_header):
        framed, flow = header.paragraphs
        assert framed._p.find(f"{W}pPr/{W}framePr") is not None
        assert flow.paragraph_format.line_spacing == Pt(1)
