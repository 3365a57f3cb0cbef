"""The reviewers' draft PDF of a document not yet approved."""

import dataclasses

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.compare_views import default_from, last_reviewed_number
from portal.diff import diff_rows, marked_body
from portal.models import Revision
from portal.rendering.data import IndicatorRow, indicator_keys
from portal.rendering.documents import draft_print_data_for
from portal.rendering.registry import RENDERERS
from portal.selectors import get_document_for_user
from portal.services.rendering import DRAFT_FORMAT, RenderFailed, draft_pdf_for

# ``?danh-dau=1``: the draft with the blocks changed since a revision marked in the margin.
MARKED = "danh-dau"


@login_required
@require_GET
def document_draft_pdf(request, pk: int):
    """The current revision as it would print, marked "DỰ THẢO", shown in the browser."""
    document = get_document_for_user(request.user, pk, action="draft_pdf")
    if request.GET.get(MARKED):
        return _marked_draft(request, document)
    try:
        stored = draft_pdf_for(document=document)
    except RenderFailed as exc:
        context = {"document": document, "message": str(exc)}
        return render(request, "portal/draft_pdf_failed.html", context, status=503)
    with translation.override("vi"):  # ASCII: "Du-thao-ban-tin-12-r3.pdf", r3 the revision
        kind = slugify(document.get_kind_display())
    name = f"Du-thao-{kind}-{document.pk}-r{document.current_revision.number}.pdf"
    response = FileResponse(
        stored.file.open("rb"), content_type=RENDERERS[DRAFT_FORMAT].content_type
    )
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["ETag"] = f'"{stored.etag}"'
    # A draft changes with every save: the browser asks again each time.
    response["Cache-Control"] = "private, no-cache"
    return response


def _marked_since(request, document, revision) -> Revision | None:
    """The revision the marks are counted from: ``?tu=N``, else as the comparison's default
    (the viewer's last review, the last approved revision, the one before)."""
    revisions = list(document.revisions.defer("body_html", "rows").order_by("number"))
    numbers = [r.number for r in revisions]
    try:
        since = int(request.GET.get("tu") or "")
    except ValueError:
        since = None
    if since not in numbers:
        reviewed = last_reviewed_number(request.user, document)
        since = default_from(document, revisions, revision.number, reviewed)
    if since == revision.number:
        return None
    return document.revisions.get(number=since)


def _marked_rows(rows: list[IndicatorRow], since: Revision, revision: Revision):
    """The printed indicator rows with the changed, added and after-a-removal ones marked,
    compared by the rows both revisions kept (none marked when either kept none)."""
    diff = diff_rows(since.rows, revision.rows)
    marks = diff.marks if diff is not None else {}
    return [
        dataclasses.replace(row, mark=marks.get(key, ""))
        for key, row in zip(indicator_keys(rows), rows, strict=True)
    ]


def _marked_draft(request, document):
    """The draft PDF with the changed blocks marked in the margin: made for this request and
    not kept (the marks depend on who asks and since when)."""
    from portal.rendering.pdf import render_pdf_limited

    revision = document.current_revision
    since = _marked_since(request, document, revision)
    data = draft_print_data_for(document, revision)
    if since is not None:
        data = dataclasses.replace(
            data,
            body_html=marked_body(since.body_html, data.body_html)[0],
            indicators=_marked_rows(data.indicators, since, revision),
        )
    try:
        pdf = render_pdf_limited(
            data,
            timeout_s=settings.RENDER_TIMEOUT_SECONDS,
            max_memory_mb=settings.RENDER_MAX_MEMORY_MB,
        )
    except Exception as exc:  # the reviewer is told at once; nothing to record
        context = {"document": document, "message": getattr(exc, "message", "") or str(exc)}
        return render(request, "portal/draft_pdf_failed.html", context, status=503)
    since_part = f"-tu-r{since.number}" if since is not None else ""
    name = f"Du-thao-danh-dau-{document.pk}-r{revision.number}{since_part}.pdf"
    response = HttpResponse(pdf, content_type=RENDERERS[DRAFT_FORMAT].content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
