"""Tests for the plain-text importer, against the four real seed documents."""

import html
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from portal.importing import ImportResult
from tests.portal.import_helpers import import_text

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"
SEED_KINDS = {
    "bulletin-2024-02-doson.txt": "bulletin",
    "bulletin-2024-12-doson.txt": "bulletin",
    "guidance-2024-haibatrung.txt": "guidance",
    "report-2023-q1-haiphong.txt": "report",
}
KINDS = ("bulletin", "guidance", "report")

_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]")
_SIMPLE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*>")


def seed(name: str) -> str:
    """Text of one seed document."""
    return (SEEDS / name).read_text(encoding="utf-8")


def imported(name: str) -> ImportResult:
    """Import one seed with its kind."""
    return import_text(seed(name), SEED_KINDS[name])


def words(text: str) -> set[str]:
    """Words of a text, ignoring markup (*, |, simple tags), superscripts and punctuation;
    in NFC, the form the portal stores (a compatibility ideograph such as U+F900 becomes its
    canonical equivalent: the same word)."""
    text = unicodedata.normalize("NFC", text)
    text = _SIMPLE_TAG.sub(" ", text).replace("*", " ").replace("|", " ")
    text = _SUPERSCRIPTS.sub(" ", text)
    out = set()
    for token in text.split():
        start, end = 0, len(token)
        while start < end and not token[start].isalnum():
            start += 1
        while end > start and not token[end - 1].isalnum():
            end -= 1
        if start < end:
            out.add(token[start:end])
    return out


def result_text(result: ImportResult) -> str:
    """All text a user can see in a result: body text content plus every field and note."""
    body = html.unescape(re.sub(r"<[^>]+>", " ", result.body_html))
    fields = [
        result.type_name,
        result.title,
        result.authority_line,
        result.signer_title,
        result.signer_name,
        *result.recipients,
        *result.report,
    ]
    return " ".join([body, *fields])


def missing_words(text: str, result: ImportResult) -> set[str]:
    """Input words that appear nowhere in the result."""
    return words(text) - words(result_text(result))


def levels(result: ImportResult) -> dict[int, int]:
    """Number of outline items per level."""
    return dict(Counter(item.level for item in result.outline))


def body_level_count(result: ImportResult, tag: str) -> int:
    """Number of heading tags of one kind in the body."""
    return len(re.findall(f"<{tag}[ >]", result.body_html))


# -- outline -------------------------------------------------------------------------------


def test_bulletin_february_outline_and_missing_dots():
    result = imported("bulletin-2024-02-doson.txt")
    assert levels(result) == {1: 3, 2: 6, 3: 6}
    assert [i.number for i in result.outline if i.level == 1] == ["I", "II", "III"]
    assert [i.number for i in result.outline if i.level == 3] == [
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
    ]
    assert '<h4 id="h-7">1.1. Quan hệ đối tác chiến lược' in result.body_html
    assert any(n.startswith("Dòng 21: đề mục '1.1 Quan hệ") for n in result.report)
    assert any(n.startswith("Dòng 25: đề mục '1.2 Triển khai") for n in result.report)
    assert result.type_name == "" and result.title == ""
    assert (result.period_month, result.period_year) == (2, 2024)
    assert result.footnote_count == 0


def test_bulletin_december_outline_unnumbered_heading_and_missing_dots():
    result = imported("bulletin-2024-12-doson.txt")
    assert levels(result) == {1: 3, 2: 7, 3: 8}
    assert [i.number for i in result.outline if i.level == 1] == ["I", "II", "III"]
    unnumbered = [i for i in result.outline if i.number == ""]
    assert [(i.level, i.text) for i in unnumbered] == [(2, "Thông tin tình hình trong nước")]
    assert f'<h3 id="{unnumbered[0].anchor}">Thông tin tình hình trong nước</h3>' in (
        result.body_html
    )
    assert '<h3 id="h-2">1. Một số kết quả chuyến tham dự' in result.body_html
    assert '<h3 id="h-4">3. Thủ tướng Phạm Minh Chính' in result.body_html
    assert any(
        n.startswith("Dòng 5: đề mục '1 Một số") and "thiếu dấu chấm" in n for n in result.report
    )
    assert any(n.startswith("Dòng 15: đề mục '3 Thủ tướng") for n in result.report)
    assert any(n.startswith("Dòng 26: đề mục 'Thông tin tình hình") for n in result.report)
    assert result.type_name == "BẢN TIN"
    assert result.title == "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 12 NĂM 2024"
    assert (result.period_month, result.period_year) == (12, 2024)
    assert "BẢN TIN" not in result.body_html and "-----" not in result.body_html


def test_guidance_outline():
    result = imported("guidance-2024-haibatrung.txt")
    assert levels(result) == {1: 3, 2: 2, 3: 13, 4: 6}
    assert body_level_count(result, "h5") == 6
    fifth = next(i for i in result.outline if i.number == "2.8.5")
    assert fifth.text == "Về an ninh, quốc phòng"
    assert f'<h5 id="{fifth.anchor}">2.8.5. <em>Về an ninh, quốc phòng</em></h5>' in (
        result.body_html
    )
    assert result.type_name == "HƯỚNG DẪN"
    assert result.title.startswith("Tuyên truyền kết quả phát triển kinh tế - xã hội năm 2023")
    assert '<p class="item-num">1. Khẳng định sự đúng đắn' in result.body_html
    assert '<p class="item-dash"><em>Lĩnh vực Văn hóa - thông tin' in result.body_html


def test_report_outline_includes_appendix():
    result = imported("report-2023-q1-haiphong.txt")
    assert levels(result) == {1: 4, 2: 5}
    assert [(i.number, i.text) for i in result.outline if i.level == 1][-1] == ("", "PHỤ LỤC")
    assert '<h2 class="appendix" id="h-9">PHỤ LỤC</h2>' in result.body_html
    assert (
        '<p class="appendix-title">Một số chỉ tiêu kinh tế - xã hội quý I năm 2023</p>'
        in result.body_html
    )
    assert '<p class="item-num">(1) Về công tác tổ chức, cán bộ</p>' in result.body_html
    assert "<strong>hoàn thành trong quý II năm 2023</strong>" in result.body_html


def test_anchors_are_unique_and_in_body():
    for name in SEED_KINDS:
        result = imported(name)
        anchors = [item.anchor for item in result.outline]
        assert len(anchors) == len(set(anchors))
        for anchor in anchors:
            assert f'id="{anchor}"' in result.body_html


# -- footnotes -----------------------------------------------------------------------------


def test_report_places_all_27_footnotes():
    result = imported("report-2023-q1-haiphong.txt")
    assert result.footnote_count == 27
    assert result.body_html.count('<span class="footnote">') == 27
    assert "unplaced" not in result.body_html
    assert not re.search("[¹²³⁴⁵⁶⁷⁸⁹⁰]", result.body_html)
    assert 'của Trung ương<span class="footnote">Kế hoạch của Ban Thường vụ' in result.body_html
    # Definition ² was cut by a page break; its continuation (line 25) is appended.
    assert "Chỉ thị số 18-CT/TW, ngày 26/10/2022 của Ban Bí thư" in result.body_html
    assert any(n.startswith("Dòng 25:") and "dòng 17" in n for n in result.report)
    # A body paragraph cut by footnotes continues after them (line 23 + line 43).
    assert "kết nạp được 54/350 đảng viên mới" in result.body_html


def test_guidance_footnotes_and_nonstandard_markers():
    result = imported("guidance-2024-haibatrung.txt")
    assert result.footnote_count == 9
    assert "<sup>" not in result.body_html
    # ⁽⁴⁾ is followed by a dash list that belongs to it.
    assert 'trên địa bàn quận<span class="footnote">- Dự án xây dựng đường nối' in (
        result.body_html
    )
    assert "Vĩnh Tuy: 39 hộ</span>; chuẩn bị" in result.body_html
    # 5 and 6 are written "(5)", "(6)" with ordinary digits: placed, and reported.
    assert any(n.startswith("Dòng 131: '(5)'") for n in result.report)
    assert any(n.startswith("Dòng 133: '(6)'") for n in result.report)
    assert 'hết hạn<span class="footnote">Kết quả 41 bảng quảng cáo' in result.body_html
    # Paragraph split around footnote ⁷ is joined again.
    assert "đã chủ động tham gia các cuộc thi Quốc tế" in result.body_html


def test_missing_definition_is_kept_as_sup_and_reported():
    text = "I. MỘT\n\nĐoạn có lời gọi⁽⁴⁾ và thêm⁵ nữa.\n\n⁽⁴⁾ Nội dung bốn.\n"
    result = import_text(text, "guidance")
    assert result.footnote_count == 1
    assert '<span class="footnote">Nội dung bốn.</span>' in result.body_html
    assert "thêm<sup>5</sup> nữa." in result.body_html
    assert "Dòng 3: chú thích ⁵ được gọi nhưng không có nội dung" in result.report


def test_definition_without_call_is_unplaced_and_reported():
    result = import_text("Đoạn văn.\n³ Chú thích lạc.\n", "report")
    assert '<p class="unplaced">³ Chú thích lạc.</p>' in result.body_html
    assert any(n.startswith("Dòng 2: nội dung chú thích ³ không có lời gọi") for n in result.report)
    assert result.footnote_count == 0


def test_bulletins_have_no_footnotes():
    for name in ("bulletin-2024-02-doson.txt", "bulletin-2024-12-doson.txt"):
        result = imported(name)
        assert result.footnote_count == 0
        assert "footnote" not in result.body_html


# -- table ---------------------------------------------------------------------------------


def test_report_table():
    result = imported("report-2023-q1-haiphong.txt")
    assert result.body_html.count("<table>") == 1
    table = re.search(r"<table>.*?</table>", result.body_html, re.S).group(0)
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", table).group(1)
    assert re.findall(r"<th>(.*?)</th>", head)[:3] == ["TT", "Chỉ tiêu", "Đơn vị tính"]
    assert len(re.findall(r"<th>", head)) == 7
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    assert len(rows) == 16
    first_cells = [re.match(r"<td[^>]*>(.*?)</td>", row).group(1) for row in rows]
    assert [c for c in first_cells if c] == [str(n) for n in range(1, 9)]
    assert '<td class="num">116.442,134</td>' in table
    assert '<td class="num">12,7 - 13</td>' in table
    assert '<td class="num">-</td>' in table
    assert "<td><em>Bao gồm:</em></td>" in table
    assert "<td>Tỷ đồng</td>" in table
    assert "---" not in table


# -- closing block -------------------------------------------------------------------------


def test_guidance_recipients_and_signer():
    result = imported("guidance-2024-haibatrung.txt")
    assert result.recipients == [
        "Ban Tuyên giáo Thành ủy,",
        "Thường trực Quận ủy,",
        "UBND Quận,",
        "Các Ban XD Đảng và Văn phòng QU,",
        "UBMTTQ và các tổ chức CT – XH Quận,",
        "Các phòng, ban, ngành Quận,",
        "Các TCCS Đảng trực thuộc,",
        "Lưu BTGQU.",
    ]
    assert result.authority_line == "K/T TRƯỞNG BAN"
    assert result.signer_title == "PHÓ TRƯỞNG BAN"
    assert result.signer_name == "Ngô Hồng Anh"
    assert "Dòng 306: ghi chú '<để báo cáo>' trong phần nơi nhận không đặt được" in result.report
    assert any(n.startswith("Dòng 308: ghi chú '<để phối hợp thực hiện>'") for n in result.report)
    assert "Nơi nhận" not in result.body_html and "Ngô Hồng Anh" not in result.body_html


def test_report_recipients_and_signer():
    result = imported("report-2023-q1-haiphong.txt")
    assert len(result.recipients) == 9
    assert result.recipients[0] == 'Bộ Chính trị, Ban Bí thư "để báo cáo",'
    assert result.recipients[-1] == "Lưu Văn phòng Thành ủy."
    assert result.signer_name == "Đỗ Mạnh Hiến"
    assert result.authority_line == "" and result.signer_title == ""
    assert any("không tìm thấy chức vụ người ký" in n for n in result.report)
    assert result.body_html.index("phân cấp giữa các cấp chính quyền") < result.body_html.index(
        "PHỤ LỤC"
    )
    assert "Đỗ Mạnh Hiến" not in result.body_html


# -- nothing lost, escaping, speed ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_KINDS))
def test_every_seed_word_is_kept(name):
    text = seed(name)
    assert missing_words(text, import_text(text, SEED_KINDS[name])) == set()


@pytest.mark.parametrize("name", sorted(SEED_KINDS))
def test_only_known_tags_and_classes(name):
    body = imported(name).body_html
    tags = set(re.findall(r"</?([a-z0-9]+)", body))
    assert tags <= {"h2", "h3", "h4", "h5", "p", "span", "strong", "em", "sup", "table"} | {
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    classes = set(re.findall(r'class="([^"]+)"', body))
    allowed = {"footnote", "item-dash", "item-plus", "item-num", "unplaced", "appendix-title"}
    assert classes <= allowed | {"appendix", "num"}


def test_input_html_is_escaped():
    text = 'Đoạn <script>alert("x")</script> và <b onclick="x">đậm</b> <i>nghiêng</i>.'
    body = import_text(text, "report").body_html
    assert "<em>nghiêng</em>" in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;b onclick=&quot;x&quot;&gt;đậm&lt;/b&gt;" in body
    assert re.sub(r"</?(p|em)>", "", body).count("<") == 0


@pytest.mark.parametrize(
    "text",
    [
        "*a " * 20000,
        "<i>" * 20000 + "x",
        "**" * 20000,
        "¹" * 20000,
        "x¹ " * 20000,
        "| a | b |\n" * 5000,
        "1 Một\n" * 5000,
        ("tiếp theo\n\n" * 5000),
    ],
)
def test_adversarial_inputs_terminate_and_keep_every_word(text):
    # Inputs shaped to trip backtracking patterns; speed itself is the benchmark's business.
    result = import_text(text, "report")
    assert missing_words(text, result) == set()


def test_a_line_of_thousands_of_pipes_is_a_paragraph_not_a_table():
    wide = "|" * 5000 + " chữ sau hàng rào"
    table = "| Chỉ tiêu | " + " | ".join(f"c{n}" for n in range(49)) + " |"
    text = f"BÁO CÁO\nkết quả\n\nĐoạn mở đầu.\n\n{wide}\n\n{table}\n"
    result = import_text(text, "report")
    assert missing_words(text, result) == set()
    assert result.body_html.count("<table>") == 1  # the 50-column table is kept
    assert result.body_html.count("<td") == 50
    assert "|" * 5000 + " chữ sau hàng rào</p>" in result.body_html
    assert "Dòng 6: dòng có hơn 50 cột nên được giữ thành đoạn văn" in result.report


@pytest.mark.parametrize("period", ["THÁNG 02 NĂM 9999", "THÁNG 02 NĂM 0001", "THÁNG 13/2024"])
def test_a_bulletin_period_outside_1900_2100_is_ignored_and_reported(period):
    result = import_text(f"BẢN TIN\nTHÔNG TIN SINH HOẠT CHI BỘ {period}\n\nĐoạn.\n", "bulletin")
    assert (result.period_month, result.period_year) == (None, None)
    assert (
        f"Kỳ bản tin '{period}' không hợp lệ (tháng 1–12, năm 1900–2100) nên không được dùng"
        in result.report
    )


@pytest.mark.parametrize("kind", [*KINDS, "unknown", ""])
def test_odd_kinds_and_empty_text(kind):
    for text in ("", "\n\n", "BÁO CÁO", "Nơi nhận:", "PHỤ LỤC", "|", "⁽"):
        result = import_text(text, kind)
        assert isinstance(result, ImportResult)
        assert missing_words(text, result) == set()


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.text(), kind=st.sampled_from(KINDS))
@example(text="BáO CÁO", kind="bulletin")
@example(text="豈", kind="bulletin")  # U+F900, whose NFC form is another code point
def test_arbitrary_text_never_raises_and_keeps_words(text, kind):
    result = import_text(text, kind)
    assert isinstance(result, ImportResult)
    assert missing_words(text, result) == set()


_SEED_LINES = sorted(
    {line for name in SEED_KINDS for line in seed(name).splitlines()} if SEEDS.is_dir() else {""}
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    picks=st.lists(st.integers(min_value=0, max_value=len(_SEED_LINES) - 1), max_size=60),
    blank=st.booleans(),
    kind=st.sampled_from(KINDS),
    shuffle_seed=st.integers(min_value=0, max_value=2**16),
)
def test_shuffled_seed_lines_keep_words(picks, blank, kind, shuffle_seed):
    lines = [_SEED_LINES[i] for i in picks]
    random.Random(shuffle_seed).shuffle(lines)
    text = ("\n\n" if blank else "\n").join(lines)
    result = import_text(text, kind)
    assert missing_words(text, result) == set()


# -- outline marks: a), 1.1.1. -------------------------------------------------------------

OUTLINE_MARKS = """BÁO CÁO
tiêu đề

I. MỘT

1. Mục một

1.1. Con một

1.1.1. Cháu một

a) Ý thứ nhất

b) Ý thứ hai

c) Nội dung dài là một câu trọn vẹn, kết thúc bằng dấu chấm.

(1) Việc một

- gạch đầu dòng

+ dấu cộng
"""


def test_letter_items_and_three_level_numbers():
    result = import_text(OUTLINE_MARKS, "report")
    assert [(i.level, i.number, i.text) for i in result.outline] == [
        (1, "I", "MỘT"),
        (2, "1", "Mục một"),
        (3, "1.1", "Con một"),
        (4, "1.1.1", "Cháu một"),
        (4, "a", "Ý thứ nhất"),
        (4, "b", "Ý thứ hai"),
    ]
    body = result.body_html
    assert '<h5 id="h-4">1.1.1. Cháu một</h5>' in body
    assert '<h5 id="h-5">a) Ý thứ nhất</h5>' in body
    assert '<p class="item-num">c) Nội dung dài là một câu trọn vẹn' in body
    assert '<p class="item-num">(1) Việc một</p>' in body
    assert '<p class="item-dash">- gạch đầu dòng</p>' in body
    assert '<p class="item-plus">+ dấu cộng</p>' in body
    assert not [n for n in result.report if "số thứ tự '" in n]


def test_letter_heading_sits_one_level_under_its_numbered_heading():
    result = import_text("I. MỘT\n\n1. Mục\n\na) Ý một\n\nb) Ý hai\n", "guidance")
    assert [(i.level, i.number) for i in result.outline] == [(1, "I"), (2, "1"), (3, "a"), (3, "b")]
    assert '<h4 id="h-3">a) Ý một</h4>' in result.body_html


# -- numbering flaws -----------------------------------------------------------------------

NUMBERING_FLAWS = """I. MỘT

1. Mục một

1.1. Con một

1.3. Con ba

2. Mục hai

2. Mục hai lặp

a) Ý a

c) Ý c

b) Ý b

(1) việc một

(1) việc một lặp

(4) việc bốn

II. HAI

IV. BỐN

III. BA
"""


def test_numbering_that_skips_or_repeats_is_reported_with_its_line():
    result = import_text(NUMBERING_FLAWS, "guidance")
    flaws = [n for n in result.report if "số thứ tự '" in n]
    assert flaws == [
        "Dòng 7: số thứ tự '1.3' không liền sau '1.1' (thiếu 1.2)",
        "Dòng 11: số thứ tự '2' bị lặp lại",
        "Dòng 15: số thứ tự 'c)' không liền sau 'a)' (thiếu b))",
        "Dòng 17: số thứ tự 'b)' đứng sau 'c)' (đánh số lùi)",
        "Dòng 21: số thứ tự '(1)' bị lặp lại",
        "Dòng 23: số thứ tự '(4)' không liền sau '(1)' (thiếu (2), (3))",
        "Dòng 27: số thứ tự 'IV' không liền sau 'II' (thiếu III)",
        "Dòng 29: số thứ tự 'III' đứng sau 'IV' (đánh số lùi)",
    ]
    # The text is kept as written: every heading stays, with its own number.
    assert [i.number for i in result.outline if i.level == 1] == ["I", "II", "IV", "III"]
    assert [i.number for i in result.outline if i.level == 2] == ["1", "2", "2"]
    assert missing_words(NUMBERING_FLAWS, result) == set()


def test_numbering_restarts_are_not_flaws():
    text = "I. A\n\n1. Một\n\n2. Hai\n\nII. B\n\n1. Một\n\n1.1. Con\n\n(1) việc\n\n2. Hai\n"
    text += "\n1.1. Con mới\n\n(1) việc mới\n\nPHỤ LỤC\n\nI. PHỤ\n"
    assert not [n for n in import_text(text, "guidance").report if "số thứ tự '" in n]


def test_numbering_under_the_wrong_parent_and_long_gaps():
    text = "I. A\n\n1. Một\n\n1.1. Con\n\n2.2. Con của mục hai thiếu\n\n9. Chín\n"
    flaws = [n for n in import_text(text, "guidance").report if "số thứ tự '" in n]
    assert flaws == [
        "Dòng 7: số thứ tự '2.2' không nối tiếp mục đứng trước '1.1'",
        "Dòng 9: số thứ tự '9' không liền sau '2' (thiếu 3 … 8)",
    ]


def test_numbered_paragraph_lists_are_checked_apart_from_headings():
    text = "I. MỤC ĐÍCH\n\n1. Câu thứ nhất.\n\n3. Câu thứ ba.\n"
    result = import_text(text, "guidance")
    assert "Dòng 5: số thứ tự '3' không liền sau '1' (thiếu 2)" in result.report


@pytest.mark.parametrize("name", sorted(SEED_KINDS))
def test_seeds_have_no_numbering_flaws(name):
    assert not [n for n in imported(name).report if "số thứ tự '" in n]


# -- layout repairs off (the Word importer's mode) -----------------------------------------


def test_without_layout_repairs_paragraphs_and_footnotes_stay_apart():
    text = (
        "Đoạn mở chưa hết câu\n\ntiếp theo viết thường.\n\nGọi⁽¹⁾ đây.\n\n⁽¹⁾ - chú thích\n\n- mục"
    )
    kept = import_text(text, "report", layout_repairs=False)
    assert "<p>Đoạn mở chưa hết câu</p>\n<p>tiếp theo viết thường.</p>" in kept.body_html
    assert '<span class="footnote">- chú thích</span>' in kept.body_html
    assert '<p class="item-dash">- mục</p>' in kept.body_html
    repaired = import_text(text, "report")
    assert "Đoạn mở chưa hết câu tiếp theo viết thường." in repaired.body_html
    assert '<span class="footnote">- chú thích - mục</span>' in repaired.body_html


@settings(max_examples=100, deadline=None, derandomize=True)
@given(text=st.text(), kind=st.sampled_from(KINDS))
def test_arbitrary_text_without_repairs_keeps_words(text, kind):
    result = import_text(text, kind, layout_repairs=False)
    assert missing_words(text, result) == set()
