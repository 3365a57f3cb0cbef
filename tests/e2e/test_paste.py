"""Pasting from Word and LibreOffice into the editor keeps footnotes (paste.js, editor.js).

The clipboard HTML is in tests/e2e/clipboard/ (see its README for where each file comes
from). A paste is a real paste event with that HTML in its DataTransfer, as CKEditor's own
clipboard tests make one; the footnotes are then looked for in the saved revision and in
the draft PDF.
"""

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.models import Document
from portal.services.demo import demo_tree_load
from tests.e2e.conftest import login, shot
from tests.factories import make_document

CLIPBOARD = Path(__file__).resolve().parent / "clipboard"
FOOTNOTES = re.compile(r'<span class="footnote">(.*?)</span>', re.S)
OFFICE_NOTES = [
    "Hội nghị tổ chức tại Hội trường Quận ủy Đồ Sơn.",
    "Kết luận số 123-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương.",
    "Nghị quyết về đột phá phát triển khoa học, công nghệ.",
]
TYPED_NOTES = [
    "Theo Thông báo số 01-TB/TW của Ban Chấp hành Trung ương.",
    "Kế hoạch số 25-KH/TU ngày 10/3/2025 của Ban Thường vụ Thành ủy.",
    "Hướng dẫn số 127-HD/BTGTU của Ban Tuyên giáo Thành ủy.",
]
SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹")

PASTE = """html => {
  const editable = document.querySelector(".ck-editor__editable");
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", new DOMParser().parseFromString(html, "text/html").body.innerText);
  editable.dispatchEvent(new ClipboardEvent("paste", {
    clipboardData: data, bubbles: true, cancelable: true,
  }));
}"""
CONVERT = "html => window.portalPaste.convertFootnotes(html)"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft() -> Document:
    orgs, users = demo_tree_load()
    return make_document(users, orgs, body_html="<p>Nội dung có sẵn của bản tin.</p>")


def _paste_at_end(page: Page, fixture: str) -> None:
    page.locator(".ck-editor__editable").click()
    page.keyboard.press("Control+End")
    page.evaluate(PASTE, (CLIPBOARD / fixture).read_text(encoding="utf-8"))


def _edit(browser, live_server, document: Document) -> Page:
    page = login(browser, live_server, "doson.editor")
    page.goto(f"{live_server.url}/van-ban/{document.pk}/sua/")
    page.wait_for_selector("html[data-editor-ready='1']")
    return page


def _saved_body(page: Page, document: Document) -> str:
    page.click("#save")
    expect(page.locator("h1")).to_have_text(document.title)
    document.refresh_from_db()
    return document.current_revision.body_html


def _draft_pdf_text(page: Page, live_server, document: Document, tmp_path: Path) -> str:
    response = page.request.get(f"{live_server.url}/van-ban/{document.pk}/du-thao.pdf")
    assert response.status == 200, response.status
    path = tmp_path / "du-thao.pdf"
    path.write_bytes(response.body())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


@pytest.mark.parametrize(
    ("fixture", "notes", "message"),
    [
        ("word-footnotes.html", OFFICE_NOTES, "Đã chuyển 3 chú thích từ Word."),
        ("libreoffice-footnotes.html", OFFICE_NOTES, "Đã chuyển 3 chú thích từ LibreOffice."),
        ("typed-footnotes.html", TYPED_NOTES, "Đã chuyển 3 chú thích gõ tay"),
    ],
)
def test_pasted_footnotes_are_saved_and_printed(
    browser, live_server, draft, tmp_path, fixture, notes, message
):
    page = _edit(browser, live_server, draft)
    _paste_at_end(page, fixture)

    report = page.locator("#paste-report")
    expect(report).to_be_visible()
    expect(report).to_contain_text(message)
    expect(report).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator(".ck-editor__editable .footnote")).to_have_text(notes)
    shot(page, f"paste-{fixture.removesuffix('.html')}")

    body = _saved_body(page, draft)
    assert FOOTNOTES.findall(body) == notes
    assert "Nội dung có sẵn của bản tin." in body
    assert "sdfootnote" not in body and "_ftn" not in body and "[1]" not in body
    assert not SUPERSCRIPTS & set(body)
    assert "<ol" not in body and "<li" not in body  # no note became a numbered item
    # The note lines are gone from the text: each note is only in its footnote.
    for note in notes:
        assert body.count(note) == 1

    text = _draft_pdf_text(page, live_server, draft, tmp_path)
    assert not SUPERSCRIPTS & set(text)
    for note in notes:
        assert note in text
    # Notes print at the page's foot, after the text that calls them.
    assert text.index(notes[0]) > text.index("Nội dung có sẵn của bản tin.")


def test_what_cannot_be_kept_is_said_and_no_text_is_lost(browser, live_server, draft):
    page = _edit(browser, live_server, draft)
    _paste_at_end(page, "typed-incomplete.html")

    report = page.locator("#paste-report")
    expect(report).to_have_class(re.compile(r"\bwarning\b"))
    expect(report).to_contain_text("Đã chuyển 1 chú thích gõ tay")
    expect(report).to_contain_text(
        "1 chú thích không tìm thấy nội dung, số chú thích được để nguyên trong văn bản:"
        " ² (sau «điểm cầu cơ sở»)."
    )
    expect(report).to_contain_text(
        "1 nội dung chú thích không tìm thấy chỗ gọi, được giữ thành đoạn riêng ở cuối phần"
        " dán: Danh sách điểm cầu kèm theo Công văn số 45-CV/BTGQU."
    )
    shot(page, "paste-warning")

    body = _saved_body(page, draft)
    assert FOOTNOTES.findall(body) == ["Theo Kế hoạch số 12-KH/BTGQU."]
    assert "các điểm cầu cơ sở² tham dự" in body
    assert '<p class="unplaced">Danh sách điểm cầu kèm theo Công văn số 45-CV/BTGQU.</p>' in body


def test_convert_footnotes_on_its_own(browser, live_server, draft):
    """The pure function of paste.js, on the cases the fixtures do not hold."""
    page = _edit(browser, live_server, draft)

    def convert(html: str) -> dict:
        return page.evaluate(CONVERT, html)

    # A Word call whose note is not on the clipboard, and a note without its call.
    word = convert(
        '<p>Câu một<a href="#_ftn1" name="_ftnref1"><span class="MsoFootnoteReference">[1]'
        "</span></a> và câu hai.</p><div style='mso-element:footnote-list'><hr>"
        '<div id="ftn2"><p><a href="#_ftnref2" name="_ftn2">[2]</a> Chú thích lạc.</p></div>'
        "</div>"
    )
    assert word["report"] == {
        "source": "word",
        "converted": 0,
        "missing": ["[1] (sau «Câu một»)"],
        "unplaced": ["Chú thích lạc."],
    }
    assert '<p class="unplaced">Chú thích lạc.</p>' in word["html"]
    assert "<hr>" not in word["html"]

    # Word's footnotes as CKEditor's Paste from Office rewrites them before paste.js runs.
    rewritten = convert(
        '<p>Câu<sup class="footnote"><a id="ref-ftn1" href="#ftn1"></a></sup> tiếp.</p>'
        '<ol class="footnotes"><li class="footnote-definition" id="ftn1">'
        '<a class="footnote-backlink" href="#ref-ftn1">^</a><div class="footnote-content">'
        "<p>&nbsp;Nội dung chú thích.</p></div></li></ol>"
    )
    assert rewritten["html"] == '<p>Câu<span class="footnote">Nội dung chú thích.</span> tiếp.</p>'
    assert rewritten["report"]["converted"] == 1

    # A rewritten call whose note is missing stays visible as its number.
    lone = convert('<p>Câu<sup class="footnote"><a id="ref-ftn4" href="#ftn4"></a></sup>.</p>')
    assert lone["html"] == "<p>Câu<sup>4</sup>.</p>"
    assert lone["report"]["missing"] == ["4 (sau «Câu»)"]

    # A LibreOffice note in several paragraphs becomes one footnote.
    office = convert(
        '<p>Đoạn<a class="sdfootnoteanc" href="#sdfootnote1sym"><sup>1</sup></a> tiếp.</p>'
        '<div id="sdfootnote1"><p class="sdfootnote"><a class="sdfootnotesym"'
        ' href="#sdfootnote1anc">1</a>Dòng một.</p><p>Dòng hai.</p></div>'
    )
    assert office["html"] == '<p>Đoạn<span class="footnote">Dòng một. Dòng hai.</span> tiếp.</p>'

    # Numbered lines at the end with no call are text, and a superscript after a space or
    # without note lines is not a call: nothing is touched, nothing is reported.
    for html in (
        "<p>Các nhiệm vụ:</p><p>1 Tuyên truyền.</p><p>2 Kiểm tra.</p>",
        "<p>Diện tích 25 m² của hội trường.</p>",
        "<p>Số mũ đứng riêng ² không phải chỗ gọi.</p><p>2 Dòng cuối.</p>",
    ):
        result = convert(html)
        assert result["report"]["source"] is None, html
        assert result["html"] == html

    # A note line "1 …" whose number does not follow on breaks the run of notes.
    typed = convert("<p>Câu<sup>1</sup> cuối.</p><p>3 Dòng lẻ.</p><p>1 Chú thích một.</p>")
    assert typed["report"]["converted"] == 1
    assert '<p>Câu<span class="footnote">Chú thích một.</span> cuối.</p>' in typed["html"]
    assert "<p>3 Dòng lẻ.</p>" in typed["html"]
