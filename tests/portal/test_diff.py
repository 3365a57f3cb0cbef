"""The Vietnamese word diff of two revisions, on real revisions of the seed documents."""

import re
import time
import unicodedata
from functools import cache

import pytest

from portal.diff import (
    CHANGED,
    EQUAL,
    MOVED,
    body_blocks,
    diff_bodies,
    marked_body,
    tokens,
    word_ops,
)
from tests.portal.test_importer import SEED_KINDS, imported


@cache
def seed_body(name: str) -> str:
    """The body a seed is imported with, as the portal imports it."""
    return imported(name).body_html


def _changes(diff) -> list[tuple[str, str]]:
    """Every inserted or deleted run of the diff: text, cells and footnotes."""
    runs = []
    for block in diff.blocks:
        for ops in [block.words, *block.cells, *block.notes]:
            runs += [(op.tag, op.text) for op in ops if op.tag != "equal"]
    return runs


def _paragraphs(body: str) -> list[re.Match]:
    return list(re.finditer(r"<p[ >].*?</p>", body, re.S))


def test_tokens_are_syllables_numbers_and_punctuation():
    words = [word for word, _ in tokens("Quý I/2023 đạt 116.442,134 tỷ đồng (tăng 9,65%).")]
    assert words == [
        "Quý", "I", "/", "2023", "đạt", "116.442,134", "tỷ", "đồng",
        "(", "tăng", "9,65", "%", ")", ".",
    ]  # fmt: skip


def test_case_and_diacritics_count_as_changes():
    assert [(op.tag, op.text) for op in word_ops("Đảng bộ", "đảng bộ")] == [
        ("delete", "Đảng"),
        ("insert", "đảng"),
        ("equal", "bộ"),
    ]
    assert [(op.tag, op.text) for op in word_ops("tuyên truyền", "tuyến truyền")] == [
        ("delete", "tuyên"),
        ("insert", "tuyến"),
        ("equal", "truyền"),
    ]


@pytest.mark.parametrize("name", sorted(SEED_KINDS))
def test_nfd_to_nfc_conversion_shows_no_change(name):
    body = seed_body(name)
    decomposed = unicodedata.normalize("NFD", body)
    assert decomposed != body
    diff = diff_bodies(body, decomposed)
    assert diff.unchanged
    assert _changes(diff) == []
    assert len(diff.blocks) == len(body_blocks(body)) > 50


def test_one_syllable_changed_shows_only_that_token():
    body = seed_body("bulletin-2024-12-doson.txt")
    assert "tuyên truyền" in body
    edited = body.replace("tuyên truyền", "tuyến truyền", 1)
    diff = diff_bodies(body, edited)
    assert _changes(diff) == [("delete", "tuyên"), ("insert", "tuyến")]
    assert [block.kind for block in diff.blocks].count(CHANGED) == 1
    assert diff.counts == {"changed": 1, "inserted": 0, "deleted": 0, "moved": 0}


def test_a_moved_paragraph_shows_as_moved():
    body = seed_body("bulletin-2024-12-doson.txt")
    paragraphs = _paragraphs(body)
    moved, target = paragraphs[3], paragraphs[20]
    edited = (
        body[: moved.start()]
        + body[moved.end() : target.end()]
        + moved.group()
        + body[target.end() :]
    )
    diff = diff_bodies(body, edited)
    assert diff.counts == {"changed": 0, "inserted": 0, "deleted": 0, "moved": 1}
    places = [block for block in diff.blocks if block.kind == MOVED]
    assert [place.moved_away for place in places] == [True, False]
    assert places[0].move == places[1].move == 1
    assert places[1].new.text == places[1].old.text == body_blocks(moved.group())[0].text
    assert _changes(diff) == []


def test_a_moved_and_lightly_edited_paragraph_is_moved_with_its_edit():
    body = seed_body("guidance-2024-haibatrung.txt")
    paragraphs = _paragraphs(body)
    moved, target = paragraphs[5], paragraphs[30]
    assert " và " in moved.group()
    retouched = moved.group().replace(" và ", " cùng ", 1)
    edited = (
        body[: moved.start()] + body[moved.end() : target.end()] + retouched + body[target.end() :]
    )
    diff = diff_bodies(body, edited)
    assert diff.counts["moved"] == 1 and diff.counts["deleted"] == diff.counts["inserted"] == 0
    assert _changes(diff) == [("delete", "và"), ("insert", "cùng")]


def test_an_edited_footnote_shows_the_footnote_change_only():
    body = seed_body("report-2023-q1-haiphong.txt")
    start = body.index('<span class="footnote">')
    note_start = start + len('<span class="footnote">')
    assert body[note_start:].startswith("Kế hoạch của Ban Thường vụ Thành ủy")
    edited = body[:note_start] + "Chương trình" + body[note_start + len("Kế hoạch") :]
    diff = diff_bodies(body, edited)
    (changed,) = [block for block in diff.blocks if block.kind != EQUAL]
    assert changed.kind == CHANGED
    assert [op.tag for op in changed.words] == ["equal"]
    assert [(op.tag, op.text) for op in changed.notes[0][:2]] == [
        ("delete", "Kế hoạch"),
        ("insert", "Chương trình"),
    ]
    assert _changes(diff) == [("delete", "Kế hoạch"), ("insert", "Chương trình")]


def test_a_number_changed_in_a_table_shows_that_cell():
    body = seed_body("report-2023-q1-haiphong.txt")
    assert body.count(">116.442,134<") == 1
    edited = body.replace(">116.442,134<", ">116.500,000<")
    diff = diff_bodies(body, edited)
    (changed,) = [block for block in diff.blocks if block.kind != EQUAL]
    assert changed.kind == CHANGED and changed.is_row
    cells = [[(op.tag, op.text) for op in ops] for ops in changed.cells]
    altered = [index for index, ops in enumerate(cells) if ops != [("equal", ops[0][1])]]
    assert altered == [3]  # the plan column
    assert cells[3] == [("delete", "116.442,134"), ("insert", "116.500,000")]
    assert changed.new.cells[1] == "Tổng thu ngân sách trên địa bàn, trong đó:"


def test_inserted_and_deleted_paragraphs():
    body = seed_body("guidance-2024-haibatrung.txt")
    paragraphs = _paragraphs(body)
    gone = paragraphs[10]
    edited = body[: gone.start()] + body[gone.end() :]
    added = "<p>Đoạn mới về công tác tuyên truyền trên không gian mạng.</p>"
    edited = edited.replace(paragraphs[40].group(), paragraphs[40].group() + added, 1)
    diff = diff_bodies(body, edited)
    assert diff.counts == {"changed": 0, "inserted": 1, "deleted": 1, "moved": 0}
    assert _changes(diff) == [
        ("delete", body_blocks(gone.group())[0].text),
        ("insert", "Đoạn mới về công tác tuyên truyền trên không gian mạng."),
    ]


def test_unchanged_runs_are_folded_around_the_changes():
    body = seed_body("bulletin-2024-12-doson.txt")
    diff = diff_bodies(body, body.replace("tuyên truyền", "tuyến truyền", 1))
    kinds = [group.kind for group in diff.groups]
    assert kinds.count("folded") == 2
    shown = [block for group in diff.groups if group.kind != "folded" for block in group.blocks]
    assert [block.kind for block in shown].count(CHANGED) == 1


def test_a_twenty_page_seed_with_many_edits_compares_in_under_half_a_second():
    body = seed_body("guidance-2024-haibatrung.txt")
    pieces = body.split("</p>")
    edited = [p.replace(" và ", " hoặc ", 1) if i % 3 == 0 else p for i, p in enumerate(pieces)]
    edited.insert(30, edited.pop(5))
    started = time.perf_counter()
    diff = diff_bodies(body, "</p>".join(edited))
    assert time.perf_counter() - started < 0.5
    assert diff.counts["changed"] > 20 and diff.counts["moved"] == 1


def _marked(body: str) -> list[tuple[str, str]]:
    """(class, text) of every block of a marked body that carries a mark."""
    found = re.finditer(
        r'<(p|tr|li|h\d)\b[^>]*class="[^"]*\b(rev-mark|rev-cut)\b[^>]*>(.*?)</\1>', body, re.S
    )
    return [(m.group(2), re.sub(r"<[^>]+>", "", m.group(3))) for m in found]


def test_marks_for_print_fall_on_the_changed_blocks_only():
    body = seed_body("report-2023-q1-haiphong.txt")
    paragraphs = _paragraphs(body)
    edited = body.replace(">116.442,134<", ">116.500,000<")  # a table row
    edited = edited.replace(paragraphs[5].group(), "", 1)  # a paragraph deleted
    changed = paragraphs[12].group().replace("</p>", " Thêm một câu.</p>", 1)
    edited = edited.replace(paragraphs[12].group(), changed, 1)
    marked, count = marked_body(body, edited)
    assert count == 2
    marks = _marked(marked)
    assert [name for name, _ in marks] == ["rev-cut", "rev-mark", "rev-mark"]
    assert marks[0][1].startswith(body_blocks(paragraphs[6].group())[0].text[:40])
    assert marks[1][1].endswith("Thêm một câu.")
    assert "116.500,000" in marks[2][1]
    # Only start tags changed: without the marks it is the edited body, byte for byte.
    unmarked = re.sub(r" ?\b(rev-mark|rev-cut)\b", "", marked).replace(' class=""', "")
    assert unmarked == edited


def test_an_unchanged_body_has_no_marks():
    body = seed_body("guidance-2024-haibatrung.txt")
    assert marked_body(body, body) == (body, 0)
