"""The reviewers' draft PDF: marked, unnumbered, of the current revision, kept per revision."""

import re
import subprocess
from pathlib import Path

from django.test import Client
from django.urls import reverse

from portal.models import Organisation, RenderedFile
from portal.rendering.common import NBSP, number_line
from portal.services.documents import document_update
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_return,
    document_submit,
)
from tests.factories import BODY, login_two_step, make_document, run_tasks

NEW_BODY = "<h2>I. TIN TRONG NƯỚC</h2><p>Quốc hội thông qua Luật Thủ đô sửa đổi.</p>"
LONG_BODY = BODY + "".join(
    f"<p>{i}. Các chi bộ tổ chức quán triệt tới đảng viên các nghị quyết của Đảng, "
    "phát huy vai trò tiền phong, gương mẫu của đảng viên trong khu dân cư.</p>"
    for i in range(1, 40)
)


def _pdftotext(path: Path, *, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", "-layout", *pages, str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def _client(user) -> Client:
    client = Client()
    login_two_step(client, user)
    return client


def _draft(client: Client, document, tmp_path: Path, name: str = "draft.pdf"):
    response = client.get(reverse("portal:document_draft_pdf", args=[document.pk]))
    assert response.status_code == 200, response.content[:300]
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return response, path


def _drafts():
    return RenderedFile.objects.filter(format="draft")


def test_the_number_line_of_an_unnumbered_draft_keeps_the_symbol():
    assert number_line("", "BT/BTGQU") == f"Số{NBSP * 8}-BT/BTGQU"
    assert number_line("12-BT/BTGQU", "BT/BTGQU") == "Số 12-BT/BTGQU"


def test_the_draft_is_marked_on_every_page_unnumbered_and_undated(users, orgs, tmp_path):
    editor = users["doson.editor"]
    document = make_document(users, orgs, state="draft")
    document_update(document=document, actor=editor, title=document.title, body_html=LONG_BODY)
    document = document_submit(document=document, actor=editor)
    response, path = _draft(_client(users["doson.head"]), document, tmp_path)
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and "Du-thao" in disposition
    assert f"r{document.current_revision.number}.pdf" in disposition
    text = _pdftotext(path)
    assert "DỰ THẢO" in text
    assert _pages(path) >= 2
    for page in range(2, _pages(path) + 1):  # the watermark, page after page
        assert "DỰ THẢO" in _pdftotext(path, page=page), page
    # "Số" then a blank for the number, then the kind's code and the issuer's symbol.
    assert re.search(r"Số\s+-BT/BTGQU", text)
    assert not re.search(r"\d\s*-BT/BTGQU", text)
    assert re.search(r"Đồ Sơn, ngày\s+tháng\s+năm\s*$", text, re.M)
    assert "Chủ tịch nước Lương Cường" in text
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)


def test_a_second_open_serves_the_kept_file(users, orgs, tmp_path):
    document = make_document(users, orgs, state="draft")
    client = _client(users["doson.editor"])
    _response, first = _draft(client, document, tmp_path, "first.pdf")
    kept = _drafts().get()
    _response, second = _draft(client, document, tmp_path, "second.pdf")
    # The PDF's creation time changes with every render: equal bytes, one render.
    assert second.read_bytes() == first.read_bytes()
    assert list(_drafts().values_list("pk", "file")) == [(kept.pk, kept.file.name)]
    assert kept.revision_id == document.current_revision_id


def test_a_new_revision_gets_its_own_draft(users, orgs, tmp_path):
    document = make_document(users, orgs, state="draft")
    client = _client(users["doson.editor"])
    _draft(client, document, tmp_path, "first.pdf")
    revision = document_update(
        document=document, actor=users["doson.editor"], title=document.title, body_html=NEW_BODY
    )
    document.refresh_from_db()
    _response, path = _draft(client, document, tmp_path, "second.pdf")
    text = _pdftotext(path)
    assert "Quốc hội thông qua Luật Thủ đô sửa đổi." in text
    assert "Lương Cường" not in text
    assert _drafts().count() == 2
    assert _drafts().filter(revision=revision).exists()


def test_what_changes_without_a_new_revision_is_rendered_again(users, orgs, tmp_path):
    """The issuer's printed names are not part of the revision; the reviewer sees them new."""
    document = make_document(users, orgs, state="submitted")
    client = _client(users["doson.head"])
    _draft(client, document, tmp_path, "first.pdf")
    old = _drafts().get()
    Organisation.objects.filter(code="doson-btg").update(parent_line="QUẬN ỦY ĐỒ SƠN MỚI")
    _response, path = _draft(client, document, tmp_path, "second.pdf")
    assert "QUẬN ỦY ĐỒ SƠN MỚI" in _pdftotext(path)
    again = _drafts().get()  # still one file for the revision, made anew
    assert again.file.name != old.file.name and again.etag != old.etag


def test_reviewers_along_the_chain_open_it_and_readers_never(users, orgs):
    document = make_document(users, orgs, state="submitted")
    url = reverse("portal:document_draft_pdf", args=[document.pk])
    assert _client(users["doson.head"]).get(url).status_code == 200  # holds step 1
    assert _client(users["vanhuong.secretary"]).get(url).status_code == 404
    document = document_forward(document=document, actor=users["doson.head"])
    assert _client(users["hp.approver"]).get(url).status_code == 200  # holds step 2
    assert _client(users["hn.approver"]).get(url).status_code == 404  # another city


def test_the_detail_page_links_the_draft_until_approval(users, orgs):
    document = make_document(users, orgs, state="forwarded")
    page = reverse("portal:document_detail", args=[document.pk])
    link = reverse("portal:document_draft_pdf", args=[document.pk])
    approver = _client(users["hp.approver"])
    content = approver.get(page).content.decode()
    assert f'href="{link}"' in content and "Xem bản PDF dự thảo" in content
    document_approve(document=document, actor=users["hp.approver"])
    assert f'href="{link}"' not in approver.get(page).content.decode()
    assert approver.get(link).status_code == 403


def test_the_official_pdf_is_never_the_draft(users, orgs, tmp_path):
    document = make_document(users, orgs, state="forwarded")
    approver = _client(users["hp.approver"])
    _draft(approver, document, tmp_path, "draft.pdf")
    document = document_approve(document=document, actor=users["hp.approver"])
    run_tasks()
    official = RenderedFile.objects.get(revision=document.approved_revision, format="pdf")
    draft = _drafts().get(revision=document.approved_revision)
    assert official.file.name != draft.file.name
    path = tmp_path / "official.pdf"
    path.write_bytes(official.file.read())
    text = _pdftotext(path)
    assert "DỰ THẢO" not in text
    assert f"Số {document.number}" in text and document.number == "1-BT/BTGQU"
    link = approver.get(reverse("portal:document_pdf", args=[document.pk]))["Location"]
    assert b"".join(approver.get(link).streaming_content) == path.read_bytes()


def test_a_draft_that_cannot_be_made_says_so(users, orgs, settings):
    settings.RENDER_TIMEOUT_SECONDS = 0.001
    document = make_document(users, orgs, state="draft")
    client = _client(users["doson.editor"])
    response = client.get(reverse("portal:document_draft_pdf", args=[document.pk]))
    assert response.status_code == 503
    assert 'id="draft-pdf-failed"' in response.content.decode()
    assert not _drafts().exists()


def page_images(path: Path, tmp_path: Path):
    """Each page of the PDF as poppler renders it in grey at 50 dpi, with its pixels per
    millimetre (on A4 either way: an appendix page may be landscape)."""
    from PIL import Image

    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(path), str(prefix)], check=True)
    for page in sorted(tmp_path.glob(f"{path.stem}-*.pgm")):
        image = Image.open(page)
        width, height = image.size
        yield image, width / (210 if width < height else 297)


def _margin_marks(path: Path, tmp_path: Path) -> list[int]:
    """Per page, the dark pixels in the band of the left margin where the marks print (from
    12 to 27 mm of the 30 mm margin)."""
    return [
        sum(image.crop((int(12 * mm), 0, int(27 * mm), image.height)).histogram()[:100])
        for image, mm in page_images(path, tmp_path)
    ]


def test_the_reviewer_prints_the_draft_with_the_changes_since_their_review_marked(
    users, orgs, tmp_path
):
    editor, head = users["doson.editor"], users["doson.head"]
    document = make_document(users, orgs, state="draft")
    document_update(document=document, actor=editor, title=document.title, body_html=LONG_BODY)
    document = document_submit(document=document, actor=editor)
    reviewed = document.current_revision.number
    document = document_return(document=document, actor=head, reason="Sửa đoạn 30.")
    edited = LONG_BODY.replace("<p>30. Các chi bộ", "<p>30. Tất cả các chi bộ")
    document_update(document=document, actor=editor, title=document.title, body_html=edited)
    document = document_submit(document=document, actor=editor)
    client = _client(head)
    url = reverse("portal:document_draft_pdf", args=[document.pk])

    page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    link = f"{url}?danh-dau=1&amp;tu={reviewed}"
    assert link in page  # in "Trước khi duyệt"
    response = client.get(f"{url}?danh-dau=1")  # since the head's review by default
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"-tu-r{reviewed}.pdf" in response["Content-Disposition"]
    marked = tmp_path / "marked.pdf"
    marked.write_bytes(response.content)
    _response, plain = _draft(client, document, tmp_path, "plain.pdf")

    # The same pages and words; a bar in the margin on the one page holding the change.
    assert _pages(marked) == _pages(plain)
    assert _pdftotext(marked) == _pdftotext(plain)
    changed_page = next(
        n for n in range(1, _pages(plain) + 1) if "30. Tất cả" in _pdftotext(plain, page=n)
    )
    marks = _margin_marks(marked, tmp_path)
    assert [n for n, count in enumerate(marks, start=1) if count] == [changed_page]
    assert not any(_margin_marks(plain, tmp_path))
    assert _drafts().count() == 1  # the plain draft; the marked one is not kept


def test_the_marked_draft_is_for_those_who_see_the_draft(users, orgs):
    document = make_document(users, orgs, state="submitted")
    url = reverse("portal:document_draft_pdf", args=[document.pk]) + "?danh-dau=1"
    response = _client(users["vanhuong.secretary"]).get(url)
    assert response.status_code in (403, 404)
