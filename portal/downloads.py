"""Stored files served by short-lived signed links, checked with one session lookup.

The access-checked view (`/van-ban/<id>/pdf/`) records the receipt and redirects to a link
signed with the secret key and bound to the reader's session cookie; this middleware, placed
before sessions and authentication, serves that link straight from storage. It is the same
pattern as an object store's presigned URL, and keeps the cost of a repeated download close
to that of a static file: the link carries a tag of the session key (never the key, which
only the cookie provides), and the one lookup asks the session store whether that session
still exists, so a link stops working at logout.
"""

import csv
import hashlib
import hmac
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from portal.filenames import ascii_name
from portal.storage import private_storage

PREFIX = "/tep/"
SALT = "portal.downloads"
MAX_AGE_SECONDS = 15 * 60


def _session_tag(session_key: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), session_key.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def signed_url(
    *, name: str, etag: str, modified: int, content_type: str, filename: str, session_key: str
) -> str:
    """A link to a stored file for the holder of this session, valid for a quarter hour."""
    token = signing.dumps(
        {"n": name, "e": etag, "m": modified, "c": content_type, "s": _session_tag(session_key)},
        salt=SALT,
        compress=True,
    )
    return f"{PREFIX}{token}/{quote(filename.replace('/', '-'))}"


def rendered_file_url(request, stored, *, content_type: str, filename: str) -> str:
    """``signed_url`` of a rendered file (``RenderedFile``) for the session asking."""
    return signed_url(
        name=stored.file.name,
        etag=stored.etag,
        modified=int(stored.created_at.timestamp()),
        content_type=content_type,
        filename=filename,
        session_key=request.session.session_key or "",
    )


def _session_exists(session_key: str) -> bool:
    """Whether the session is still in the configured store (gone after logout), asked
    through the engine's own API so that any SESSION_ENGINE with a shared store answers the
    same in every process. A signed-cookie session has no store and so never passes."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    return store.exists(session_key)


def _refuse(status: int) -> HttpResponse:
    message = _("Đường dẫn tải đã hết hạn hoặc không hợp lệ; hãy mở lại văn bản để tải.")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _disposition(filename: str, *, extension: str) -> str:
    """An attachment named in UTF-8 (``filename*``, RFC 6266 and 5987) and, for programs that
    read only ``filename``, in ASCII letters, digits and hyphens with the stored file's
    extension: nothing taken from the link can break out of the header."""
    fallback = ascii_name(filename.rsplit(".", 1)[0]) or "download"
    utf8 = quote(filename, safe="")
    return f"attachment; filename=\"{fallback}.{extension}\"; filename*=UTF-8''{utf8}"


def _serve(request, token: str, filename: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return _refuse(403)
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not session_key or not hmac.compare_digest(data["s"], _session_tag(session_key)):
        return _refuse(403)
    if not _session_exists(session_key):  # signed out since: the link ends with the session
        return _refuse(403)
    etag = f'"{data["e"]}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=data["m"])
    if not_modified is not None:
        return not_modified
    try:
        handle = private_storage().open(data["n"], "rb")
    except FileNotFoundError:
        return _refuse(404)
    response = FileResponse(handle, content_type=data["c"])
    response["Content-Disposition"] = _disposition(filename, extension=data["n"].rsplit(".", 1)[-1])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(data["m"])
    response["Cache-Control"] = f"private, max-age={MAX_AGE_SECONDS}"
    return response


class SignedDownloadMiddleware:
    """Answer `/tep/<token>/<filename>` before sessions, auth and the URL resolver run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token, _, filename = request.path_info[len(PREFIX) :].partition("/")
        return _serve(request, token, filename)


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A table as a CSV download: UTF-8 with a byte order mark, which Excel reads as such."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
