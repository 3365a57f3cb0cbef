"""PDF rendering of printable documents with WeasyPrint.

Public API:

- ``render_pdf(data)`` renders a :class:`~portal.rendering.data.PrintData` to PDF bytes
  through ``templates/print/document.html`` and ``portal/static/print/document.css``.
- ``safe_url_fetcher`` is the only way WeasyPrint reaches a resource: it serves files
  under the project's static directory and ``MEDIA_ROOT`` and refuses everything else
  (network, other files, ``data:`` URLs), so a body image such as
  ``http://169.254.169.254/…`` or ``file:///etc/passwd`` is simply left out.
- ``vietnamese_date_line(place, d)`` and ``number_line(number)`` build the header lines.
"""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .data import PrintData

TEMPLATE_NAME = "print/document.html"

# Virtual origin the document is rendered against: "/static/x" in the template or body
# resolves to "file://portal.invalid/static/x" and "/media/x" to ".../media/x"; the fetcher
# maps those onto the two roots. The host keeps these URLs apart from real file:// paths.
VIRTUAL_HOST = "portal.invalid"
BASE_URL = f"file://{VIRTUAL_HOST}/"
STATIC_PREFIX = "/static/"
MEDIA_PREFIX = "/media/"

# Only resource types a print document needs (stylesheet, fonts, images).
ALLOWED_SUFFIXES = frozenset(
    {".css", ".ttf", ".otf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
)
MAX_RESOURCE_BYTES = 20 * 1024 * 1024

NBSP = "\u00a0"


class RefusedURLError(ValueError):
    """The fetcher refused a URL (outside the allowed roots, or not a local file)."""


def static_root() -> Path:
    return Path(settings.BASE_DIR) / "portal" / "static"


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _within(path: Path, root: Path) -> bool:
    try:
        return path.is_relative_to(root.resolve(strict=False))
    except OSError:
        return False


def resolve_local_url(url: str) -> Path:
    """Map ``url`` to a real file under the static or media root, or raise.

    Accepted forms: ``/static/…`` and ``/media/…`` (also under the virtual host that
    ``BASE_URL`` produces) and ``file://`` URLs whose resolved path (symlinks followed)
    lies inside one of the roots. Everything else raises :class:`RefusedURLError`.
    """
    if not isinstance(url, str) or not url:
        raise RefusedURLError("empty URL")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise RefusedURLError(f"malformed URL: {url!r}") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    raw_path = unquote(parts.path)
    if "\x00" in raw_path:
        raise RefusedURLError("NUL byte in URL")

    if (scheme == "" and not parts.netloc) or (scheme == "file" and host == VIRTUAL_HOST):
        # Site-relative URL: only /static/… and /media/… exist.
        if raw_path.startswith(STATIC_PREFIX):
            candidate = static_root() / raw_path[len(STATIC_PREFIX) :]
        elif raw_path.startswith(MEDIA_PREFIX):
            candidate = media_root() / raw_path[len(MEDIA_PREFIX) :]
        else:
            raise RefusedURLError(f"not a static or media URL: {url!r}")
    elif scheme == "file" and host in ("", "localhost"):
        candidate = Path(raw_path)
        if not candidate.is_absolute():
            raise RefusedURLError(f"relative file URL: {url!r}")
    else:
        raise RefusedURLError(f"scheme or host not allowed: {url!r}")

    try:
        # strict=True: the file must exist; symlinks are followed before the check.
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as exc:
        raise RefusedURLError(f"cannot resolve {url!r}") from exc
    if not (_within(resolved, static_root()) or _within(resolved, media_root())):
        raise RefusedURLError(f"outside the static and media roots: {url!r}")
    if not resolved.is_file():
        raise RefusedURLError(f"not a regular file: {url!r}")
    if resolved.suffix.lower() not in ALLOWED_SUFFIXES:
        raise RefusedURLError(f"file type not allowed: {url!r}")
    return resolved


def _read_file(path: Path) -> bytes:
    """Read an already-vetted file (a seam for tests that watch what is opened)."""
    with path.open("rb") as fh:
        data = fh.read(MAX_RESOURCE_BYTES + 1)
    if len(data) > MAX_RESOURCE_BYTES:
        raise RefusedURLError(f"resource too large: {path.name}")
    return data


class SafeURLFetcher(URLFetcher):
    """WeasyPrint 70 URL fetcher serving only the project's static and media files.

    WeasyPrint 70 expects a :class:`weasyprint.urls.URLFetcher` (it reads
    ``_fail_on_errors`` on the fetcher), whose ``fetch(url, headers)`` returns a
    :class:`~weasyprint.urls.URLFetcherResponse`; an exception marks the resource as
    failed and rendering goes on without it.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        path = resolve_local_url(url)
        data = _read_file(path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # The response URL is the vetted real path: WeasyPrint may re-read local JPEGs
        # from response.path, and resolves relative URLs in stylesheets against it.
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        target = getattr(url, "full_url", url)
        return self.fetch(target)


safe_url_fetcher = SafeURLFetcher()


def vietnamese_date_line(place: str, d: date | None) -> str:
    """ "Đồ Sơn, ngày 05 tháng 02 năm 2024"; blanks to fill by hand when there is no date."""
    if d is None:
        gap = NBSP * 6
        return f"{place}, ngày{gap}tháng{gap}năm{gap}"
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def number_line(number: str) -> str:
    """ "Số 127-HD/BTGTU" (no colon), or "Số      -" left blank for an unnumbered draft."""
    number = (number or "").strip()
    if number:
        return f"Số {number}"
    return f"Số{NBSP * 8}-"


def pdf_author(data: PrintData) -> str:
    return " ".join(part for part in (data.issuer_name, data.parent_line) if part)


def render_html(data: PrintData) -> str:
    context = {
        "doc": data,
        "is_bulletin": data.kind == "bulletin",
        "number_line": number_line(data.number),
        "date_line": vietnamese_date_line(data.place, data.issued_on),
        "author": pdf_author(data),
        "stylesheet_url": f"{STATIC_PREFIX}print/document.css",
    }
    return render_to_string(TEMPLATE_NAME, context)


def render_pdf(data: PrintData) -> bytes:
    """Render ``data`` to PDF bytes (A4, fonts embedded, metadata title/author/lang)."""
    html = render_html(data)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher)
    return document.write_pdf()
