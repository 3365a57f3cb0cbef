"""Comments on a passage: written, answered, resolved and reopened from the reader page and
the editor (a JSON answer to the page's script; a redirect back to a plain form)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import Document
from portal.selectors import get_document_for_user
from portal.services import comments


def panel_context(request, document: Document, revision, *, error: str = "") -> dict:
    """What the comments panel shows: the threads anchored in the revision shown."""
    body = revision.body_html if revision is not None else ""
    return {
        "document": document,
        "threads": comments.threads_for(document, request.user, body),
        "comment_error": error,
        "here": request.POST.get("next") or request.get_full_path(),
    }


def _document(request, pk: int) -> Document:
    """The document if the user sees it (else 404) and may comment on it (else 403)."""
    document = get_document_for_user(request.user, pk)
    if not comments.may_comment(request.user, document):
        raise PermissionDenied(_("Chỉ ban ban hành và người duyệt được góp ý văn bản này."))
    return document


def _answer(request, document: Document, *, error: str = "", status: int = 200):
    """The panel again for the page's script; back to the page for a plain form."""
    if request.headers.get("Accept", "").startswith("application/json"):
        html = render_to_string(
            "portal/_comments.html",
            panel_context(request, document, document.current_revision, error=error),
            request=request,
        )
        return JsonResponse({"html": html, "error": error}, status=status)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    return redirect(back or reverse("portal:document_detail", args=[document.pk]) + "#comments")


@login_required
@require_POST
def comment_add(request, pk: int):
    document = _document(request, pk)
    parent = None
    if request.POST.get("parent"):
        parent = comments.comment_of(document, request.user, request.POST["parent"])
        if parent is None:
            raise Http404(_("Không có góp ý này."))
    fields = {name: request.POST.get(name, "") for name in ("body", "quote", "prefix", "suffix")}
    try:
        comments.comment_add(document=document, actor=request.user, parent=parent, **fields)
    except ValidationError as exc:
        return _answer(request, document, error=" ".join(exc.messages), status=400)
    return _answer(request, document, status=201)


@login_required
@require_POST
def comment_state(request, pk: int, comment_pk: int, op: str):
    document = _document(request, pk)
    comment = comments.comment_of(document, request.user, comment_pk)
    if comment is None or op not in ("resolve", "reopen"):
        raise Http404(_("Không có góp ý này."))
    change = comments.comment_resolve if op == "resolve" else comments.comment_reopen
    change(comment=comment, actor=request.user)
    return _answer(request, document)
