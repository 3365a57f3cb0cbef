"""Images of document bodies, served by the application with the document's access check.

Bodies keep the URL the upload answered (``MEDIA_URL`` + the stored name, such as
``/media/images/2025/01/<32 hex>.png``): this view answers that URL, so nothing stored
changes, and the PDF renderer still reads the same name from ``MEDIA_ROOT``. The web
server must not serve ``MEDIA_ROOT`` itself.
"""

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from portal.selectors import get_image_for_user
from portal.services.images import CONTENT_TYPES

# A stored image never changes under its name; the hour only bounds how long a browser
# shows it without asking again (and so meeting the access check) after access is lost.
MAX_AGE_SECONDS = 60 * 60


@login_required
@require_safe
def document_image(request, name: str):
    """The image if the user may view a document showing it; 304 when the browser has it."""
    image = get_image_for_user(request.user, name)
    stored = PurePosixPath(image.file.name)
    etag = f'"{stored.stem}"'  # the random name: one name, one content
    modified = int(image.created_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=modified)
    if not_modified is None:
        try:
            handle = image.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=CONTENT_TYPES[stored.suffix[1:]])
    else:
        response = not_modified
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"private, max-age={MAX_AGE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
