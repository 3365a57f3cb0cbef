"""Tests for the Word importer: the seeds through render_docx and back, refusals, properties."""

import io
import re
import unicodedata
import zipfile
from functools import cache
from io import StringIO
from pathlib import Path

import lxml.html
import mammoth
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.importing import ImportRefused, ImportResult, detect_format
from portal.models import Document
from portal.rendering.data import PrintData
from portal.rendering.docx import render_docx
from portal.sanitize import sanitize_html
from portal.services.imports import document_import
from tests.portal.import_helpers import KIND_TYPE_NAMES, import_docx, import_text, import_upload
from tests.portal.test_importer import SEED_KINDS, result_text, seed, words

SEED_NAMES = sorted(SEED_KINDS)
REPORT = "report-2023-q1-haiphong.txt"
GUIDANCE = "guidance-2024-haibatrung.txt"
HEADERS = {
    "bulletin-2024-02-doson.txt": ("QUẬN ỦY ĐỒ SƠN", "BAN TUYÊN GIÁO", "", "Đồ Sơn"),
    "bulletin-2024-12-doson.txt": ("QUẬN ỦY ĐỒ SƠN", "BAN TUYÊN GIÁO", "24-BT/BTGQU", "Đồ Sơn"),
    GUIDANCE: ("QUẬN ỦY HAI BÀ TRƯNG", "BAN TUYÊN GIÁO", "127-HD/BTGQU", "Hà Nội"),
    REPORT: ("ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", "THÀNH ỦY", "45-BC/TU", "Hải Phòng"),
}


@cache
def seed_pair(name: str) -> tuple[ImportResult, ImportResult, PrintData]:
    """The seed imported as text, and as the .docx render_docx writes from that import."""
    kind = SEED_KINDS[name]
    text_result = import_text(seed(name), kind)
    parent, issuer, number, place = HEADERS[name]
    data = PrintData(
        kind=kind,
        parent_line=parent,
        issuer_name=issuer,
        number=number,
        place=place,
        issued_on=None,
        type_name=text_result.type_name or KIND_TYPE_NAMES[kind],
        title=text_result.title or "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 02 NĂM 2024",
        body_html=sanitize_html(text_result.body_html),
        recipients=text_result.recipients,
        authority_line=text_result.authority_line,
        signer_title=text_result.signer_title,
        signer_name=text_result.signer_name,
        masthead=kind == "bulletin",
    )
    return text_result, import_docx(render_docx(data), kind), data


def outline(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(item.level, item.number, item.text) for item in result.outline]


def footnotes(result: ImportResult) -> list[str]:
    root = lxml.html.fragment_fromstring(result.body_html or "<p></p>", create_parent="div")
    return [
        " ".join(span.text_content().split())
        for span in root.iter("span")
        if span.get("class") == "footnote"
    ]


def visible_text(result: ImportResult) -> str:
    """result_text with emphasis tags removed in place (a run may end mid-word)."""
    return result_text(
        ImportResult(
            **{**vars(result), "body_html": re.sub(r"</?(em|strong)>", "", result.body_html)}
        )
    )


def docx_words(text: str) -> set[str]:
    """Words as the text tests count them; '¦' stands for a '|' typed in a table cell."""
    return words(text.replace("¦", " "))


def word_file(build) -> bytes:
    """Bytes of a python-docx document that ``build(document)`` filled.

    The default template's 100 table styles are dropped (Word files carry a few): mammoth
    would spend 0.3 s reading them for each generated document.
    """
    document = WordDocument()
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) != "TableNormal":
            styles.remove(style)
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def lighter(blob: bytes) -> bytes:
    """A rendered .docx without its unused table styles (see word_file)."""

    def drop_table_styles(xml: str) -> str:
        return re.sub(
            r'<w:style w:type="table"(?:(?!</w:style>).)*?</w:style>',
            lambda m: m.group(0) if 'w:styleId="TableNormal"' in m.group(0) else "",
            xml,
            flags=re.S,
        )

    return replace_part(blob, "word/styles.xml", drop_table_styles)


def replace_part(blob: bytes, name: str, edit) -> bytes:
    """The .docx with one part's text changed by ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == name:
                content = edit(content.decode()).encode()
            target.writestr(entry, content)
    return out.getvalue()


# -- the seeds, through render_docx and back -----------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_docx_has_the_same_outline_and_footnotes_as_the_text(name):
    text_result, docx_result, _ = seed_pair(name)
    assert outline(docx_result) == outline(text_result)
    assert docx_result.footnote_count == text_result.footnote_count
    assert footnotes(docx_result) == footnotes(text_result)
    assert "unplaced" not in docx_result.body_html
    assert (docx_result.recipients, docx_result.signer_name) == (
        text_result.recipients,
        text_result.signer_name,
    )
    assert (docx_result.authority_line, docx_result.signer_title) == (
        text_result.authority_line,
        text_result.signer_title,
    )


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_docx_keeps_type_title_and_reports_the_header(name):
    text_result, docx_result, data = seed_pair(name)
    assert docx_result.type_name == data.type_name
    assert docx_result.title == data.title
    if text_result.title:
        assert docx_result.title == text_result.title
    header = next(n for n in docx_result.report if n.startswith("Phần đầu văn bản"))
    assert data.parent_line in header and data.issuer_name in header
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in docx_result.body_html


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_docx_keeps_every_word(name):
    text_result, docx_result, _ = seed_pair(name)
    text_result = ImportResult(**{**vars(text_result), "report": []})  # its notes differ
    assert docx_words(result_text(text_result)) - docx_words(result_text(docx_result)) == set()


def test_report_seed_docx_footnotes_and_indicator_table():
    _, result, _ = seed_pair(REPORT)
    assert result.footnote_count == 27
    table = re.search(r"<table>.*?</table>", result.body_html, re.S).group(0)
    head = re.findall(r"<th>(.*?)</th>", table)
    assert head[:3] == ["TT", "Chỉ tiêu", "Đơn vị tính"] and len(head) == 7
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    first_cells = [re.match(r"<td[^>]*>(.*?)</td>", row).group(1) for row in rows]
    assert [c for c in first_cells if c] == [str(n) for n in range(1, 9)]
    assert '<td class="num">116.442,134</td>' in table
    assert "<td><em>Bao gồm:</em></td>" in table
    assert len(result.recipients) == 9 and result.signer_name == "Đỗ Mạnh Hiến"


def test_guidance_seed_docx_signature_and_footnote_places():
    _, result, _ = seed_pair(GUIDANCE)
    assert result.footnote_count == 9
    assert (result.authority_line, result.signer_title, result.signer_name) == (
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Ngô Hồng Anh",
    )
    assert 'trên địa bàn quận<span class="footnote">- Dự án xây dựng đường nối' in (
        result.body_html
    )
    # Notes name the place in the Word file, not a line of an intermediate text.
    assert all(not n.startswith("Dòng ") for n in result.report)
    assert any(re.match(r"Đoạn [0-9]+: phần 'Nơi nhận:'", n) for n in result.report)


def test_known_differences_between_the_seed_and_its_docx_are_formatting_only():
    """The only body differences: '* ' items (marker not printed) and a bold appendix title."""
    for name in SEED_NAMES:
        text_result, docx_result, _ = seed_pair(name)
        text_body = sanitize_html(text_result.body_html)
        docx_body = sanitize_html(docx_result.body_html)
        text_body = text_body.replace('<p class="item-dash">', "<p>")
        docx_body = docx_body.replace('<p class="item-dash">', "<p>")
        docx_body = re.sub(
            r'(<p class="appendix-title">)<strong>(.*?)</strong>(</p>)', r"\1\2\3", docx_body
        )
        assert docx_body == text_body, name


# -- Word features: numbering, emphasis, footnotes, tables ---------------------------------

MULTILEVEL = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
    '<w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%2."/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%2.%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="%4)"/></w:lvl>'
    '<w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="-"/></w:lvl>'
    "</w:abstractNum>"
)


def numbered(paragraph, level: int, num_id: int = 90) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def multilevel_document(document) -> None:
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(MULTILEVEL))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("kết quả quý I")
    for level, text in [
        (0, "KẾT QUẢ"),
        (1, "Về công tác xây dựng Đảng"),
        (2, "Công tác chính trị"),
        (2, "Công tác tổ chức"),
        (3, "Ý thứ nhất"),
        (3, "Ý thứ hai"),
        (4, "gạch đầu dòng"),
        (1, "Về kinh tế"),
        (0, "NHIỆM VỤ"),
        (1, "Nhiệm vụ đầu"),
    ]:
        numbered(document.add_paragraph(text), level)


def test_automatic_word_numbering_keeps_its_visible_numbers():
    result = import_docx(word_file(multilevel_document), "report")
    assert outline(result) == [
        (1, "I", "KẾT QUẢ"),
        (2, "1", "Về công tác xây dựng Đảng"),
        (3, "1.1", "Công tác chính trị"),
        (3, "1.2", "Công tác tổ chức"),
        (4, "a", "Ý thứ nhất"),
        (4, "b", "Ý thứ hai"),
        (2, "2", "Về kinh tế"),
        (1, "II", "NHIỆM VỤ"),
        (2, "1", "Nhiệm vụ đầu"),
    ]
    assert '<p class="item-dash">- gạch đầu dòng</p>' in result.body_html
    assert result.title == "kết quả quý I"


def test_list_styles_of_the_default_template_are_numbered():
    def build(document):
        document.add_paragraph("Mở đầu.")
        for text in ("Câu thứ nhất.", "Câu thứ hai."):
            document.add_paragraph(text, style="List Number")
        document.add_paragraph("Ý gạch đầu dòng", style="List Bullet")

    body = import_docx(word_file(build), "guidance").body_html
    assert '<p class="item-num">1. Câu thứ nhất.</p>' in body
    assert '<p class="item-num">2. Câu thứ hai.</p>' in body
    assert '<p class="item-dash">- Ý gạch đầu dòng</p>' in body


def test_word_numbering_that_skips_is_reported_with_its_paragraph():
    def build(document):
        document.add_paragraph("I. MỘT")
        document.add_paragraph("1. Mục một")
        document.add_paragraph("3. Mục ba")
        document.add_paragraph("III. BA")

    result = import_docx(word_file(build), "guidance")
    assert "Đoạn 3: số thứ tự '3' không liền sau '1' (thiếu 2)" in result.report
    assert "Đoạn 4: số thứ tự 'III' không liền sau 'I' (thiếu II)" in result.report


def huge_start_document(document) -> None:
    """A list whose levels start at absurd numbers, as a hostile .docx may declare."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91">'
            '<w:lvl w:ilvl="0"><w:start w:val="1000000000000"/><w:numFmt w:val="upperRoman"/>'
            '<w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="200000000"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="%2)"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="-5"/><w:numFmt w:val="upperLetter"/>'
            '<w:lvlText w:val="%3."/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/>'
            '<w:lvlOverride w:ilvl="2"><w:startOverride w:val="99999999999"/></w:lvlOverride>'
            "</w:num>"
        )
    )
    numbered(document.add_paragraph("MỞ ĐẦU"), 0, num_id=91)
    for index in range(20):
        numbered(document.add_paragraph(f"ý số {index}"), 1, num_id=91)
    numbered(document.add_paragraph("Mục con"), 2, num_id=91)
    numbered(document.add_paragraph("KẾT LUẬN"), 0, num_id=91)


def test_list_numbers_starting_at_huge_values_are_capped():
    result = import_docx(word_file(huge_start_document), "report")
    assert "MMMMMMMMMM. MỞ ĐẦU" in result.body_html
    assert "MMMMMMMMMMI. KẾT LUẬN" in result.body_html
    for index in range(20):
        label = re.search(rf"(\S+) ý số {index}\b", result.body_html).group(1)
        assert label.endswith(")") and len(label) <= 40, label
    assert re.search(r"\b[A-Z]{1,40}\. Mục con", result.body_html)


def test_bold_and_italic_runs_are_kept_and_numbers_leave_the_bold():
    def build(document):
        heading = document.add_paragraph()
        heading.add_run("I. MỤC ĐÍCH, YÊU CẦU").bold = True
        paragraph = document.add_paragraph("Đoạn có ")
        paragraph.add_run("chữ đậm").bold = True
        paragraph.add_run(", chữ ")
        paragraph.add_run("nghiêng").italic = True
        paragraph.add_run(", cả ")
        both = paragraph.add_run("hai")
        both.bold = both.italic = True
        paragraph.add_run(" và nửa từ nghi")
        paragraph.add_run("êng").italic = True
        paragraph.add_run(".")

    result = import_docx(word_file(build), "guidance")
    assert outline(result) == [(1, "I", "MỤC ĐÍCH, YÊU CẦU")]
    assert '<h2 id="h-1">I. <strong>MỤC ĐÍCH, YÊU CẦU</strong></h2>' in result.body_html
    assert (
        "<p>Đoạn có <strong>chữ đậm</strong>, chữ <em>nghiêng</em>, cả "
        "<strong><em>hai</em></strong> và nửa từ nghi<em>êng</em>.</p>"
    ) in result.body_html


def test_table_without_header_row_and_with_merged_cells():
    def build(document):
        table = document.add_table(rows=3, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"ô {r}{c}"
        table.cell(1, 0).merge(table.cell(1, 1))
        table.cell(1, 0).text = "gộp | ống"

    result = import_docx(word_file(build), "report")
    table = re.search(r"<table>.*?</table>", result.body_html, re.S).group(0)
    assert "<thead>" not in table
    assert table.count("<tr>") == 3
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    assert [row.count("<td") for row in rows] == [3, 2, 3]
    assert '<td colspan="2">gộp ¦ ống</td>' in table
    assert "Bảng 1, hàng 1: bảng không có dòng tiêu đề chuẩn (|---|); mọi dòng là dữ liệu" in (
        result.report
    )


def test_a_word_table_wider_than_50_columns_becomes_paragraphs():
    def build(document):
        table = document.add_table(rows=2, cols=60)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"ô{r}x{c}"

    result = import_docx(word_file(build), "report")
    assert "<table>" not in result.body_html and "---" not in result.body_html
    assert "<p>ô0x0</p>" in result.body_html and "<p>ô1x59</p>" in result.body_html
    assert "Bảng có 60 cột (quá 50): chữ của từng ô được nhập thành đoạn văn" in result.report


def test_footnote_in_a_table_cell_and_manual_superscript_notes():
    body = (
        "<p>Đoạn gọi chú thích<sup>3</sup> viết tay.</p><p><sup>3</sup> Chú thích viết tay.</p>"
        "<table><tbody><tr><td>Ô có chú thích"
        '<span class="footnote">Chú thích trong bảng.</span></td><td>1</td></tr></tbody></table>'
    )
    data = PrintData(
        kind="report",
        parent_line="THÀNH ỦY",
        issuer_name="BAN TUYÊN GIÁO",
        number="",
        place="Hải Phòng",
        issued_on=None,
        type_name="BÁO CÁO",
        title="tiêu đề",
        body_html=body,
    )
    result = import_docx(render_docx(data), "report")
    assert result.footnote_count == 2
    assert 'Đoạn gọi chú thích<span class="footnote">Chú thích viết tay.</span>' in (
        result.body_html
    )
    assert 'Ô có chú thích<span class="footnote">Chú thích trong bảng.</span>' in (result.body_html)


def test_word_footnote_without_a_call_is_reported_not_lost():
    def drop_call(xml: str) -> str:
        return re.sub(r"<w:r>(?:(?!<w:r>).)*?<w:footnoteReference[^>]*/></w:r>", "", xml)

    body = '<p>Đoạn có chú thích<span class="footnote">Nội dung mồ côi.</span>.</p>'
    data = PrintData("report", "A", "B", "", "C", None, "BÁO CÁO", "tiêu đề", body)
    blob = replace_part(render_docx(data), "word/document.xml", drop_call)
    result = import_docx(blob, "report")
    assert result.footnote_count == 0
    assert '<p class="unplaced">¹ Nội dung mồ côi.</p>' in result.body_html
    assert "Chú thích 1: nội dung chú thích ¹ không có lời gọi tương ứng" in result.report


def test_page_headers_comments_and_tracked_changes_are_reported():
    def build(document):
        document.sections[0].header.paragraphs[0].text = "MẬT - lưu hành nội bộ"
        document.sections[0].footer.paragraphs[0].text = "7"
        paragraph = document.add_paragraph("Đoạn có nhận xét.")
        document.add_comment(paragraph.runs, text="Sửa lại câu này", author="A")
        changed = document.add_paragraph("Đoạn có ")
        changed._p.append(
            parse_xml(
                f'<w:ins {nsdecls("w")} w:id="91" w:author="A" w:date="2024-01-01T00:00:00Z">'
                "<w:r><w:t>chữ chèn</w:t></w:r></w:ins>"
            )
        )
        document.add_paragraph("| không phải bảng |")

    result = import_docx(word_file(build), "report")
    assert "Đầu trang/chân trang không đưa vào nội dung: MẬT - lưu hành nội bộ" in result.report
    assert "Nhận xét (comment) trong tệp Word không được nhập: Sửa lại câu này" in result.report
    assert any(n.startswith("Tệp Word còn thay đổi chưa chấp nhận") for n in result.report)
    assert "<p>Đoạn có chữ chèn</p>" in result.body_html
    assert "<table>" not in result.body_html and "<p>¦ không phải bảng |</p>" in result.body_html


def test_a_paragraph_of_many_alternating_runs_imports_quickly():
    def build(document):
        paragraph = document.add_paragraph()
        for index in range(5000):
            paragraph.add_run(f"từ{index} ").bold = index % 2 == 0

    blob = word_file(build)
    result = import_docx(blob, "report")
    assert result.body_html.count("<strong>") == 2500


# -- nothing outside the file is read ------------------------------------------------------

LINKED_PICTURE = (
    f"<w:r {nsdecls('w', 'a', 'pic', 'r', 'wp')}><w:drawing><wp:inline>"
    '<wp:extent cx="100" cy="100"/><wp:docPr id="7" name="x" descr="ảnh liên kết"/>'
    "<a:graphic><a:graphicData "
    'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
    '<pic:nvPicPr><pic:cNvPr id="7" name="x"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:{attr}="{rid}"/></pic:blipFill><pic:spPr/></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
)


def linked_images_document(tmp_path: Path) -> bytes:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG BIMATNOIBO")

    def build(document):
        paragraph = document.add_paragraph("Ảnh: ")
        for target in ("file:///etc/passwd", secret.as_uri(), "http://127.0.0.1:9/x.png"):
            rid = document.part.relate_to(target, RT.IMAGE, is_external=True)
            paragraph._p.append(parse_xml(LINKED_PICTURE.format(attr="link", rid=rid)))
        paragraph.add_run(" hết.")
        document.add_picture(io.BytesIO(_png()))

    return word_file(build)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_linked_and_embedded_images_are_dropped_without_reading_anything(tmp_path):
    blob = linked_images_document(tmp_path)
    result = import_docx(blob, "report")
    everything = result.body_html + " ".join(result.report)
    assert "root:" not in everything and "BIMATNOIBO" not in everything
    assert "<img" not in result.body_html and "data:" not in result.body_html
    assert "<p>Ảnh: hết.</p>" in result.body_html
    assert any(n.startswith("4 hình ảnh trong tệp Word không được nhập") for n in result.report)
    assert any("ảnh liên kết" in n for n in result.report)


def test_mammoth_itself_refuses_external_files_by_default(tmp_path):
    """mammoth ≥ 1.11 keeps external file access off unless asked (checked in its source)."""
    blob = linked_images_document(tmp_path)
    # Even asked to inline every image, mammoth opens none of the linked ones.
    result = mammoth.convert_to_html(io.BytesIO(blob), convert_image=mammoth.images.data_uri)
    refused = [
        m.message for m in result.messages if "external file access is disabled" in m.message
    ]
    assert len(refused) == 3 and "file:///etc/passwd" in refused[0]
    assert result.value.count("<img") == 1  # the embedded picture only
    assert "root:" not in result.value and "QklNQVROT0lCTw" not in result.value


def test_a_doctype_in_a_part_is_refused():
    def build(document):
        document.add_paragraph("&xxe;")

    def add_dtd(xml: str) -> str:
        dtd = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        return xml.replace("?>", "?>" + dtd, 1)

    blob = replace_part(word_file(build), "word/document.xml", add_dtd)
    result = import_docx(blob, "report")
    assert result.body_html == ""
    assert result.report == [
        "Tệp Word có khai báo DTD không hợp lệ; không nhập được. Không có nội dung nào được nhập."
    ]
    with pytest.raises(ImportRefused, match="DTD"):
        import_upload(blob, "report")  # an upload is refused, not made an empty draft


# -- bad bytes -----------------------------------------------------------------------------


def zip_with(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"PK\x03\x04 not a zip",
        b"\x00\xff\xfe garbage",
        zip_with({"a.txt": b"x"}),
        zip_with({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<not xml"}),
        zip_with({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w:document/>"}),
        "không phải bytes",
    ],
)
def test_bad_bytes_never_raise(data):
    result = import_docx(data, "report")
    assert isinstance(result, ImportResult)
    assert result.report and result.body_html == ""


def test_broken_structure_falls_back_to_the_paragraph_texts():
    def break_rels(xml: str) -> str:
        return xml.replace("styles.xml", "missing-styles.xml")

    blob = word_file(lambda document: document.add_paragraph("Chữ vẫn còn."))
    result = import_docx(replace_part(blob, "word/_rels/document.xml.rels", break_rels), "report")
    assert "Chữ vẫn còn." in result.body_html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00\x01", "không phải văn bản thuần (UTF-8) cũng không phải tệp Word"),
        (b"PK\x03\x04\x00\xff\xfe binary", "không phải văn bản thuần (UTF-8)"),
        (zip_with({"a.txt": b"x"}), "không phải tệp Word .docx đọc được"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word 97-2003 (.doc)"),
        (b"%PDF-1.7", "Tệp PDF không nhập được"),
        (b"  \n", "không có nội dung"),
        (b"a\x00b", "không phải văn bản thuần"),
    ],
)
def test_uploads_that_are_neither_text_nor_docx_are_refused(data, message):
    with pytest.raises(ImportRefused, match=re.escape(message)):
        detect_format(data)
    with pytest.raises(ImportRefused):
        import_upload(data, "report")


def half_document_xml(blob: bytes) -> bytes:
    """The .docx with its word/document.xml cut in the middle (a damaged file)."""
    return replace_part(blob, "word/document.xml", lambda xml: xml[: len(xml) // 2])


def test_a_docx_whose_document_xml_is_unreadable_is_refused(tree):
    blob = half_document_xml(word_file(lambda document: document.add_paragraph("Chữ.")))
    with pytest.raises(ImportRefused, match=re.escape("Tệp Word bị hỏng")):
        detect_format(blob)
    with pytest.raises(ImportRefused, match=re.escape("Tệp Word bị hỏng")):
        import_upload(blob, "report")
    organisations, users = tree
    with pytest.raises(ImportRefused):
        document_import(data=blob, kind="report", issuer=organisations["hp"], actor=users["admin"])
    assert Document.objects.count() == 0
    result = import_docx(blob, "report")  # the importer alone still never raises
    assert result.body_html == "" and result.report


def test_zip_bomb_is_refused_by_declared_size():
    bomb = zip_with(
        {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<a/>" + b" " * (65 * 2**20)}
    )
    assert len(bomb) < 2**20
    with pytest.raises(ImportRefused, match="quá lớn khi giải nén"):
        detect_format(bomb)
    assert import_docx(bomb, "report").report[0].startswith("Tệp Word quá lớn khi giải nén")


def test_uploads_are_told_apart_by_content():
    assert detect_format("BÁO CÁO\n".encode()) == "text"
    assert detect_format("\ufeffBÁO CÁO\n".encode()) == "text"
    blob = word_file(lambda document: document.add_paragraph("Đoạn."))
    assert detect_format(blob) == "docx"
    assert import_upload(blob, "report")[1] == "docx"
    assert import_upload("Đoạn.".encode(), "report")[1] == "text"


# -- properties ----------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn")),
    max_size=40,
)
_RUN = st.tuples(_TEXT, st.booleans(), st.booleans())
_PARAGRAPH = st.lists(_RUN, min_size=1, max_size=4)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    paragraphs=st.lists(_PARAGRAPH, max_size=6),
    table=st.one_of(st.none(), st.lists(st.lists(_TEXT, min_size=2, max_size=2), max_size=3)),
    kind=st.sampled_from(sorted(KIND_TYPE_NAMES)),
)
def test_any_word_document_keeps_every_word(paragraphs, table, kind):
    def build(document):
        for runs in paragraphs:
            paragraph = document.add_paragraph()
            for text, bold, italic in runs:
                run = paragraph.add_run(text)
                run.bold, run.italic = bold or None, italic or None
        if table:
            grid = document.add_table(rows=len(table), cols=2)
            for r, cells in enumerate(table):
                for c, text in enumerate(cells):
                    grid.cell(r, c).text = text

    source = ["".join(text for text, _, _ in runs) for runs in paragraphs]
    source += [text for cells in table or [] for text in cells]
    result = import_docx(word_file(build), kind)
    assert isinstance(result, ImportResult)
    # Text is kept in Unicode NFC (U+F900 "豈" is U+8C48 "豈").
    expected = unicodedata.normalize("NFC", " ".join(source))
    assert docx_words(expected) - docx_words(visible_text(result)) == set()


_NOTE_TEXT = st.text(alphabet="abcđêơư ĐÂ.,-0123456789", min_size=1, max_size=30).filter(
    lambda t: t.strip()
)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    paragraphs=st.lists(
        st.tuples(_NOTE_TEXT, st.one_of(st.none(), _NOTE_TEXT), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_word_footnotes_all_come_back_at_their_calls(paragraphs):
    parts = []
    for text, note, bold in paragraphs:
        inner = f"<strong>{text}</strong>" if bold else text
        call = f'<span class="footnote">{note}</span>' if note else ""
        parts.append(f"<p>Đoạn {inner}{call} tiếp.</p>")
    data = PrintData("report", "A", "B", "", "C", None, "BÁO CÁO", "tiêu đề", "".join(parts))
    result = import_docx(lighter(render_docx(data)), "report")
    expected = [" ".join(note.split()) for _, note, _ in paragraphs if note]
    assert result.footnote_count == len(expected)
    assert footnotes(result) == expected
    source = " ".join(f"{text} {note or ''}" for text, note, _ in paragraphs)
    assert docx_words(source) - docx_words(visible_text(result)) == set()


# -- form, command, document page ----------------------------------------------------------


def test_import_form_takes_a_docx_and_the_page_lists_the_flaws(client, users, orgs):
    text_result, _, data = seed_pair(REPORT)
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_import"),
        {
            "kind": "report",
            "issuer": orgs["doson-btg"].pk,
            "file": SimpleUploadedFile("bao-cao.docx", render_docx(data)),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.current_revision.body_html.count('class="footnote"') == 27
    event = document.events.get()
    assert event.reason.startswith("Nhập từ tệp Word (.docx): 9 đề mục, 27 chú thích")
    page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert "Phần đầu văn bản không đưa vào nội dung" in page
    assert re.search(r"Đoạn [0-9]+: không tìm thấy chức vụ người ký", page)


def test_import_form_refuses_other_files_with_400(client, users, orgs):
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_import"),
        {
            "kind": "report",
            "issuer": orgs["doson-btg"].pk,
            "file": SimpleUploadedFile("x.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word"),
        },
    )
    assert response.status_code == 400
    assert "Word 97-2003 (.doc)" in response.content.decode()
    assert Document.objects.count() == 0


def test_import_form_and_command_refuse_a_damaged_docx(client, users, orgs, tmp_path):
    blob = half_document_xml(render_docx(seed_pair(GUIDANCE)[2]))
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_import"),
        {
            "kind": "guidance",
            "issuer": orgs["doson-btg"].pk,
            "file": SimpleUploadedFile("hong.docx", blob),
        },
    )
    assert response.status_code == 400
    assert "Tệp Word bị hỏng" in response.content.decode()
    path = tmp_path / "hong.docx"
    path.write_bytes(blob)
    with pytest.raises(CommandError, match="Tệp Word bị hỏng"):
        call_command("import_document", str(path), "--kind", "guidance", "--issuer", "hbt-btg")
    assert Document.objects.count() == 0


def test_import_document_command_reads_a_docx(tree, tmp_path):
    path = tmp_path / "huong-dan.docx"
    path.write_bytes(render_docx(seed_pair(GUIDANCE)[2]))
    out = StringIO()
    call_command(
        "import_document", str(path), "--kind", "guidance", "--issuer", "hbt-btg", stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("Phần đầu văn bản không đưa vào nội dung")
    document_id, url = lines[-1].split(" ")
    document = Document.objects.get(pk=int(document_id))
    assert url.endswith(f"/van-ban/{document.pk}/")
    assert document.current_revision.body_html.count('class="footnote"') == 9
    assert document.signer_name == "Ngô Hồng Anh"


def test_import_document_command_refuses_a_pdf(tree, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7 ...")
    with pytest.raises(CommandError, match="Tệp PDF không nhập được"):
        call_command("import_document", str(path), "--kind", "report", "--issuer", "doson-btg")
    assert Document.objects.count() == 0
