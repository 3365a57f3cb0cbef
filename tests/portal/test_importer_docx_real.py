"""Word files as offices write them: closings typed as paragraphs, merged cells, raised
calls with notes typed at the end, an appendix after the closing, fields, text boxes."""

import io
import re
import shutil
import subprocess
import zipfile
from functools import cache

import lxml.html
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from portal.importing import ImportResult
from portal.rendering.data import PrintData
from portal.rendering.docx import render_docx
from portal.sanitize import sanitize_html
from portal.services.imports import document_import
from tests.portal.import_helpers import import_docx, import_text
from tests.portal.test_importer_docx import _png, footnotes, word_file

W = nsdecls("w")
BODY = "Ban Tuyên giáo Quận ủy hướng dẫn các chi bộ tổ chức tuyên truyền."
RECIPIENTS = ["Thường trực Quận ủy,", "Các TCCS Đảng trực thuộc,", "Lưu BTGQU."]


def heading(document, type_name: str = "HƯỚNG DẪN") -> None:
    """The type name and summary line, bold and centred as offices type them."""
    for text in (type_name, "tuyên truyền kỷ niệm 94 năm ngày thành lập Đảng"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = True
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph(BODY)


def run(paragraph, text: str, *, bold=False, italic=False, underline=False) -> None:
    added = paragraph.add_run(text)
    added.bold, added.italic, added.underline = bold, italic, underline


def body_text(result: ImportResult) -> str:
    root = lxml.html.fragment_fromstring(result.body_html or "<p></p>", create_parent="div")
    return " ".join(root.text_content().split())


def assert_no_markup(result: ImportResult) -> None:
    fields = [result.authority_line, result.signer_title, result.signer_name, *result.recipients]
    for text in [*fields, body_text(result), result.title]:
        assert "**" not in text and "<" not in text and "\t" not in text, text


def assert_closing(
    result: ImportResult, *, authority="T/M BAN THƯỜNG VỤ", title="TRƯỞNG BAN"
) -> None:
    assert result.recipients == RECIPIENTS
    assert result.authority_line == authority
    assert result.signer_title == title
    assert result.signer_name == "Nguyễn Văn An"
    assert_no_markup(result)
    assert "TRƯỞNG BAN" not in body_text(result) and "Nguyễn Văn An" not in body_text(result)
    assert body_text(result).endswith(BODY)


# -- the closing ---------------------------------------------------------------------------


def closing_as_paragraphs(document) -> None:
    """The signature typed right-aligned above "Nơi nhận:", the title and name in bold."""
    heading(document)
    for text, bold in (("T/M BAN THƯỜNG VỤ", True), ("TRƯỞNG BAN", True), ("", False)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(paragraph, text, bold=bold)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(paragraph, "(Đã ký)", italic=True)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(paragraph, "Nguyễn Văn An", bold=True)
    run(document.add_paragraph(), "Nơi nhận:", bold=True, italic=True, underline=True)
    for recipient in RECIPIENTS:
        document.add_paragraph(f"- {recipient}")


def closing_with_tabs(document) -> None:
    """Recipients on the left, signature on the right, one tab between them."""
    heading(document)
    paragraph = document.add_paragraph()
    run(paragraph, "Nơi nhận:", bold=True, underline=True)
    run(paragraph, "\t\t")
    run(paragraph, "K/T TRƯỞNG BAN", bold=True)
    paragraph = document.add_paragraph(f"- {RECIPIENTS[0]}\t\t")
    run(paragraph, "PHÓ TRƯỞNG BAN")
    for recipient in RECIPIENTS[1:]:
        document.add_paragraph(f"- {recipient}")
    document.add_paragraph("")
    paragraph = document.add_paragraph("\t\t")
    run(paragraph, "Nguyễn Văn An", bold=True)


def closing_as_table(document) -> None:
    """The closing in a borderless two-column table, as the office template has it."""
    heading(document)
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, underline=True)
    for recipient in RECIPIENTS:
        left.add_paragraph(f"- {recipient}")
    run(right.paragraphs[0], "T/M BAN THƯỜNG VỤ", bold=True)
    run(right.add_paragraph(), "TRƯỞNG BAN", bold=True)
    right.add_paragraph("")
    run(right.add_paragraph(), "Nguyễn Văn An", bold=True)


def test_a_closing_typed_as_paragraphs_fills_the_fields_without_markup():
    result = import_docx(word_file(closing_as_paragraphs), "guidance")
    assert_closing(result)
    assert any("'(Đã ký)' trong phần ký không đặt được" in note for note in result.report)


def test_a_closing_separated_by_tabs_fills_the_fields():
    result = import_docx(word_file(closing_with_tabs), "guidance")
    assert_closing(result, authority="K/T TRƯỞNG BAN", title="PHÓ TRƯỞNG BAN")


def test_a_closing_in_a_table_fills_the_fields():
    assert_closing(import_docx(word_file(closing_as_table), "guidance"))


def test_a_text_closing_with_tabs_and_markers_fills_the_fields():
    text = (
        "HƯỚNG DẪN\n\ntuyên truyền\n\n" + BODY + "\n\n**Nơi nhận:**\t\t**T/M BAN THƯỜNG VỤ**\n"
        f"- {RECIPIENTS[0]}\t\t**TRƯỞNG BAN**\n- {RECIPIENTS[1]}\n- {RECIPIENTS[2]}\n\n"
        "\t\t**Nguyễn Văn An**\n"
    )
    assert_closing(import_text(text, "guidance"))


# -- an appendix after the closing, in a landscape section -------------------------------


def appendix_after_closing(document) -> None:
    """A report signed, then "PHỤ LỤC" on landscape pages with a table of merged cells."""
    heading(document, "BÁO CÁO")
    closing_as_paragraphs_only_signature(document)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for text, bold, italic in (
        ("PHỤ LỤC", True, False),
        ("(Kèm theo Báo cáo số 12-BC/BTGQU)", False, True),
        ("Kết quả tuyên truyền quý I năm 2024", True, False),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(paragraph, text, bold=bold, italic=italic)
    merged_table(document)


def closing_as_paragraphs_only_signature(document) -> None:
    run(document.add_paragraph(), "Nơi nhận:", bold=True, italic=True)
    for recipient in RECIPIENTS:
        document.add_paragraph(f"- {recipient}")
    for text in ("T/M BAN THƯỜNG VỤ", "TRƯỞNG BAN", "Nguyễn Văn An"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(paragraph, text, bold=True)


def merged_table(document) -> None:
    """Header over two rows ("Kết quả" over two columns), a cell down three rows."""
    table = document.add_table(rows=5, cols=4)
    texts = [
        ["TT", "Nội dung", "Kết quả", ""],
        ["", "", "Quý I", "Cùng kỳ"],
        ["1", "Hội nghị", "12", "10"],
        ["", "Lớp học", "5", "4"],
        ["", "Tọa đàm", "3", "2"],
    ]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(0, 2).merge(table.cell(0, 3))
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    table.cell(2, 0).merge(table.cell(4, 0))
    for cell in table.rows[0].cells:
        for paragraph in cell.paragraphs:
            for piece in paragraph.runs:
                piece.bold = True


@cache
def appendix_result() -> ImportResult:
    return import_docx(word_file(appendix_after_closing), "report")


def test_an_appendix_after_the_closing_keeps_its_heading_caption_and_place():
    result = appendix_result()
    assert_no_markup(result)
    assert result.signer_name == "Nguyễn Văn An" and result.signer_title == "TRƯỞNG BAN"
    assert result.recipients == RECIPIENTS
    body = result.body_html
    assert '<h2 class="appendix" id="h-2">PHỤ LỤC</h2>' in body
    assert '<p class="appendix-title"><em>(Kèm theo Báo cáo số 12-BC/BTGQU)</em></p>' in body
    assert body.index(BODY) < body.index("PHỤ LỤC") < body.index("Kết quả tuyên truyền")
    assert body.index("Kết quả tuyên truyền") < body.index("<table>")


def test_merged_cells_keep_their_spans_in_the_body():
    body = sanitize_html(appendix_result().body_html)
    table = re.search(r"<table>.*</table>", body, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    assert rows[0] == (
        '<th rowspan="2">TT</th><th rowspan="2">Nội dung</th><th colspan="2">Kết quả</th>'
    )
    assert rows[1] == "<td>Quý I</td><td>Cùng kỳ</td>"
    assert rows[2].startswith('<td class="num" rowspan="3">1</td><td>Hội nghị</td>')
    assert rows[3] == '<td>Lớp học</td><td class="num">5</td><td class="num">4</td>'


def print_data(result: ImportResult) -> PrintData:
    return PrintData(
        kind="report",
        parent_line="QUẬN ỦY ĐỒ SƠN",
        issuer_name="BAN TUYÊN GIÁO",
        number="12-BC/BTGQU",
        place="Đồ Sơn",
        issued_on=None,
        type_name=result.type_name,
        title=result.title,
        body_html=sanitize_html(result.body_html),
        recipients=result.recipients,
        authority_line=result.authority_line,
        signer_title=result.signer_title,
        signer_name=result.signer_name,
    )


def test_merged_cells_are_merged_in_the_word_export():
    blob = render_docx(print_data(appendix_result()))
    xml = zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml").decode()
    table = xml[xml.index("PHỤ LỤC") :]
    assert '<w:gridSpan w:val="2"/>' in table
    assert table.count('<w:vMerge w:val="restart"/>') == 3  # TT, Nội dung, the "1" cell
    again = import_docx(blob, "report")
    assert re.findall(r"<t[hd][^>]*span[^>]*>[^<]*", again.body_html) == re.findall(
        r"<t[hd][^>]*span[^>]*>[^<]*", appendix_result().body_html
    )


def test_the_pdf_signs_then_prints_the_appendix_with_its_caption(tmp_path):
    from portal.rendering.pdf import render_pdf

    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(print_data(appendix_result())))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    order = ["Nơi nhận", "Nguyễn Văn An", "PHỤ LỤC", "Kết quả tuyên truyền", "Hội nghị"]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
    assert "**" not in text and text.count("Kết quả") == 1 + text.count("Kết quả tuyên")


# -- footnote calls typed as raised or superscript digits, notes typed at the end ---------

RAISED_HTML = """<html><head><meta charset="utf-8"></head><body>
<p>BÁO CÁO</p><p><b>kết quả công tác tuyên truyền quý I</b></p>
<p>Cả nước để Quốc tang<sup>1</sup> trong hai ngày, theo thông báo<sup>2</sup> của Ban.</p>
<p>Các chi bộ treo cờ rủ<sup>3</sup> và dừng các hoạt động vui chơi.</p>
<p>__________</p>
<p>1 Theo Thông báo số 1 của Ban Chấp hành Trung ương.</p>
<p><sup>2</sup> Thông báo của Ban Tuyên giáo Thành ủy.</p>
<p>4 Ghi chú không có lời gọi.</p>
</body></html>"""


@pytest.fixture(scope="module")
def raised_docx(tmp_path_factory) -> bytes:
    """The text as LibreOffice writes HTML <sup> into a .docx: runs raised by w:position."""
    folder = tmp_path_factory.mktemp("raised")
    (folder / "raised.html").write_text(RAISED_HTML, encoding="utf-8")
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder),
            str(folder / "raised.html"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (folder / "raised.docx").read_bytes()


def test_raised_calls_from_libreoffice_become_footnotes_with_the_notes_typed_at_the_end(
    raised_docx,
):
    xml = zipfile.ZipFile(io.BytesIO(raised_docx)).read("word/document.xml").decode()
    assert re.search(r'<w:position w:val="[1-9][0-9]*"/>', xml)  # as LibreOffice writes it
    assert "w:vertAlign" not in xml
    result = import_docx(raised_docx, "report")
    assert footnotes(result) == [
        "Theo Thông báo số 1 của Ban Chấp hành Trung ương.",
        "Thông báo của Ban Tuyên giáo Thành ủy.",
    ]
    assert "Quốc tang1" not in body_text(result) and "tang¹" not in body_text(result)
    assert 'Quốc tang<span class="footnote">' in result.body_html
    report = "\n".join(result.report)
    assert re.search(r"Đoạn 4: chú thích ³ được gọi nhưng không có nội dung", report)
    assert re.search(r"Đoạn 8: nội dung chú thích ⁴ không có lời gọi tương ứng", report)
    assert '<p class="unplaced">⁴ Ghi chú không có lời gọi.</p>' in result.body_html


def superscript_calls(document) -> None:
    """Calls typed as Word superscript digits, notes typed after the body without a rule."""
    heading(document, "BÁO CÁO")
    paragraph = document.add_paragraph("Hội nghị quán triệt Nghị quyết")
    paragraph.add_run("1").font.superscript = True
    paragraph.add_run(" được tổ chức ở 25 chi bộ")
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run(".")
    document.add_paragraph("1 Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")
    paragraph = document.add_paragraph()
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run(" Trong đó 5 chi bộ tổ chức trực tuyến.")


def test_superscript_digits_are_calls_and_note_one_is_kept():
    result = import_docx(word_file(superscript_calls), "report")
    assert footnotes(result) == [
        "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.",
        "Trong đó 5 chi bộ tổ chức trực tuyến.",
    ]
    assert result.footnote_count == 2
    assert "Quyết1" not in body_text(result) and "unplaced" not in result.body_html
    assert any("được hiểu là nội dung chú thích ¹ (ghi bằng số thường)" in n for n in result.report)


def test_a_numbered_line_before_any_call_stays_body_text():
    text = "BÁO CÁO\n\ntiêu đề\n\n1 Một dòng đánh số tay.\n\nĐoạn gọi chú thích¹.\n\n¹ Nội dung."
    result = import_text(text, "report")
    assert footnotes(result) == ["Nội dung."]
    assert "1 Một dòng đánh số tay." in body_text(result)


# -- the file's own header -----------------------------------------------------------------


def header_of(parent: str, symbol: str):
    """A header typed as tab-separated paragraphs, the issuer's lines in a text box."""

    def build(document) -> None:
        paragraph = document.add_paragraph()
        paragraph._p.append(text_box([parent, "BAN TUYÊN GIÁO", "*"]))
        run(paragraph, "\tĐẢNG CỘNG SẢN VIỆT NAM", bold=True)
        document.add_paragraph(f"Số 12-HD/{symbol}\tĐồ Sơn, ngày 05 tháng 02 năm 2024")
        heading(document)

    return build


def text_box(lines: list[str]):
    """A floating text box (w:txbxContent) holding ``lines``, as Word draws one."""
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    return parse_xml(
        f"<w:r {nsdecls('w', 'wp', 'a')} "
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="2" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
        '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0'
        '</wp:posOffset></wp:positionV><wp:extent cx="2000000" cy="600000"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/><wp:docPr id="5" name="Hộp"/>'
        "<wp:cNvGraphicFramePr/><a:graphic><a:graphicData "
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="2000000" cy="600000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        f"</a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent>"
        "</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></w:r>"
    )


def test_a_header_in_a_text_box_is_read_and_left_out_of_the_body():
    result = import_docx(word_file(header_of("QUẬN ỦY ĐỒ SƠN", "BTGQU")), "guidance")
    assert result.header == [
        "QUẬN ỦY ĐỒ SƠN",
        "BAN TUYÊN GIÁO",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 12-HD/BTGQU",
        "Đồ Sơn, ngày 05 tháng 02 năm 2024",
    ]
    assert result.type_name == "HƯỚNG DẪN" and "ĐỒ SƠN" not in result.body_html


@pytest.mark.parametrize(
    ("parent", "symbol", "warned"),
    [
        ("QUẬN ỦY ĐỒ SƠN", "BTGQU", False),
        ("QUẬN ỦY NGÔ QUYỀN", "BTGQU", True),
        ("QUẬN ỦY ĐỒ SƠN", "BTGTU", True),
    ],
)
def test_a_header_naming_another_issuer_is_warned_about(orgs, users, parent, symbol, warned):
    _, notes = document_import(
        kind="guidance",
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        data=word_file(header_of(parent, symbol)),
    )
    warnings = [n for n in notes if n.startswith("Phần đầu của tệp ghi đơn vị ban hành khác")]
    assert bool(warnings) is warned
    if warned:
        assert f"tệp ghi «{parent} / BAN TUYÊN GIÁO / ký hiệu {symbol}»" in warnings[0]
        assert (
            "đơn vị đang nhập là «QUẬN ỦY ĐỒ SƠN / BAN TUYÊN GIÁO / ký hiệu BTGQU»" in (warnings[0])
        )


# -- fields, links, tracked changes, comments, images ------------------------------------


def office_extras(document) -> None:
    heading(document, "BÁO CÁO")
    paragraph = document.add_paragraph("Ngày in ")
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> DATE \\@ "dd/MM/yyyy" </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>05/02/2024</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        '<w:r><w:t xml:space="preserve">, trang </w:t></w:r>',
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>',
        '<w:r><w:t xml:space="preserve"> của báo cáo.</w:t></w:r>',
    ):
        paragraph._p.append(parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {W}", xml)))
    link_id = document.part.relate_to("http://127.0.0.1:9/khong-tai", RT.HYPERLINK, True)
    paragraph = document.add_paragraph("Xem tại ")
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{link_id}"><w:r><w:t>cổng thông tin'
            "</w:t></w:r></w:hyperlink>"
        )
    )
    paragraph.add_run(" của Thành ủy.")
    paragraph = document.add_paragraph("Đoạn đã sửa ")
    paragraph._p.append(
        parse_xml(
            f'<w:del {W} w:id="91" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
            "<w:delText>chữ bị xóa </w:delText></w:r></w:del>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:ins {W} w:id="92" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
            "<w:t>chữ được chèn</w:t></w:r></w:ins>"
        )
    )
    commented = document.add_paragraph("Đoạn có nhận xét.")
    document.add_comment(commented.runs, text="Kiểm tra số liệu", author="B")
    document.add_picture(io.BytesIO(_png()))
    document.inline_shapes[0]._inline.docPr.set("descr", "Ảnh hội nghị")


def test_fields_links_tracked_changes_comments_and_images():
    result = import_docx(word_file(office_extras), "report")
    text = body_text(result)
    assert "Ngày in 05/02/2024, trang 3 của báo cáo." in text
    assert "Xem tại cổng thông tin của Thành ủy." in text and "<a" not in result.body_html
    assert "Đoạn đã sửa chữ được chèn" in text and "bị xóa" not in text
    assert "Kiểm tra số liệu" not in text
    report = "\n".join(result.report)
    assert "Nhận xét (comment) trong tệp Word không được nhập: Kiểm tra số liệu" in report
    assert "Tệp Word còn thay đổi chưa chấp nhận (track changes)" in report
    assert "1 hình ảnh trong tệp Word không được nhập (chỉ nhập chữ); mô tả: Ảnh hội nghị" in report


def test_a_body_ending_in_a_heading_and_a_short_line_keeps_them():
    text = (
        "BẢN TIN\n\ntiêu đề\n\nI. TIN TRONG NƯỚC\n\nĐoạn tin.\n\n"
        "III. ĐỊNH HƯỚNG\n\nTiếp tục tuyên truyền"
    )
    result = import_text(text, "bulletin")
    assert not (result.signer_title or result.signer_name or result.authority_line)
    assert body_text(result).endswith("ĐỊNH HƯỚNG Tiếp tục tuyên truyền")


@pytest.mark.parametrize(
    ("value", "kept"),
    [("2", True), ("50", True), (" 3 ", True), ("1", True)]
    + [("0", False), ("51", False), ("-1", False), ("2.5", False), ("x", False), ("", False)],
)
def test_the_sanitiser_keeps_spans_of_1_to_50_only(value, kept):
    cell = sanitize_html(f'<table><tr><td colspan="{value}" rowspan="{value}">a</td></tr></table>')
    expected = f'colspan="{value.strip()}" rowspan="{value.strip()}"' if kept else "<td>a"
    assert expected in cell


def closing_table_with_line_breaks(document) -> None:
    """The closing's cells typed as one paragraph each, lines cut by Shift+Enter."""
    heading(document)
    left, right = document.add_table(rows=1, cols=2).rows[0].cells
    run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True)
    for recipient in RECIPIENTS:
        left.paragraphs[0].add_run().add_break()
        left.paragraphs[0].add_run(f"- {recipient}")
    for index, text in enumerate(("T/M BAN THƯỜNG VỤ", "TRƯỞNG BAN", "", "Nguyễn Văn An")):
        if index:
            right.paragraphs[0].add_run().add_break()
        run(right.paragraphs[0], text, bold=True)


def test_line_breaks_in_a_closing_table_cell_keep_its_lines_apart():
    assert_closing(import_docx(word_file(closing_table_with_line_breaks), "guidance"))
