"""Images uploaded into a document body: checked by their content, counted against the
quotas, stored under a random name."""

import uuid
import warnings
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from portal.models import Document, DocumentImage
from portal.services.events import document_locked

# Pillow's format name → the extension the stored file gets.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# The stored file's extension → the type it is served with (Pillow's names are the types').
CONTENT_TYPES = {extension: f"image/{name.lower()}" for name, extension in IMAGE_FORMATS.items()}
MB = 1024 * 1024


class ImageRefused(ValueError):
    """The upload is not an image the portal stores; the message is for the user."""


def _image_extension(upload) -> str | None:
    """The file extension of an uploaded image read by its content; a bomb raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # refused, not logged
        with Image.open(upload) as image:
            if image.width * image.height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                raise Image.DecompressionBombError(image.size)
            image.verify()
            return IMAGE_FORMATS.get(image.format or "")


def _megabytes(size: int) -> str:
    """Bytes as megabytes to one decimal, the reader's way: "19,5" in Vietnamese."""
    megabytes = (Decimal(size) / MB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number_format(megabytes, decimal_pos=1)


def _stored_bytes(images) -> int:
    return images.aggregate(total=Sum("size"))["total"] or 0


def _quota_check(*, document: Document, actor, size: int) -> None:
    """Refuse an upload that would take the document or the uploader past their quota.

    The caller holds the locks on both rows, so two uploads at once cannot both fit into
    the last free megabytes.
    """
    per_document = settings.IMAGE_QUOTA_PER_DOCUMENT_MB * MB
    used = _stored_bytes(DocumentImage.objects.filter(document=document))
    if used + size > per_document:
        raise ImageRefused(
            _(
                "Ảnh chưa được lưu: ảnh của văn bản này đã dùng %(used)s MB trong hạn mức "
                "%(limit)s MB của mỗi văn bản, ảnh này thêm %(size)s MB. Hãy thu nhỏ ảnh, "
                "hoặc đề nghị quản trị viên nâng hạn mức."
            )
            % {
                "used": _megabytes(used),
                "limit": number_format(settings.IMAGE_QUOTA_PER_DOCUMENT_MB),
                "size": _megabytes(size),
            }
        )
    per_user = settings.IMAGE_QUOTA_PER_USER_MB * MB
    used = _stored_bytes(DocumentImage.objects.filter(uploaded_by=actor))
    if used + size > per_user:
        raise ImageRefused(
            _(
                "Ảnh chưa được lưu: bạn đã tải lên %(used)s MB ảnh, hạn mức của mỗi người là "
                "%(limit)s MB, ảnh này thêm %(size)s MB. Hãy thu nhỏ ảnh, hoặc đề nghị quản "
                "trị viên nâng hạn mức."
            )
            % {
                "used": _megabytes(used),
                "limit": number_format(settings.IMAGE_QUOTA_PER_USER_MB),
                "size": _megabytes(size),
            }
        )


@transaction.atomic
def image_upload(*, document: Document, actor, upload) -> DocumentImage:
    """Store an uploaded image of a document; raises ImageRefused with the reason."""
    if upload is None:
        raise ImageRefused(_("Không nhận được tệp ảnh."))
    if upload.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ImageRefused(_("Ảnh quá lớn."))
    # The uploader first, then the document: one order for every upload, no deadlock.
    get_user_model().objects.select_for_update().get(pk=actor.pk)
    document = document_locked(document)
    _quota_check(document=document, actor=actor, size=upload.size)
    try:
        extension = _image_extension(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(_("Ảnh có quá nhiều điểm ảnh; hãy thu nhỏ ảnh rồi tải lại.")) from exc
    except (UnidentifiedImageError, OSError, ValueError):
        extension = None
    if extension is None:
        raise ImageRefused(_("Tệp không phải ảnh JPEG, PNG, GIF hoặc WEBP."))
    upload.seek(0)
    data = upload.read()
    stored = DocumentImage(document=document, uploaded_by=actor, size=len(data))
    stored.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=True)
    return stored
