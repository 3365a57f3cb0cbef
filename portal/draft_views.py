"""The reviewers' draft PDF of a document not yet approved."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.rendering.registry import RENDERERS
from portal.selectors import get_document_for_user
from portal.services.rendering import DRAFT_FORMAT, RenderFailed, draft_pdf_for


@login_required
@require_GET
def document_draft_pdf(request, pk: int):
    """The current revision as it would print, marked "DỰ THẢO", shown in the browser."""
    document = get_document_for_user(request.user, pk, action="draft_pdf")
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
