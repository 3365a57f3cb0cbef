"""One parse of a stored body: outline, anchors, footnotes, tables, text and paragraphs."""

from pathlib import Path

from portal.body import parse_body
from portal.exports import footnotes_of, outline_of
from portal.services.documents import body_outline, paragraph_texts
from portal.services.imports import document_import
from portal.services.references import body_text

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"

BODY = (
    '<h2 id="h-2">I. ĐỐI NGOẠI</h2>'
    '<p class="item-dash">- Chỉ thị số 35-CT/TW&nbsp;ngày 14/6/2024'
    '<span class="footnote">Kết luận  số 96-KL/TW</span>của Bộ</p>'
    '<h3>1. Tin <em>trong</em> nước<span class="footnote">chú</span></h3>'
    '<h3 id="h-2">2. Trùng</h3>'
    '<p><a href="https://x.vn">Chỉ thị số 1-CT/TW</a> &amp; hết</p>'
    '<h2 class="appendix">PHỤ LỤC</h2>'
    '<table><thead><tr><th>TT</th><th colspan="2">Chỉ tiêu</th></tr></thead>'
    '<tbody><tr><td class="num">1</td><td>Thu<span class="footnote">n</span></td><td>%</td></tr>'
    "</tbody></table>"
)


def test_headings_as_stored_with_and_without_their_footnotes():
    headings = parse_body(BODY).headings
    assert [(h.level, h.text, h.id) for h in headings] == [
        (2, "I. ĐỐI NGOẠI", "h-2"),
        (3, "1. Tin trong nước", ""),
        (3, "2. Trùng", "h-2"),
        (2, "PHỤ LỤC", ""),
    ]
    assert headings[1].text_with_notes == "1. Tin trong nướcchú"
    assert outline_of(BODY)[1] == {"level": 2, "text": "1. Tin trong nướcchú", "anchor": ""}


def test_outline_anchors_every_heading_once_and_changes_only_those_start_tags():
    parsed = parse_body(BODY)
    assert [(e.level, e.text, e.anchor) for e in parsed.outline] == [
        (2, "I. ĐỐI NGOẠI", "h-2"),
        (3, "1. Tin trong nước", "h-1"),
        (3, "2. Trùng", "h-3"),
        (2, "PHỤ LỤC", "h-4"),
    ]
    expected = (
        BODY.replace("<h3>1.", '<h3 id="h-1">1.')
        .replace('<h3 id="h-2">2.', '<h3 id="h-3">2.')
        .replace('<h2 class="appendix">', '<h2 class="appendix" id="h-4">')
    )
    assert parsed.anchored_html == expected
    assert body_outline(BODY) == (expected, list(parsed.outline))


def test_a_body_whose_headings_have_unique_ids_is_shown_as_stored():
    body = '<h2 id="a">A</h2><p>x &amp; y</p><h3 class="c" id="b">B</h3>'
    assert parse_body(body).anchored_html == body
    assert [e.anchor for e in parse_body(body).outline] == ["a", "b"]


def test_footnotes_in_the_order_of_their_calls():
    assert parse_body(BODY).footnotes == ("Kết luận số 96-KL/TW", "chú", "n")
    assert footnotes_of(BODY) == ["Kết luận số 96-KL/TW", "chú", "n"]


def test_paragraphs_of_a_diff_bracket_footnotes():
    assert paragraph_texts(BODY) == [
        "I. ĐỐI NGOẠI",
        "- Chỉ thị số 35-CT/TW ngày 14/6/2024 [Kết luận số 96-KL/TW]của Bộ",
        "1. Tin trong nước [chú]",
        "2. Trùng",
        "Chỉ thị số 1-CT/TW & hết",
        "PHỤ LỤC",
        "TT",
        "Chỉ tiêu",
        "1",
        "Thu [n]",
        "%",
    ]
    assert paragraph_texts("<ul><li>Mục</li><li> </li></ul><p>\n</p>") == ["Mục"]


def test_plain_text_puts_blocks_on_their_own_lines_and_footnotes_apart():
    text = body_text(BODY)
    assert text.startswith("\nI. ĐỐI NGOẠI\n\n- Chỉ thị số 35-CT/TW\xa0ngày 14/6/2024 Kết luận  số")
    assert "96-KL/TW của Bộ\n" in text
    assert "\nChỉ thị số 1-CT/TW & hết\n" in text
    assert "\n\n\n\n\nTT\n\nChỉ tiêu\n" in text
    assert [r.number for r in parse_body(BODY).references] == ["35-CT/TW", "96-KL/TW", "1-CT/TW"]


def test_tables_give_cells_row_by_row():
    (table,) = parse_body(BODY).tables
    assert table.texts == [["TT", "Chỉ tiêu"], ["1", "Thu", "%"]]
    assert (table.head_rows, table.columns, table.in_appendix) == (1, 3, True)
    assert [cell.header for cell in table.rows[0]] == [True, True]
    assert table.rows[0][1].colspan == 2
    before = parse_body("<table><tr><td><p>a</p><p>b<br>c</p></td></tr></table><h2>PHỤ LỤC</h2>")
    assert before.tables[0].texts == [["a b c"]]
    assert before.tables[0].in_appendix is False


def test_text_runs_point_into_the_stored_body():
    parsed = parse_body(BODY)
    linked = next(run for run in parsed.text_runs if run.in_link)
    assert linked.text == "Chỉ thị số 1-CT/TW"
    index, run = next((i, r) for i, r in enumerate(parsed.text_runs) if r.text == " & hết")
    assert BODY[run.start : run.end] == " &amp; hết"
    replaced = parsed.with_runs_replaced({index: " <b>và</b>"})
    assert replaced == BODY.replace("</a> &amp; hết</p>", "</a> <b>và</b></p>")


def test_a_body_is_parsed_once_and_callers_get_their_own_lists():
    assert parse_body(BODY) is parse_body(BODY)
    _, outline = body_outline(BODY)
    outline.clear()
    assert len(body_outline(BODY)[1]) == 4
    assert parse_body("").outline == () and parse_body("").anchored_html == ""


def test_the_report_seed(users, orgs):
    text = (SEEDS / "report-2023-q1-haiphong.txt").read_text(encoding="utf-8")
    document, _ = document_import(text=text, kind="report", issuer=orgs["hp"], actor=users["admin"])
    body = document.current_revision.body_html
    parsed = parse_body(body)
    assert len(parsed.footnotes) == 27
    assert parsed.footnotes[0].startswith("Kế hoạch của Ban Thường vụ Thành ủy")
    assert parsed.outline[0].text.startswith("I. KẾT QUẢ LÃNH ĐẠO")
    assert len({entry.anchor for entry in parsed.outline}) == len(parsed.outline) == 9
    assert parsed.anchored_html == body  # the importer's ids are kept
    (table,) = parsed.tables
    assert table.in_appendix and table.head_rows == 1 and table.columns == 7
    assert table.texts[0][:3] == ["TT", "Chỉ tiêu", "Đơn vị tính"]
    assert table.texts[1][0] == "1" and table.texts[1][3] == "12,7 - 13"
    assert parsed.paragraphs[0] == parsed.outline[0].text
    assert "\n" + parsed.outline[1].text + "\n" in parsed.text
    assert parsed.references


def test_a_heading_has_content_until_the_next_heading_of_its_level_or_higher():
    body = (
        "<h2>I.</h2><h3>1.</h3><p>Tin.</p><h3>2.</h3><h4>2.1.</h4>"  # I. and 1. filled by "Tin."
        '<h2>II.</h2><p><span class="footnote">chú</span></p>'  # a footnote's text is text
        "<h2>III.</h2><p>&nbsp;</p><div><h3>1.</h3><ul><li><img src='/a.png'></li></ul></div>"
        "<h2>IV.</h2>"
    )
    headings = parse_body(body).headings
    assert [(h.text, h.has_content) for h in headings] == [
        ("I.", True),
        ("1.", True),
        ("2.", False),
        ("2.1.", False),
        ("II.", True),
        ("III.", True),  # through the picture of its sub-section, however nested
        ("1.", True),
        ("IV.", False),
    ]
