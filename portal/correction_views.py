"""A published document corrected or recalled by the city's approver, and the texts it was
issued with before a correction, each with its PDF."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import signed_in_two_step
from portal.downloads import rendered_file_url
from portal.filenames import download_name
from portal.forms import CorrectionForm, RecallForm
from portal.models import RenderedFile
from portal.rendering.registry import RENDERERS
from portal.security import editor_policy
from portal.selectors import corrections_of, get_document_for_user, issued_revision
from portal.services.corrections import document_correct, document_recall


@login_required
@require_http_methods(["GET", "POST"])
@editor_policy
def correct(request, pk: int):
    document = get_document_for_user(request.user, pk, action="correct")
    if not signed_in_two_step(request):
        return _reauthenticate(request, document)
    initial = {"title": document.title, "body": document.approved_revision.body_html,
               "base_revision": document.approved_revision_id}  # fmt: skip
    form = CorrectionForm(request.POST or None, initial=initial, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            document_correct(document=document, actor=request.user, title=data["title"],
                             body_html=data["body"], reason=data["reason"],
                             base_revision=data["base_revision"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã đính chính; bản PDF mới đang được tạo."))
            return redirect("portal:document_detail", document.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "document": document}
    return render(request, "portal/correction_form.html", context, status=status)


def _reauthenticate(request, document):
    """An approver signed in here with the password alone: the app's code first, as for
    approving."""
    messages.info(request, _("Hãy nhập mã từ ứng dụng xác thực để đính chính hoặc thu hồi."))
    here = reverse("portal:document_detail", args=[document.pk])
    return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': here})}")


@login_required
@require_POST
def recall(request, pk: int):
    document = get_document_for_user(request.user, pk, action="recall")
    if not signed_in_two_step(request):
        return _reauthenticate(request, document)
    form = RecallForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        document_recall(document=document, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã thu hồi văn bản; người đã nhận được thông báo."))
    return redirect("portal:document_detail", document.pk)


@login_required
@require_GET
def issued(request, pk: int, number: int):
    """A text the document was issued with, shown with what became of it."""
    document = get_document_for_user(request.user, pk, action="read")
    revision = issued_revision(document, number)
    corrections = [c for c in corrections_of(document) if c.previous.pk == revision.pk]
    context = {"document": document, "revision": revision, "replaced_by": corrections}
    return render(request, "portal/issued_revision.html", context)


@login_required
@require_GET
def issued_pdf(request, pk: int, number: int):
    document = get_document_for_user(request.user, pk, action="download")
    revision = issued_revision(document, number)
    stored = RenderedFile.objects.filter(revision=revision, format="pdf").first()
    if stored is None:
        messages.error(request, _("Bản PDF của bản này chưa được tạo."))
        return redirect("portal:document_issued", document.pk, revision.number)
    filename = f"{download_name(document)} - bản {revision.number}.pdf"
    return redirect(
        rendered_file_url(request, stored, content_type=RENDERERS["pdf"].content_type,
                          filename=filename)
    )  # fmt: skip
