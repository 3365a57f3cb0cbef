"""Page breaks of the PDF, read back with pdftotext: the closing and long tables."""

import html
import re
import shutil
import subprocess

import pytest

from portal.rendering.pdf import render_pdf
from tests.portal import layout_docs

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")

WORD_RE = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def pdf_pages(data, tmp_path) -> list[str]:
    path = tmp_path / "layout.pdf"
    path.write_bytes(render_pdf(data))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("words", [0, 40, 90, 140])  # each left the closing alone before
def test_the_closing_never_stands_alone_on_a_page(words, tmp_path):
    pages = pdf_pages(layout_docs.closing_after(words), tmp_path)
    page = next(page for page in pages if "Nơi nhận:" in page)
    assert layout_docs.LAST_WORDS in page.split("Nơi nhận:")[0]  # the text's end came along
    assert "Nguyễn Văn An" in page  # and the closing is whole


@pytest.mark.parametrize("count", [20, 21])  # 20 left row 20 alone on the next page before
def test_a_table_never_leaves_one_row_alone_on_a_page(count, tmp_path):
    pages = [p for p in pdf_pages(layout_docs.table_rows(count), tmp_path) if "Chỉ tiêu số" in p]
    assert len(pages) == 2
    assert sum(page.count("Chỉ tiêu số") for page in pages) == count
    for page in pages:
        assert page.count("Chỉ tiêu số") >= 2
        assert "Đơn vị tính" in page  # the header row, repeated


@pytest.mark.parametrize("words", [320, 330])  # 330 left row 1 alone at a page's foot before
def test_a_table_never_starts_with_one_row_at_the_foot_of_a_page(words, tmp_path):
    pages = [p for p in pdf_pages(layout_docs.table_after(words), tmp_path) if "Hàng số" in p]
    assert sum(page.count("Hàng số") for page in pages) == 8
    assert all(page.count("Hàng số") >= 2 for page in pages), [p.count("Hàng số") for p in pages]


def test_merged_cells_print_once_across_their_columns(tmp_path):
    path = tmp_path / "spans.pdf"
    path.write_bytes(render_pdf(layout_docs.spans()))
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    words = [(*map(float, m[:4]), html.unescape(m[4])) for m in WORD_RE.findall(out)]
    text = " ".join(word[4] for word in words)
    for phrase in ("Số đảng viên", "Sáp nhập vào chi bộ số 1", "Đầu kỳ", "Cuối kỳ"):
        assert text.count(phrase) == 1, phrase
    first = {word[4]: word for word in reversed(words)}

    def centre(word: str) -> float:
        return (first[word][0] + first[word][2]) / 2

    assert centre("Đầu") < centre("đảng") < centre("Cuối")  # "Số đảng viên" over both
    # One cell across two columns: its text runs on one line into the second column.
    line = [word for word in words if abs(word[1] - first["Sáp"][1]) < 1]
    assert " ".join(word[4] for word in line).endswith("Sáp nhập vào chi bộ số 1")
    assert max(word[2] for word in line) > first["37"][0]  # where the second column starts
    # "1" spans two rows: printed once, on the first of them.
    assert first["1"][1] == pytest.approx(first["Chi"][1], abs=2)
