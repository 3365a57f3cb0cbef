"""Every stored body passes the allow-list: on save and on import."""

import pytest

from portal.sanitize import sanitize_html
from portal.services.documents import document_update
from portal.services.imports import document_import
from tests.factories import make_document

ATTACKS = [
    ("<script>alert(1)</script><p>ok</p>", "<script"),
    ('<p onclick="alert(1)">ok</p>', "onclick"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<img src="http://169.254.169.254/latest/meta-data">', "169.254"),
    ('<img src="https://example.org/track.png">', "example.org"),
    ('<img src="/media/images/../../etc/passwd">', "passwd"),
    # Browsers resolve %2e%2e as "..": an image that would make the reader's browser fetch
    # the download view (and record a receipt the reader never asked for).
    ('<img src="/media/images/%2e%2e/%2e%2e/van-ban/4/pdf/">', "van-ban"),
    ('<img src="/media/images/2024/01/0123456789abcdef0123456789abcdef.svg">', ".svg"),
    ('<iframe src="https://example.org"></iframe>', "iframe"),
    ('<p style="background:url(http://x)">ok</p>', "style"),
    ('<span class="footnote evil">x</span>', "evil"),
]


@pytest.mark.parametrize(("html", "forbidden"), ATTACKS)
def test_sanitizer_removes(html, forbidden):
    assert forbidden not in sanitize_html(html)


def test_sanitizer_keeps_the_document_structure():
    html = (
        '<h2 id="h-1">I. MỤC ĐÍCH</h2><p class="item-dash">- Nội dung <strong>đậm</strong>'
        '<span class="footnote">Chú thích</span></p><table><thead><tr><th>TT</th></tr></thead>'
        '<tbody><tr><td class="num">116.442,134</td></tr></tbody></table>'
        '<img src="/media/images/2024/01/0123456789abcdef0123456789abcdef.png">'
    )
    assert sanitize_html(html) == html


def test_characters_xml_cannot_hold_are_removed_from_bodies_and_fields(users, orgs):
    assert sanitize_html("<p>a\x01b\x0bc\ufffed</p>") == "<p>ab cd</p>"
    assert sanitize_html("<p>Dòng&#11;hai&#1;&#xFFFF;</p>") == "<p>Dòng hai</p>"  # as references
    document = make_document(users, orgs)
    revision = document_update(
        document=document,
        actor=users["doson.editor"],
        title="Dòng một\x0bdòng hai\x00",
        body_html="<p>Nội\x08 dung</p>",
        fields={"signer_name": "Nguyễn\x1fVăn A", "recipients": "- Như trên,\n- Lưu."},
    )
    document.refresh_from_db()
    assert document.title == "Dòng một dòng hai"
    assert document.signer_name == "NguyễnVăn A"
    assert document.recipients == "- Như trên,\n- Lưu."
    assert revision.body_html == "<p>Nội dung</p>"


def test_saved_body_is_sanitised(users, orgs):
    document = make_document(users, orgs)
    revision = document_update(
        document=document,
        actor=users["doson.editor"],
        title="t",
        body_html='<p onmouseover="x()">Bản tin</p><script>steal()</script>',
    )
    assert revision.body_html == "<p>Bản tin</p>"


def test_imported_body_is_sanitised(users, orgs):
    text = "BẢN TIN\nTHÔNG TIN SINH HOẠT CHI BỘ THÁNG 1 NĂM 2025\nI. MỤC <script>x()</script>\n"
    document, _ = document_import(
        text=text, kind="bulletin", issuer=orgs["doson-btg"], actor=users["doson.editor"]
    )
    assert "<script" not in document.current_revision.body_html
    assert "&lt;script&gt;" in document.current_revision.body_html
