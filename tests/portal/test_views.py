"""Pages, forms and refusals: clear Vietnamese messages, right status codes, nothing half-saved."""

import io
import re
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal.models import Document, DocumentImage, Receipt, RenderedFile
from tests.factories import APPROVE_NOW, login_two_step, make_document, run_tasks


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_editor_creates_a_bulletin(client, users, orgs):
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_new", args=["bulletin"]),
        {
            "issuer": orgs["doson-btg"].pk,
            "title": "Thông tin sinh hoạt chi bộ tháng 1 năm 2025",
            "body": "<h2>I. ĐỐI NGOẠI</h2><p onclick='x'>Nội dung</p>",
            "period_month": 1,
            "period_year": 2025,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.bulletin.period_month == 1
    assert document.current_revision.body_html == "<h2>I. ĐỐI NGOẠI</h2><p>Nội dung</p>"


def test_invalid_form_is_refused_and_nothing_saved(client, users, orgs):
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_new", args=["bulletin"]),
        {"issuer": orgs["doson-btg"].pk, "title": "", "period_month": 13, "period_year": 2025},
    )
    assert response.status_code == 400
    assert "Trường này là bắt buộc" in response.content.decode()
    assert Document.objects.count() == 0


def test_editor_cannot_pick_another_department_as_issuer(client, users, orgs):
    client.force_login(users["doson.editor"])
    response = client.post(
        reverse("portal:document_new", args=["guidance"]),
        {"issuer": orgs["ngoquyen-btg"].pk, "title": "x"},
    )
    assert response.status_code == 400
    assert Document.objects.count() == 0


def test_unknown_kind_and_id_are_404_in_vietnamese(client, users):
    client.force_login(users["doson.editor"])
    assert client.get("/van-ban/moi/poem/").status_code == 404
    response = client.get("/van-ban/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_approving_twice_answers_409_with_a_message(client, users, orgs):
    document = make_document(users, orgs, state="forwarded")
    login_two_step(client, users["hp.approver"])
    url = reverse("portal:document_transition", args=[document.pk, "approve"])
    assert client.post(url, APPROVE_NOW).status_code == 302
    response = client.post(url, APPROVE_NOW)
    assert response.status_code == 409
    assert "không ở bước phê duyệt" in response.content.decode()


def test_return_without_reason_is_400(client, users, orgs):
    document = make_document(users, orgs, state="submitted")
    client.force_login(users["doson.head"])
    url = reverse("portal:document_transition", args=[document.pk, "return"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Phải nêu lý do" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Document.Status.SUBMITTED


def test_editing_an_approved_document_is_refused(client, users, orgs):
    document = make_document(users, orgs, state="approved")
    client.force_login(users["doson.editor"])
    response = client.post(reverse("portal:document_edit", args=[document.pk]), {"title": "x"})
    assert response.status_code == 409  # the editor's page comes back, nothing saved
    assert "vừa được trình hoặc phê duyệt" in response.content.decode()
    document.refresh_from_db()
    assert document.title != "x" and document.revisions.count() == 1


def test_reader_downloads_the_stored_pdf_and_a_receipt_is_recorded(client, users, orgs):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    url = reverse("portal:document_pdf", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/tep/")
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].endswith(
        "filename*=UTF-8''B%E1%BA%A3n%20tin%20th%C3%A1ng%2012-2024%20Ban%20Tuy%C3%AAn%20gi%C3%A1o"
        "%20Qu%E1%BA%ADn%20%E1%BB%A7y%20%C4%90%E1%BB%93%20S%C6%A1n.pdf"
    )
    client.get(url)
    receipt = Receipt.objects.get(document=document)
    assert receipt.organisation == orgs["doson-vanhuong-cb1"]


def test_the_history_is_shown_to_staff_not_to_readers(client, users, orgs):
    document = make_document(users, orgs, state="published")
    url = reverse("portal:document_detail", args=[document.pk])
    client.force_login(users["vanhuong.secretary"])
    page = client.get(url).content.decode()
    assert document.title in page
    assert "Lịch sử xử lý" not in page and "doson.head" not in page
    for staff in ("doson.editor", "doson.head", "hp.approver"):
        client.force_login(users[staff])
        page = client.get(url).content.decode()
        assert "Lịch sử xử lý" in page and "doson.head" in page


def test_rendered_files_are_kept_outside_the_public_media(users, orgs, settings):
    document = make_document(users, orgs, state="published")
    files = {
        stored.format: stored.file for stored in document.approved_revision.rendered_files.all()
    }
    assert set(files) == {"pdf", "docx"}
    for stored in files.values():
        path = Path(stored.path)
        assert path.is_file()
        assert path.is_relative_to(settings.PRIVATE_ROOT)
        assert not path.is_relative_to(settings.MEDIA_ROOT)
        assert re.fullmatch(r"rendered/\d{4}/[0-9a-f]{32}\.(pdf|docx)", stored.name)
    with pytest.raises(ValueError):
        files["pdf"].storage.url(files["pdf"].name)  # no public address at all
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_files_rendered_before_are_moved_out_of_the_public_media(settings):
    import importlib

    migration = importlib.import_module("portal.migrations.0004_rendered_files_private")
    old = Path(settings.MEDIA_ROOT) / "rendered/2024/7-r1.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF-old")
    # The Revision of that migration's state, whose pdf column names the old file.
    names = [("rendered/2024/7-r1.pdf", "")]
    revisions = SimpleNamespace(objects=SimpleNamespace(values_list=lambda *fields: names))
    migration.move_rendered_files(SimpleNamespace(get_model=lambda *label: revisions), None)
    assert not old.exists()
    assert (Path(settings.PRIVATE_ROOT) / "rendered/2024/7-r1.pdf").read_bytes() == b"%PDF-old"


def test_signed_link_is_bound_to_the_session_and_cannot_be_forged(client, users, orgs):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    link = client.get(reverse("portal:document_pdf", args=[document.pk]))["Location"]
    token, _, name = link[len("/tep/") :].partition("/")
    forged = client.get(f"/tep/{token[:-2]}xx/{name}")
    assert forged.status_code == 403
    assert "hết hạn hoặc không hợp lệ" in forged.content.decode()
    other = Client()
    other.force_login(users["ngoquyen.secretary"])
    assert other.get(link).status_code == 403
    assert Client().get(link).status_code == 403


def test_signed_link_expires(client, users, orgs, monkeypatch):
    from portal import downloads

    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    link = client.get(reverse("portal:document_pdf", args=[document.pk]))["Location"]
    monkeypatch.setattr(downloads, "MAX_AGE_SECONDS", -1)
    assert client.get(link).status_code == 403


def test_library_lists_what_was_published_for_the_reader(client, users, orgs):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    page = client.get(reverse("portal:library")).content.decode()
    assert document.title in page
    assert (
        document.title in client.get(reverse("portal:library") + "?kind=bulletin").content.decode()
    )
    assert (
        document.title
        not in client.get(reverse("portal:library") + "?kind=report").content.decode()
    )
    refused = client.get(reverse("portal:library") + "?month=abc")
    assert "Tháng lọc không hợp lệ" in refused.content.decode()
    client.force_login(users["ngoquyen.secretary"])
    assert document.title not in client.get(reverse("portal:library")).content.decode()


@pytest.mark.parametrize("month", ["0-1", "99999-1", "2024-13", "2024-0", "-1", "2024-", "٢٠٢٤-1"])
def test_library_refuses_months_that_do_not_exist(client, users, orgs, month):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    response = client.get(reverse("portal:library"), {"month": month})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tháng lọc không hợp lệ" in content
    assert document.title in content  # the filter is dropped, the list stays


@pytest.mark.parametrize("issuer", ["\x00", "doson-btg\x00", "x" * 51, "đồ-sơn"])
def test_library_refuses_issuers_that_cannot_exist(client, users, orgs, issuer):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    response = client.get(reverse("portal:library"), {"issuer": issuer})
    assert response.status_code == 200
    assert "Đơn vị ban hành không hợp lệ" in response.content.decode()
    assert document.title in response.content.decode()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds no pixels: what a decompression bomb starts with."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_image_upload_refuses_a_decompression_bomb(client, users, orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:image_upload") + f"?document={document.pk}"
    for width in (40_000, 13_000):  # above Pillow's error limit, and only above its warning
        bomb = SimpleUploadedFile("a.png", _png_header_only(width, 13_000), "image/png")
        response = client.post(url, {"upload": bomb})
        assert response.status_code == 400
        assert "quá nhiều điểm ảnh" in response.json()["error"]["message"]
    assert DocumentImage.objects.count() == 0


def test_image_upload_checks_content_and_renames(client, users, orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:image_upload") + f"?document={document.pk}"
    fake = SimpleUploadedFile("anh.png", b"<script>not an image</script>", "image/png")
    response = client.post(url, {"upload": fake})
    assert response.status_code == 400
    assert "không phải ảnh" in response.json()["error"]["message"]
    real = SimpleUploadedFile("../../ảnh của tôi.png", _png(), "image/png")
    response = client.post(url, {"upload": real})
    assert response.status_code == 200
    stored = DocumentImage.objects.get()
    assert response.json()["url"] == stored.file.url
    assert stored.file.name.startswith("images/") and "tôi" not in stored.file.name


def test_image_upload_size_limit(client, users, orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMAGE_UPLOAD_MAX_BYTES = 10
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:image_upload") + f"?document={document.pk}"
    response = client.post(url, {"upload": SimpleUploadedFile("a.png", _png(), "image/png")})
    assert response.status_code == 400
    assert "quá lớn" in response.json()["error"]["message"]
    assert DocumentImage.objects.count() == 0


def _import_form(client, orgs, kind: str, name: str, data: bytes):
    return client.post(
        reverse("portal:document_import"),
        {"kind": kind, "issuer": orgs["doson-btg"].pk, "file": SimpleUploadedFile(name, data)},
    )


def test_import_form_refuses_a_binary_file(client, users, orgs):
    client.force_login(users["doson.editor"])
    response = _import_form(client, orgs, "bulletin", "x.docx", b"PK\x03\x04\x00\xff\xfe binary")
    assert response.status_code == 400
    assert "không phải văn bản thuần" in response.content.decode()
    assert Document.objects.count() == 0


def test_import_form_creates_a_draft(client, users, orgs):
    client.force_login(users["doson.editor"])
    text = "BẢN TIN\nTHÔNG TIN SINH HOẠT CHI BỘ THÁNG 3 NĂM 2025\nI. ĐỐI NGOẠI\nNội dung.\n"
    response = _import_form(client, orgs, "bulletin", "bt.txt", text.encode())
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.bulletin.period_month == 3
    assert document.events.get().action == "import"


def test_import_of_a_title_longer_than_its_field_keeps_the_rest_in_the_report(client, users, orgs):
    words = [f"từ{i}" for i in range(150)]  # 789 characters on the title line
    text = f"HƯỚNG DẪN\n{' '.join(words)}\n-----\n\nI. MỤC ĐÍCH\nNội dung.\n"
    client.force_login(users["doson.editor"])
    response = _import_form(client, orgs, "guidance", "hd.txt", text.encode())
    assert response.status_code == 302
    document = Document.objects.get()
    assert len(document.title) <= 500 and document.title.endswith("…")
    report = document.events.get(action="import").reason
    assert "Tiêu đề dài quá 500 ký tự" in report
    kept = document.title + report
    assert all(re.search(rf"\b{word}\b", kept) for word in words)


def test_pages_are_vietnamese_and_declare_utf8(client, users):
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:document_list")).content.decode()
    assert '<meta charset="utf-8">' in page
    assert 'lang="vi"' in page
    assert "Văn bản đang xử lý" in page


def test_download_before_rendering_says_it_is_being_made(client, users, orgs):
    document = make_document(users, orgs, state="approved", render=False)
    client.force_login(users["doson.editor"])
    response = client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert response.status_code == 202
    assert "Đang tạo bản PDF" in response.content.decode()
    assert response["Retry-After"] == "5"
    assert not RenderedFile.objects.filter(revision=document.approved_revision_id).exists()
    run_tasks()
    assert client.get(reverse("portal:document_pdf", args=[document.pk])).status_code == 302


def test_download_answers_conditional_requests_with_304(client, users, orgs):
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    url = client.get(reverse("portal:document_pdf", args=[document.pk]))["Location"]
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert first["Cache-Control"].startswith("private")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_failed_rendering_is_reported_on_the_document(users, orgs, monkeypatch):
    from portal.services import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("Văn bản quá lớn để tạo PDF.")

    monkeypatch.setattr(rendering, "render_files", broken)
    document = make_document(users, orgs, state="approved")
    event = document.events.get(action="render_failed")
    assert event.reason == "Văn bản quá lớn để tạo PDF."


def test_after_a_failed_rendering_the_download_says_so_and_staff_render_again(
    client, users, orgs, settings
):
    settings.RENDER_TIMEOUT_SECONDS = 0.01
    document = make_document(users, orgs, state="published")
    assert not RenderedFile.objects.filter(revision=document.approved_revision_id).exists()
    client.force_login(users["vanhuong.secretary"])
    response = client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Chưa tạo được bản PDF" in page and 'http-equiv="refresh"' not in page
    assert 'id="render-again"' not in page  # a reader cannot ask for it
    again = reverse("portal:document_transition", args=[document.pk, "render"])
    assert client.post(again).status_code == 403
    settings.RENDER_TIMEOUT_SECONDS = 60
    client.force_login(users["doson.editor"])
    detail = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert 'id="render-again"' in detail
    assert client.post(again).status_code == 302
    request = document.events.get(action="render_again")
    assert request.actor == users["doson.editor"]  # who asked, in the history
    twice = client.post(again)
    assert twice.status_code == 409 and "đang được tạo lại" in twice.content.decode()
    run_tasks()
    assert RenderedFile.objects.filter(
        revision=document.approved_revision_id, format="pdf"
    ).exists()
    client.force_login(users["vanhuong.secretary"])
    assert client.get(reverse("portal:document_pdf", args=[document.pk])).status_code == 302
    client.force_login(users["doson.editor"])
    assert client.post(again).status_code == 403  # rendered now: nothing to render again


def test_a_rendering_over_the_time_limit_fails_with_a_clear_message(users, orgs, settings):
    settings.RENDER_TIMEOUT_SECONDS = 0.01
    document = make_document(users, orgs, state="approved")
    event = document.events.get(action="render_failed")
    assert "thời gian cho phép" in event.reason
    assert not RenderedFile.objects.filter(revision=document.approved_revision_id).exists()


def test_the_admin_signs_in_through_the_rate_limited_login(client, users):
    response = client.get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post("/quan-tri/login/", {"username": "admin", "password": "portal-demo"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    client.force_login(users["admin"])
    assert client.get("/quan-tri/").status_code == 200
    client.force_login(users["doson.editor"])
    assert client.get("/quan-tri/login/").status_code == 403  # signed in, but not staff


def test_the_inbox_runs_the_same_queries_for_2_and_6_documents_awaiting(client, users, orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["hp.approver"])
    counts = []
    for more in (2, 4):
        for _ in range(more):
            make_document(users, orgs, state="forwarded")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("portal:document_list"))
        counts.append(len(queries))
    content = page.content.decode()
    awaiting = content[content.index('id="awaiting"') :].split("</ul>", 1)[0]
    assert awaiting.count("<li") == 6  # all six wait for the approver
    assert counts[0] == counts[1], counts


def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_favicon(client, users):
    client.force_login(users["doson.editor"])
    page = client.get(reverse("portal:document_list")).content.decode()
    assert 'rel="icon" href="/static/portal/favicon.svg"' in page
    assert finders.find("portal/favicon.svg")
