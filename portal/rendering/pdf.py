"""PDF rendering of printable documents with WeasyPrint.

Public API:

- ``render_pdf(data)`` renders a :class:`~portal.rendering.data.PrintData` to PDF bytes
  through ``templates/print/document.html`` and ``portal/static/print/document.css``.
- ``safe_url_fetcher`` is the only way WeasyPrint reaches a resource: it serves files
  under the project's static directory and ``MEDIA_ROOT`` and refuses everything else
  (network, other files, ``data:`` URLs), so a body image such as
  ``http://169.254.169.254/…`` or ``file:///etc/passwd`` is simply left out.
- ``vietnamese_date_line(place, d)`` and ``number_line(number)`` (from ``common``, shared
  with the Word writer) build the header lines.
- ``render_pdf_limited(data, timeout_s=30, max_memory_mb=600)`` renders in a forked child
  under a wall-clock and an address-space limit and raises :class:`RenderError` (with a
  Vietnamese message for the user) when the document is too big or too complex.

Before templating, ``prepare_body`` restructures the body: an appendix (from
``<h2 class="appendix">`` to the end) is moved out of the main text so that it prints
after the closing block, on its own pages (landscape when a table has more than
``LANDSCAPE_MIN_COLUMNS`` columns); a document printed with a masthead (``data.masthead``,
the bulletin's layout) gets a contents box built from its h2/h3 headings.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import logging
import mimetypes
import multiprocessing
import resource
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.layout import block as weasy_block
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .common import (
    NBSP,
    appendix_start,
    body_with_indicators,
    element_classes,
    number_line,
    pdf_author,
    serialize,
    vietnamese_date_line,
)
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

# An appendix whose widest table has more columns than this prints on landscape pages.
LANDSCAPE_MIN_COLUMNS = 6

# Tagged PDF (structure tree, PDF/UA-1 identification) for screen readers.
PDF_VARIANT = "pdf/ua-1"

logger = logging.getLogger(__name__)


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


def pdf_subject(data: PrintData) -> str:
    """ "Báo cáo số 452-BC/TU: kết quả thực hiện…", or ``data.subject`` when given."""
    if data.subject.strip():
        return data.subject.strip()
    name = " ".join((data.type_name or "").split()).capitalize()
    number = (data.number or "").strip()
    lead = " ".join(part for part in (name, f"số {number}" if number else "") if part)
    title = " ".join((data.title or "").split())
    return ": ".join(part for part in (lead, title) if part)


def appendix_of_line(data: PrintData) -> str:
    """ "(Kèm theo Báo cáo số 452-BC/TU)", the line under "PHỤ LỤC"."""
    if data.appendix_of.strip():
        return data.appendix_of.strip()
    name = data.kind_label or (data.type_name or "văn bản").capitalize()
    number = (data.number or "").strip() or f"{NBSP * 8}-{data.number_symbol}"
    return f"(Kèm theo {name} số {number})"


# --- body restructuring ---------------------------------------------------------------


@dataclass
class ContentsEntry:
    level: int  # 2 for h2, 3 for h3
    text: str
    anchor: str


@dataclass
class PreparedBody:
    main_html: str
    appendix_html: str = ""
    landscape: bool = False
    contents: list[ContentsEntry] = field(default_factory=list)


def _heading_text(element) -> str:
    """Text of a heading without the text of footnotes it calls."""
    parts = [element.text or ""]
    for child in element:
        if not (child.tag == "span" and "footnote" in element_classes(child)):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _table_columns(table) -> int:
    widest = 0
    for row in table.iter("tr"):
        count = 0
        for cell in row:
            if cell.tag in ("td", "th"):
                try:
                    count += max(1, int(cell.get("colspan") or 1))
                except ValueError:
                    count += 1
        widest = max(widest, count)
    return widest


def prepare_body(data: PrintData) -> PreparedBody:
    """Split off the appendix and collect the masthead's contents (see module docstring)."""
    body = body_with_indicators(data)
    if not data.masthead and "appendix" not in body:
        return PreparedBody(main_html=body)
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    children = list(root)
    start = appendix_start(children)
    main, appendix = (children, []) if start is None else (children[:start], children[start:])

    contents: list[ContentsEntry] = []
    if data.masthead:
        used = {el.get("id") for el in root.iter() if el.get("id")}
        for element in main:
            for heading in element.iter("h2", "h3"):
                anchor = heading.get("id")
                if not anchor:
                    anchor = f"muc-{len(contents) + 1}"
                    while anchor in used:
                        anchor += "-"
                    used.add(anchor)
                    heading.set("id", anchor)
                text = _heading_text(heading)
                if text:
                    contents.append(ContentsEntry(int(heading.tag[1]), text, anchor))

    main_html = (root.text or "") + serialize(main)
    if not appendix:
        return PreparedBody(main_html=main_html, contents=contents)
    heading = appendix[0]
    ref = lxml.html.Element("p")
    ref.set("class", "appendix-ref")
    ref.text = appendix_of_line(data)
    ref.tail = heading.tail
    heading.tail = None
    columns = max((_table_columns(t) for el in appendix for t in el.iter("table")), default=0)
    return PreparedBody(
        main_html=main_html,
        appendix_html=serialize([heading, ref, *appendix[1:]]),
        landscape=columns >= LANDSCAPE_MIN_COLUMNS,
        contents=contents,
    )


def render_html(data: PrintData) -> str:
    prepared = prepare_body(data)
    context = {
        "doc": data,
        "number_line": number_line(data.number, data.number_symbol),
        "date_line": vietnamese_date_line(data.place, data.issued_on),
        "author": pdf_author(data),
        "pdf_title": " ".join((data.title or "").split()) or data.type_name,
        "subject": pdf_subject(data),
        "keywords": ", ".join(k for k in (data.type_name, data.number, data.parent_line) if k),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body_html": prepared.main_html,
        "appendix_html": prepared.appendix_html,
        "appendix_landscape": prepared.landscape,
        "contents": prepared.contents,
        "body_class": "" if FOOTNOTE_PATCH_APPLIED else "footnote-columns",
        "stylesheet_url": f"{STATIC_PREFIX}print/document.css",
    }
    return render_to_string(TEMPLATE_NAME, context)


def render_pdf(data: PrintData) -> bytes:
    """Render ``data`` to PDF bytes (A4, fonts embedded and subset, tagged, metadata)."""
    html = render_html(data)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


# --- footnotes: keep each note on the page of its call -------------------------------


def _keep_footnotes_with_their_calls() -> bool:
    """Patch WeasyPrint 70 so that it never moves placed footnotes to a later page.

    When a paragraph overflows the page after exactly ``orphans - 1`` lines, WeasyPrint
    70 (``layout/block.py``, ``_linebox_layout``) "reports" the footnotes already laid
    out on the page to the next page to make room for one more line, so those notes print
    one page after their calls. We turn that branch off: the paragraph then breaks by
    the ordinary orphans/widows rules and the notes stay with their calls. The earlier
    workaround (``.body {column-count: 1}``, which also disables the branch) made the
    report seed render 2.7 times slower and mis-placed its two first notes; it is kept
    only as the fallback when this patch cannot be applied (another WeasyPrint version).
    """
    func = weasy_block._linebox_layout
    if getattr(func, "_portal_keeps_footnotes", False):
        return True
    old = "report = not context.in_column and can_break_now and not could_break_before"
    try:
        source = inspect.getsource(func)
        filename = inspect.getsourcefile(func) or "<weasyprint>"
    except (OSError, TypeError):
        source, filename = "", ""
    if source.count(old) != 1:
        logger.warning("WeasyPrint footnote patch not applied; using the column workaround")
        return False
    namespace = dict(vars(weasy_block))
    code = compile(source.replace(old, "report = False"), filename, "exec")
    exec(code, namespace)  # noqa: S102 - our own edit of a pinned library function
    patched = namespace["_linebox_layout"]
    patched._portal_keeps_footnotes = True
    weasy_block._linebox_layout = patched
    return True


FOOTNOTE_PATCH_APPLIED = _keep_footnotes_with_their_calls()


# --- rendering under limits -----------------------------------------------------------


class RenderError(Exception):
    """The PDF could not be made within the time or memory allowed."""

    def __init__(self, message: str, reason: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # "timeout" | "memory" | "crash" | "error"


def _limit_message(reason: str, timeout_s: float, max_memory_mb: int) -> str:
    if reason == "timeout":
        seconds = f"{timeout_s:g}".replace(".", ",")
        limit = f"trong thời gian cho phép ({seconds} giây)"
    else:
        limit = f"trong giới hạn bộ nhớ cho phép ({max_memory_mb} MB)"
    return (
        f"Văn bản quá lớn hoặc quá phức tạp để tạo PDF {limit}. "
        "Hãy chia văn bản thành nhiều phần hoặc rút gọn bảng, rồi thử lại."
    )


def _mapped_bytes() -> int:
    """Address space this process maps now (Linux ``/proc``; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _peak_mapped_bytes() -> int:
    """Largest address space this process has mapped (``VmPeak``; 0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# A failed allocation under RLIMIT_AS leaves the peak at most this far below the cap
# (glibc reserves new malloc arenas in 64 MB steps).
NEAR_LIMIT_BYTES = 72 * 1024 * 1024


def _render_child(data: PrintData, max_memory_mb: int, conn) -> None:
    """Body of the forked child: limit the address space, render, send the result.

    Under ``RLIMIT_AS`` a failed allocation does not always surface as ``MemoryError``:
    C extensions report it as ``SystemError`` ("error return without exception set"),
    ``OSError`` (ENOMEM) or a failed library call. So any failure that happened with the
    address space close to the cap counts as running out of memory.
    """
    limit = 0
    try:
        # Objects inherited from the parent are never garbage here: keep the collector off
        # them (about 15 % of the render time of the report seed).
        gc.freeze()
        limit = _mapped_bytes() + int(max_memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        pdf = render_pdf(data)
        conn.send(("ok", pdf))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never raised here
        memory = isinstance(exc, MemoryError) or (
            limit > 0 and _peak_mapped_bytes() + NEAR_LIMIT_BYTES >= limit
        )
        # With no memory left even to answer, the parent sees the pipe close instead.
        with contextlib.suppress(BaseException):
            conn.send(("memory" if memory else "error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()


def render_pdf_limited(
    data: PrintData, *, timeout_s: float = 30, max_memory_mb: int = 600
) -> bytes:
    """``render_pdf`` in a forked child process, within ``timeout_s`` and ``max_memory_mb``.

    ``max_memory_mb`` is what the render may map on top of what the forked child inherits:
    the child caps its address space (``RLIMIT_AS``) at its size at fork plus that budget.
    ``RLIMIT_AS`` counts mapped, not resident, memory, and a worker's mapped size varies a
    lot (270 MB for a warm single-threaded one, far more with threads and their malloc
    arenas), so an absolute cap would refuse every render in a big process. The report
    seed maps about 170 MB more while rendering. Raises :class:`RenderError` when the
    child runs past the time limit (it is killed), runs out of memory, or dies; ordinary
    rendering errors are raised as :class:`RenderError` with ``reason="error"``.
    """
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_render_child, args=(data, max_memory_mb, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise RenderError(_limit_message("timeout", timeout_s, max_memory_mb), "timeout")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError) as exc:  # the child died without answering
            child.join(1)
            message = _limit_message("memory", timeout_s, max_memory_mb)
            raise RenderError(message, "memory" if child.exitcode else "crash") from exc
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if status == "ok":
        return payload
    if status == "memory":
        raise RenderError(_limit_message("memory", timeout_s, max_memory_mb), "memory")
    raise RenderError(f"Không tạo được PDF: {payload}", "error")
