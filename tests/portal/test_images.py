"""Body images: served with their document's access check and caching headers; upload quotas."""

import importlib
import io
import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal.models import DocumentImage, Membership
from portal.services.images import ImageRefused, image_upload
from portal.services.organisations import membership_grant, organisation_create
from tests.factories import make_document

pytestmark = pytest.mark.django_db


def _png(width: int = 4, height: int = 4) -> bytes:
    """A PNG of random pixels: it does not compress, so its size is about 3 × its pixels."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _mb(size: int) -> str:
    """Bytes as the refusal writes them in Vietnamese: "0,4"."""
    megabytes = (Decimal(size) / 2**20).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(megabytes).replace(".", ",")


def _upload(document, user, data: bytes | None = None) -> DocumentImage:
    upload = SimpleUploadedFile("anh.png", data or _png(), "image/png")
    return image_upload(document=document, actor=user, upload=upload)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hanoi_reader(orgs):
    """A cell secretary of another city (Hà Nội)."""
    cell = organisation_create(
        code="hbt-cb1", name="Chi bộ 1 Hai Bà Trưng", kind="cell", parent=orgs["hbt"]
    )
    user = get_user_model().objects.create_user("hbt.secretary")
    membership_grant(user=user, organisation=cell, role=Membership.Role.READER)
    return user


def test_published_documents_image_is_shown_to_its_readers_with_caching_headers(
    users, orgs, hanoi_reader
):
    document = make_document(users, orgs, state="published")
    data = _png()
    image = _upload(document, users["doson.editor"], data)
    url = image.file.url
    assert url.startswith("/media/images/")  # the URL bodies store, as before

    response = _client(users["vanhuong.secretary"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["ETag"] == f'"{Path(image.file.name).stem}"'
    assert response["Last-Modified"]

    for outsider in (users["ngoquyen.secretary"], hanoi_reader, users["hn.approver"]):
        assert _client(outsider).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_the_browsers_copy_is_confirmed_with_304(users, orgs):
    document = make_document(users, orgs, state="published")
    url = _upload(document, users["doson.editor"]).file.url
    reader = _client(users["vanhuong.secretary"])
    first = reader.get(url)

    again = reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "private, max-age=3600"
    since = reader.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    # The access check comes first: an outsider holding the ETag learns nothing.
    outsider = _client(users["ngoquyen.secretary"])
    assert outsider.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404


def test_a_drafts_image_is_shown_to_its_department_only(users, orgs):
    document = make_document(users, orgs)  # a draft of Đồ Sơn
    url = _upload(document, users["doson.editor"]).file.url
    for staff in ("doson.editor", "doson.head"):
        assert _client(users[staff]).get(url).status_code == 200
    for other in ("vanhuong.secretary", "ngoquyen.editor", "hp.approver", "hn.approver"):
        assert _client(users[other]).get(url).status_code == 404


def test_an_image_copied_into_another_body_is_shown_with_that_document(users, orgs):
    draft = make_document(users, orgs)
    url = _upload(draft, users["doson.editor"]).file.url
    published = make_document(users, orgs, kind="guidance", state="published", title="HD")
    reader = _client(users["vanhuong.secretary"])
    assert reader.get(url).status_code == 404

    # The published document's body shows the image (pasted from the draft).
    revision = published.approved_revision
    revision.body_html += f'<figure class="image"><img src="{url}" alt=""></figure>'
    revision.save(update_fields=["body_html"])
    assert reader.get(url).status_code == 200
    assert _client(users["ngoquyen.secretary"]).get(url).status_code == 404


def test_files_without_an_image_row_are_not_served(users, orgs, settings):
    stray = Path(settings.MEDIA_ROOT) / "images" / "2025" / "01" / f"{'a' * 32}.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(_png())
    editor = _client(users["doson.editor"])
    assert editor.get(f"/media/images/2025/01/{'a' * 32}.png").status_code == 404
    assert editor.get("/media/../portal/settings.py").status_code == 404


def test_a_document_over_its_quota_refuses_the_upload_saying_how_much(users, orgs, settings):
    settings.IMAGE_QUOTA_PER_DOCUMENT_MB = 1
    document = make_document(users, orgs)
    editor = users["doson.editor"]
    first = _upload(document, editor, _png(350, 350))  # about 0,35 MB
    assert first.size == first.file.size
    _upload(document, editor, _png(350, 350))
    url = reverse("portal:image_upload") + f"?document={document.pk}"
    data = _png(350, 350)
    third = SimpleUploadedFile("anh.png", data, "image/png")

    response = _client(editor).post(url, {"upload": third})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    used = sum(image.size for image in DocumentImage.objects.filter(document=document))
    assert f"đã dùng {_mb(used)} MB trong hạn mức 1 MB" in message
    assert f"ảnh này thêm {_mb(len(data))} MB" in message
    assert DocumentImage.objects.filter(document=document).count() == 2
    # Another document of the same editor still takes images.
    other = make_document(users, orgs, kind="guidance", title="Hướng dẫn")
    _upload(other, editor, _png(350, 350))


def test_an_uploader_over_their_quota_is_refused_and_others_are_not(users, orgs, settings):
    settings.IMAGE_QUOTA_PER_USER_MB = 1
    editor = users["doson.editor"]
    first = make_document(users, orgs)
    second = make_document(users, orgs, kind="guidance", title="Hướng dẫn")
    _upload(first, editor, _png(400, 400))  # about 0,46 MB
    _upload(second, editor, _png(400, 400))

    with pytest.raises(ImageRefused) as refused:
        _upload(second, editor, _png(300, 300))
    used = sum(image.size for image in DocumentImage.objects.filter(uploaded_by=editor))
    expected = f"bạn đã tải lên {_mb(used)} MB ảnh, hạn mức của mỗi người là 1 MB"
    assert expected in str(refused.value)
    assert DocumentImage.objects.filter(uploaded_by=editor).count() == 2

    colleague = get_user_model().objects.create_user("doson.editor2")
    membership_grant(user=colleague, organisation=orgs["doson-btg"], role=Membership.Role.EDITOR)
    _upload(second, colleague, _png(300, 300))


def test_quota_message_in_english(users, orgs, settings, client):
    settings.IMAGE_QUOTA_PER_DOCUMENT_MB = 1
    document = make_document(users, orgs)
    _upload(document, users["doson.editor"], _png(500, 500))
    client.force_login(users["doson.editor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("portal:image_upload") + f"?document={document.pk}"
    response = client.post(url, {"upload": SimpleUploadedFile("a.png", _png(400, 400))})
    assert response.status_code == 400
    assert "limit of 1 MB" in response.json()["error"]["message"]


def test_images_stored_before_the_quotas_get_their_size(users, orgs):
    image = _upload(make_document(users, orgs), users["doson.editor"])
    DocumentImage.objects.filter(pk=image.pk).update(size=0)
    other = make_document(users, orgs, kind="guidance", title="Hướng dẫn")
    gone = _upload(other, users["doson.editor"])
    gone.file.delete(save=False)
    DocumentImage.objects.filter(pk=gone.pk).update(size=0)

    migration = importlib.import_module("portal.migrations.0011_image_size_for_quotas")
    migration.sizes_of_stored_images(apps, None)
    image.refresh_from_db()
    assert image.size == image.file.size > 0
    assert DocumentImage.objects.get(pk=gone.pk).size == 0
