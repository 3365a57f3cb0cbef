"""Images uploaded into a document body: checked by their content, stored under a random name."""

import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from portal.models import Document, DocumentImage

# Pillow's format name → the extension the stored file gets.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


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


@transaction.atomic
def image_upload(*, document: Document, actor, upload) -> DocumentImage:
    """Store an uploaded image of a document; raises ImageRefused with the reason."""
    if upload is None:
        raise ImageRefused(_("Không nhận được tệp ảnh."))
    if upload.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ImageRefused(_("Ảnh quá lớn."))
    try:
        extension = _image_extension(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(_("Ảnh có quá nhiều điểm ảnh; hãy thu nhỏ ảnh rồi tải lại.")) from exc
    except (UnidentifiedImageError, OSError, ValueError):
        extension = None
    if extension is None:
        raise ImageRefused(_("Tệp không phải ảnh JPEG, PNG, GIF hoặc WEBP."))
    upload.seek(0)
    stored = DocumentImage(document=document, uploaded_by=actor)
    stored.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(upload.read()), save=True)
    return stored
