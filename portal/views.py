"""Thin views: decorators, access lookup, form, service, redirect."""

import logging
import re
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.db.models import Max, Prefetch, Q
from django.forms import HiddenInput
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import (
    FULL_CHAIN,
    Held,
    drafts_for,
    has_two_step,
    held_roles,
    holds_step,
    reads_only,
    signed_in_two_step,
    works_for,
)
from portal.downloads import rendered_file_url
from portal.exports import document_as_data
from portal.filenames import download_name
from portal.filters import filter_choices, filtered
from portal.forms import ApproveForm, ImportForm, RecallForm, ReturnForm, form_class_for
from portal.handoff import handoff_message, person_name, waiting_with
from portal.importing import ImportRefused
from portal.kinds import KINDS, PERIOD_FIELDS, kind_record
from portal.models import (
    Document,
    Membership,
    Organisation,
    Receipt,
    RenderedFile,
    Revision,
    WorkflowEvent,
)
from portal.pagination import paginate
from portal.reader_views import reader_home
from portal.rendering.registry import RENDERERS
from portal.review_overview import review_overview
from portal.rules import ACTIONS, CONTENT_ACTIONS, is_city_approver, is_issuer_editor
from portal.rules import render_failed as rules_render_failed
from portal.rules import render_overdue as rules_render_overdue
from portal.security import editor_policy
from portal.selectors import (
    STAFF_ROLES,
    based_on_this,
    citations_of,
    corrections_of,
    documents_visible_to,
    get_document_for_user,
    published_for_reader,
    receipt_counts,
    require_action,
)
from portal.services import comments, images, receipts, workflow
from portal.services.checklist import document_checklist
from portal.services.documents import (
    Prefill,
    RevisionConflict,
    body_outline,
    document_start,
    document_update,
    document_working_copy_save,
    document_working_copy_start,
    new_document_prefill,
)
from portal.services.imports import document_import
from portal.services.monthly import (
    MonthTaken,
    document_of_month,
    month_after,
    month_opened_message,
    period_of,
)
from portal.services.register import register_next_number, register_next_numbers
from portal.services.waiting import waiting_describe, with_waiting

logger = logging.getLogger(__name__)

TRANSITION_REFUSED = gettext_lazy(
    "Cơ sở dữ liệu không nhận thao tác này nên văn bản được giữ nguyên như trước khi bấm. "
    "Hãy thử lại sau ít phút; nếu vẫn không được, hãy báo quản trị hệ thống."
)
TRANSITIONS = {
    "submit": workflow.document_submit,
    "withdraw": workflow.document_withdraw,
    "forward": workflow.document_forward,
    "approve": workflow.document_approve,
    "publish": workflow.document_publish,
    "render": workflow.document_render_again,
}


def editor_departments(user):
    """Where the user may draft: their departments, and the committees above them."""
    return Organisation.objects.filter(pk__in=drafts_for(user)).order_by("-path")


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    if reads_only(request.user):
        return reader_home(request)
    if any(h.role != Membership.Role.READER for h in held_roles(request.user)):
        return redirect("portal:document_list")
    return redirect("portal:library")


# Returned documents and drafts nobody touched for this long leave the inbox's list unless asked.
STALE_AFTER = timedelta(days=60)
STALE_STATUSES = (Document.Status.DRAFT, Document.Status.RETURNED)


def _inbox(user, awaiting: list[Document]):
    """What waits for the user: their departments' unpublished work, the approved documents
    waiting to be published, and what waits for their review step. Other departments'
    returned documents are theirs to act on, and published ones are in the library."""
    own = Q(issuer_id__in=works_for(user, STAFF_ROLES)) & ~Q(status=Document.Status.PUBLISHED)
    waiting = Q(status=Document.Status.APPROVED) | Q(pk__in=[d.pk for d in awaiting])
    return documents_visible_to(user).filter(own | waiting)


@login_required
def document_list(request):
    """The inbox: everything waiting for the user's review, complete, longest waiting first
    (newest first on request) with who sent it and since when; the rest of what waits
    for them paged, without drafts and returned documents left untouched for ``STALE_AFTER``
    unless asked (with their count, so that nothing is hidden silently)."""
    newest_first = request.GET.get("xep") == "moi"
    submitted = with_waiting(
        documents_visible_to(request.user).filter(status=Document.Status.SUBMITTED),
        newest_first=newest_first,
    )
    awaiting = [d for d in submitted if ACTIONS["forward"].test(request.user, d)
                or ACTIONS["approve"].test(request.user, d)]  # fmt: skip
    waiting_describe(awaiting, now=timezone.now())
    approvable = [d for d in awaiting if ACTIONS["approve"].test(request.user, d)]
    documents = _inbox(request.user, awaiting)
    stale = Q(status__in=STALE_STATUSES, updated_at__lt=timezone.now() - STALE_AFTER)
    show_stale = request.GET.get("cu") == "1"
    listed = documents if show_stale else documents.exclude(stale)
    context = {
        "documents": paginate(request, listed.order_by("-updated_at", "-pk")),
        "show_stale": show_stale,
        "stale_count": documents.filter(stale).count(),
        "stale_days": STALE_AFTER.days,
        "awaiting": awaiting,
        "newest_first": newest_first,
        "approvable_ids": {d.pk for d in approvable},
        "approve_form": ApproveForm() if approvable else None,
        "can_create": editor_departments(request.user).exists(),
        "kinds": list(KINDS.values()),
    }
    return render(request, "portal/document_list.html", context)


@login_required
@require_POST
def documents_approve(request):
    """Approve several documents from the inbox: one confirmation, one second-factor check,
    each document approved in its own transaction with its own event."""
    ids = [pk for pk in request.POST.getlist("documents") if pk.isdigit()]
    documents = [d for d in documents_visible_to(request.user).filter(pk__in=ids).order_by("pk")
                 if ACTIONS["approve"].test(request.user, d)]  # fmt: skip
    if not documents:
        messages.error(request, _("Hãy chọn ít nhất một văn bản đang chờ bạn phê duyệt."))
        return redirect("portal:document_list")
    if has_two_step(request.user) and not signed_in_two_step(request):
        messages.info(request, _("Hãy nhập mã từ ứng dụng xác thực rồi chọn lại các văn bản."))
        here = reverse("portal:document_list")
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': here})}")
    # The inbox's own post asks for the confirmation; the confirmation page posts "confirmed".
    form = ApproveForm(request.POST if "confirmed" in request.POST else None)
    if not form.is_valid():
        numbers = register_next_numbers(documents=documents, day=timezone.localdate())
        context = {"items": list(zip(documents, numbers, strict=True)), "form": form}
        status = 400 if "confirmed" in request.POST else 200
        return render(request, "portal/approve_many_confirm.html", context, status=status)
    done, refused = [], []
    for document in documents:
        try:
            document = workflow.document_approve(
                document=document, actor=request.user, publish_at=form.cleaned_data["publish_at"]
            )
        except ValidationError as exc:
            refused.append(f"{document.title}: {' '.join(exc.messages)}")
        except (PermissionDenied, DatabaseError) as exc:
            logger.warning("bulk approval of document %s refused: %s", document.pk, exc)
            refused.append(f"{document.title}: {TRANSITION_REFUSED}")
        else:
            done.append(document.number)
    if done:
        messages.success(request, _("Đã phê duyệt %(count)s văn bản: %(numbers)s.") % {
            "count": len(done), "numbers": ", ".join(done)})  # fmt: skip
    for line in refused:
        messages.error(request, _("Chưa phê duyệt: %(line)s") % {"line": line})
    return redirect("portal:document_list")


@login_required
def library(request):
    readable = published_for_reader(request.user)
    documents, filters = filtered(request, readable.order_by("-published_at", "-pk"))
    context = {"documents": paginate(request, documents), "filters": filters,
               **filter_choices(readable)}  # fmt: skip
    return render(request, "portal/library.html", context)


def _new_document_form(request, kind: str):
    """The form of a new document of a kind, pre-filled on GET, and what pre-filled it."""
    if kind not in KINDS:
        raise Http404(_("Không có loại văn bản này."))
    issuers = editor_departments(request.user)
    if not issuers.exists():
        raise PermissionDenied(_("Chỉ chuyên viên của ban tuyên giáo được soạn văn bản."))
    prefill = Prefill()
    if request.method == "GET":
        month = request.GET.get("thang", "")
        prefill = new_document_prefill(
            kind=kind, issuer=issuers.first(), month=month, today=timezone.localdate()
        )
    form_class = form_class_for(kind)
    form = form_class(request.POST or None, initial=prefill.initial, user=request.user,
                      issuers=issuers)  # fmt: skip
    if KINDS[kind].monthly:  # the month is chosen once, in the month picker above the form
        for name in PERIOD_FIELDS:
            form.fields[name].widget = HiddenInput()
    return form, prefill


def _month_document(request, kind: str, prefill: Prefill) -> Document | None:
    """The issuer's document of the month a new monthly document is asked for, if any."""
    period = period_of(prefill.initial)
    if request.method != "GET" or not KINDS[kind].monthly or period is None:
        return None
    issuer = prefill.initial["issuer"]
    return document_of_month(kind=kind, issuer=issuer, month=period[0], year=period[1])


def _open_month_document(request, existing: Document, prefill: Prefill):
    """Open the month's document instead of starting a second one; offer the next month."""
    month, year = period_of(prefill.initial)
    editable = ACTIONS["edit"].test(request.user, existing)
    text = month_opened_message(existing, month=month, year=year, editable=editable)
    month, year = month_after(month, year)
    link = f"{reverse('portal:document_new', args=[existing.kind])}?thang={year:04d}-{month:02d}"
    label = _("Lập %(kind)s tháng %(month)02d/%(year)s") % {
        "kind": KINDS[existing.kind].label.lower(), "month": month, "year": year}  # fmt: skip
    messages.info(request, format_html('{} <a href="{}" id="next-month">{}</a>', text, link, label))
    return redirect("portal:document_edit" if editable else "portal:document_detail", existing.pk)


def _create_from(form, *, kind: str, actor, reason: str = "") -> Document:
    return document_start(
        kind=kind,
        issuer=form.cleaned_data["issuer"],
        actor=actor,
        title=form.cleaned_data["title"],
        body_html=form.cleaned_data["body"],
        fields=form.shared_data(),
        kind_fields=form.kind_data(),
        reason=reason,
    )


@login_required
@require_http_methods(["GET", "POST"])
@editor_policy
def document_new(request, kind: str):
    form, prefill = _new_document_form(request, kind)
    existing = _month_document(request, kind, prefill)
    if existing is not None:
        return _open_month_document(request, existing, prefill)
    taken = None
    if request.method == "POST" and form.is_valid():
        try:
            document = _create_from(form, kind=kind, actor=request.user)
        except MonthTaken as exc:  # the page comes back with what was typed
            taken = exc.existing
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("portal:document_detail", pk=document.pk)
    status = (409 if taken else 400) if request.method == "POST" else 200
    context = {"form": form, "kind": kind, "kind_label": KINDS[kind].label,
               "prefill": prefill, "taken": taken}  # fmt: skip
    return render(request, "portal/document_form.html", context, status=status)


def _edit_form(request, document: Document):
    """The edit form of a document, starting from its current revision."""
    record = kind_record(document)
    revision = document.current_revision
    initial = {
        "title": document.title,
        "body": revision.body_html if revision else "",
        "base_revision": revision.number if revision else None,
        **{name: getattr(document, name) for name in
           ("recipients", "authority_line", "signer_title", "signer_name")},
        **{name: getattr(record, name) for name in KINDS[document.kind].fields},
    }  # fmt: skip
    form_class = form_class_for(document.kind)
    return form_class(request.POST or None, initial=initial, user=request.user, document=document)


def _update_from(form, *, document: Document, actor, reason: str = "") -> Revision:
    return document_update(
        document=document,
        actor=actor,
        title=form.cleaned_data["title"],
        body_html=form.cleaned_data["body"],
        fields=form.shared_data(),
        kind_fields=form.kind_data(),
        base_revision=form.cleaned_data.get("base_revision"),
        reason=reason,
    )


STATE_CHANGED = gettext_lazy(
    "Văn bản vừa được trình hoặc phê duyệt nên bản sửa này không được lưu. Nội dung bạn gõ "
    "vẫn còn trên trang; hãy sao chép lại nếu cần, hoặc đề nghị trả lại văn bản để sửa tiếp."
)


def _document_to_save(request, pk: int) -> tuple[Document, bool]:
    """The document an editor saves, and whether its state still lets them save it.

    An editor of the issuer whose document was submitted while they typed gets their page
    back with what they typed (409), not a bare 403: nothing typed is thrown away.
    """
    document = get_document_for_user(request.user, pk)
    if ACTIONS["edit"].test(request.user, document):
        return document, True
    if request.method == "POST" and request.POST and is_issuer_editor(request.user, document):
        return document, False
    return require_action(request.user, document, "edit"), True


@login_required
@require_http_methods(["GET", "POST"])
@editor_policy
def document_edit(request, pk: int):
    document, editable = _document_to_save(request, pk)
    form = _edit_form(request, document)
    conflict = None
    if not editable:  # the page comes back with what was typed, and why it was not saved
        form.is_valid()
        form.add_error(None, str(STATE_CHANGED))
    elif request.method == "POST" and form.is_valid():
        try:
            _update_from(form, document=document, actor=request.user)
        except RevisionConflict as exc:
            conflict = exc
            form.rebase(exc.current.number)  # saving again now is a deliberate overwrite
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu bản sửa mới."))
            return redirect("portal:document_detail", pk=document.pk)
    status = (409 if conflict or not editable else 400) if request.method == "POST" else 200
    context = {"form": form, "document": document, "kind": document.kind,
               "kind_label": document.get_kind_display(), "conflict": conflict,
               **_returned_context(document)}  # fmt: skip
    return render(request, "portal/document_form.html", context, status=status)


def _autosaved(document: Document, revision: Revision) -> JsonResponse:
    saved_at = timezone.localtime(revision.created_at).strftime("%H:%M")
    return JsonResponse({
        "revision": revision.number,
        "saved_at": saved_at,
        "message": _("Đã tự động lưu lúc %(time)s") % {"time": saved_at},
        "edit_url": reverse("portal:document_edit", args=[document.pk]),
        "autosave_url": reverse("portal:document_autosave", args=[document.pk]),
    })  # fmt: skip


def _editing_session(request) -> str:
    """The editing session the editor page made up when it opened ("" when none was sent)."""
    value = request.POST.get("editing_session", "")
    return value if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", value) else ""


def _autosave_refused(message: str, *, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _autosave_invalid(form) -> JsonResponse:
    errors = "; ".join(
        f"{form.fields[name].label}: {' '.join(errs)}"
        if name in form.fields and form.fields[name].label else " ".join(errs)
        for name, errs in form.errors.items()
    )  # fmt: skip
    return _autosave_refused(_("Chưa tự động lưu được: %(errors)s") % {"errors": errors},
                             status=400)  # fmt: skip


@login_required
@require_POST
def document_autosave_new(request, kind: str):
    """The first autosave of a new document creates its draft."""
    form, _prefill = _new_document_form(request, kind)
    if not form.is_valid():
        return _autosave_invalid(form)
    try:
        document = document_working_copy_start(
            kind=kind,
            issuer=form.cleaned_data["issuer"],
            actor=request.user,
            title=form.cleaned_data["title"],
            body_html=form.cleaned_data["body"],
            fields=form.shared_data(),
            kind_fields=form.kind_data(),
            editing_session=_editing_session(request),
        )
    except MonthTaken as exc:  # saving again cannot help: the month stays taken
        return _autosave_refused(" ".join(exc.messages), status=409, stop=True)
    return _autosaved(document, document.current_revision)


@login_required
@require_POST
def document_autosave(request, pk: int):
    document, editable = _document_to_save(request, pk)
    if not editable:
        return _autosave_refused(str(STATE_CHANGED), status=409, stop=True)
    form = _edit_form(request, document)
    if not form.is_valid():
        return _autosave_invalid(form)
    try:
        revision = document_working_copy_save(
            document=document,
            actor=request.user,
            title=form.cleaned_data["title"],
            body_html=form.cleaned_data["body"],
            fields=form.shared_data(),
            kind_fields=form.kind_data(),
            base_revision=form.cleaned_data.get("base_revision"),
            editing_session=_editing_session(request),
        )
    except RevisionConflict as exc:
        message = _(
            "Không tự động lưu: %(user)s đã lưu bản số %(number)s trong lúc bạn sửa. Phần nội "
            "dung bạn gõ được giữ lại ở bản số %(kept)s, các ô khác bạn đã sửa được ghi vào "
            "lịch sử văn bản, và mọi thứ vẫn còn trên trang này; bấm «Lưu bản nháp» để xem "
            "những thay đổi."
        ) % {"user": exc.current.author.username, "number": exc.current.number,
             "kept": exc.kept.number}  # fmt: skip
        return _autosave_refused(message, status=409, conflict=True)
    except MonthTaken as exc:  # moved to a month that has its document: choosing another helps
        return _autosave_refused(" ".join(exc.messages), status=409)
    except ValidationError as exc:  # submitted between the check and the save
        return _autosave_refused(" ".join(exc.messages), status=409, stop=True)
    return _autosaved(document, revision)


def _returned_context(document: Document) -> dict:
    """Why and by whom a returned document came back, until it is submitted again."""
    if document.status != Document.Status.RETURNED:
        return {}
    event = document.events.filter(action="return").select_related("actor").last()
    return {"returned": event, "returned_by": person_name(event.actor) if event else ""}


@login_required
def document_detail(request, pk: int, *, error: str = "", status: int = 200):
    document = get_document_for_user(request.user, pk)
    allowed = {action for action in ACTIONS if ACTIONS[action].test(request.user, document)}
    # A cell's secretary opening a published document: the cell has seen it (not yet
    # received it: that is downloading it, or saying so).
    cell_receipt = receipts.receipt_record(document=document, user=request.user,
                                           via=Receipt.Via.OPENED)  # fmt: skip
    revision = document.approved_revision or document.current_revision
    outline = []
    if revision is not None and "read" in allowed:
        # Heading ids for the outline's links, added for display only: never saved.
        revision.body_html, outline = body_outline(revision.body_html)
    record = kind_record(document)
    kind = KINDS[document.kind]
    based_on_id = getattr(record, f"{kind.basis_field}_id", None) if kind.basis_field else None
    context = {
        "document": document,
        "kind": kind,
        "record": record,
        # The higher guidance is named only to those who may open it.
        "based_on": documents_visible_to(request.user).filter(pk=based_on_id).first()
        if based_on_id
        else None,
        "revision": revision,
        "outline": outline,
        "events": document.events.select_related("actor") if "history" in allowed else None,
        "allowed": allowed,
        "needs_two_step": is_city_approver(request.user, document)
        and not has_two_step(request.user),
        "return_form": ReturnForm(),
        "citations": citations_of(document),
        "lower_guidance": based_on_this(document, request.user),
        "error": error,
        "checklist": document_checklist(document) if "submit" in allowed else [],
        "waiting_with": waiting_with(document) if "history" in allowed else "",
        # "Trước khi duyệt": the reviewer whose step it is sees the changes, comments, checks.
        "overview": review_overview(request.user, document)
        if allowed & {"forward", "approve"}
        else None,
        "cell_receipt": cell_receipt,
        "corrections": corrections_of(document) if "download" in allowed else [],
        "recalled": document.events.filter(action=WorkflowEvent.Action.RECALL).last()
        if document.status == Document.Status.RECALLED
        else None,
        "recall_form": RecallForm(),
        "receipts": receipt_counts(document) if "receipts" in allowed else None,
        **_returned_context(document),
    }
    return render(request, "portal/document_detail.html", context, status=status)


def _code_needed(request, document: Document) -> bool:
    """An approver with an authenticator who signed in here with the password alone."""
    return (
        ACTIONS["approve"].test(request.user, document)
        and has_two_step(request.user)
        and not signed_in_two_step(request)
    )


def _approve_confirmation(request, document: Document, form: ApproveForm, status: int = 200):
    """Approving issues the number: the approver confirms, and chooses when to publish."""
    number = register_next_number(document=document, day=timezone.localdate())
    context = {"document": document, "form": form, "next_number": number}
    return render(request, "portal/approve_confirm.html", context, status=status)


@login_required
@require_POST
def document_transition(request, pk: int, action: str):
    document = get_document_for_user(request.user, pk)
    try:
        if action == "return":
            # "Gửi các góp ý đang mở làm lý do": the open comments become the reason.
            form = ReturnForm(comments.return_data(request.POST, document))
            if not form.is_valid():
                return document_detail(
                    request, pk, error=_("Phải nêu lý do trả lại văn bản."), status=400
                )
            document = workflow.document_return(
                document=document, actor=request.user, reason=form.cleaned_data["reason"]
            )
        elif action == "approve" and _code_needed(request, document):
            messages.info(request, _("Hãy nhập mã từ ứng dụng xác thực để phê duyệt."))
            here = reverse("portal:document_detail", args=[document.pk])
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': here})}")
        elif action == "approve":
            workflow.approval_check(document=document, actor=request.user)
            form = ApproveForm(request.POST if "confirmed" in request.POST else None)
            if not form.is_valid():
                status = 400 if form.is_bound else 200
                return _approve_confirmation(request, document, form, status=status)
            document = workflow.document_approve(
                document=document, actor=request.user, publish_at=form.cleaned_data["publish_at"]
            )
        elif action in TRANSITIONS:
            document = TRANSITIONS[action](document=document, actor=request.user)
        else:
            raise Http404(_("Không có thao tác này."))
    except ValidationError as exc:
        return document_detail(request, pk, error=" ".join(exc.messages), status=409)
    except DatabaseError:
        # The service's transaction was rolled back: the document and its history are as
        # they were before the click.
        logger.exception("transition %s of document %s refused by the database", action, pk)
        return document_detail(request, pk, error=TRANSITION_REFUSED, status=409)
    messages.success(request, handoff_message(document, action))
    return redirect("portal:document_detail", pk=pk)


def _rendering_pending(request, document: Document, label: str):
    """Not made yet (202, the page reloads itself); failed, or overdue because its task was
    lost (503: the issuing staff see "Tạo lại bản in")."""
    failed = rules_render_failed(request.user, document)
    overdue = not failed and rules_render_overdue(request.user, document)
    context = {"document": document, "label": label, "failed": failed, "overdue": overdue,
               "minutes": settings.RENDER_STALE_MINUTES,
               "can_render": ACTIONS["render"].test(request.user, document)}  # fmt: skip
    response = render(request, "portal/rendering_pending.html", context,
                      status=503 if failed or overdue else 202)  # fmt: skip
    response["Retry-After"] = "5"
    return response


@login_required
@require_GET
def document_file(request, pk: int, fmt: str):
    """Check access, record the receipt, hand over a signed link to the stored file."""
    renderer = RENDERERS.get(fmt)
    if renderer is None or not renderer.stored:
        raise Http404(_("Không có thao tác này."))
    document = get_document_for_user(request.user, pk, action="download")
    stored = RenderedFile.objects.filter(
        revision_id=document.approved_revision_id, format=fmt
    ).first()
    if stored is None:
        return _rendering_pending(request, document, renderer.label)
    receipts.receipt_record(document=document, user=request.user)
    filename = f"{download_name(document)}.{renderer.extension}"
    return redirect(
        rendered_file_url(request, stored, content_type=renderer.content_type, filename=filename)
    )


@login_required
@require_POST
def image_upload(request):
    document = get_document_for_user(
        request.user, request.GET.get("document"), action="upload_image"
    )
    try:
        stored = images.image_upload(
            document=document, actor=request.user, upload=request.FILES.get("upload")
        )
    except images.ImageRefused as exc:
        return _upload_error(str(exc))
    return JsonResponse({"url": stored.file.url})


def _upload_error(message: str) -> JsonResponse:
    return JsonResponse({"error": {"message": message}}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def document_import_view(request):
    issuers = editor_departments(request.user)
    if not issuers.exists():
        raise PermissionDenied(_("Chỉ chuyên viên của ban tuyên giáo được nhập văn bản."))
    form = ImportForm(request.POST or None, request.FILES or None, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        try:
            document, notes = document_import(
                data=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                issuer=form.cleaned_data["issuer"],
                actor=request.user,
            )
        except ImportRefused as exc:  # an old format LibreOffice could not convert
            form.add_error("file", _(str(exc)))
            return render(request, "portal/import_form.html", {"form": form}, status=400)
        notice = _("Đã nhập văn bản; %(count)s điểm cần kiểm tra lại.") % {"count": len(notes)}
        messages.success(request, notice)
        return redirect("portal:document_detail", pk=document.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/import_form.html", {"form": form}, status=status)


@login_required
@require_GET
def document_json(request, pk: int):
    """The document as data, read-only, for whoever may read it."""
    document = get_document_for_user(request.user, pk, action="read")
    data = document_as_data(document)
    based_on = data.get("based_on")
    if based_on and not documents_visible_to(request.user).filter(pk=based_on["id"]).exists():
        based_on["id"] = None  # the number is in the text; the document is not theirs to open
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


def _reviewers() -> list:
    """Every active user holding a review role, read in one query with those memberships:
    ``holds_step`` then answers for each document without a query of its own."""
    reviewers: dict[int, object] = {}
    memberships = (
        Membership.objects.filter(role__in=FULL_CHAIN, user__is_active=True)
        .select_related("user", "organisation__parent")
        .order_by("user__username", "pk")
    )
    for m in memberships:
        user = reviewers.setdefault(m.user_id, m.user)
        parent = m.organisation.parent
        held = Held(m.organisation_id, m.role, m.organisation.path, m.organisation.kind,
                    parent.kind if parent else None)  # fmt: skip
        # The review roles are all that holds_step reads of this user's memberships.
        user.__dict__.setdefault("_portal_held", []).append(held)
    return list(reviewers.values())


def _stuck_rows(since) -> list[dict]:
    """Submitted documents waiting since before ``since`` or with nobody to act on them, the
    longest waiting first; the same few queries whatever their number."""
    submitted = (
        Document.objects.filter(status=Document.Status.SUBMITTED)
        .select_related("issuer", "audience")
        .annotate(waiting_since=Max("events__created_at"))
        .prefetch_related(
            Prefetch("revisions", queryset=Revision.objects.only("id", "document_id", "author_id")),
            Prefetch(
                "events",
                queryset=WorkflowEvent.objects.filter(action__in=CONTENT_ACTIONS).only(
                    "id", "document_id", "actor_id"
                ),
                to_attr="content_events",
            ),
        )
        .order_by("waiting_since", "pk")
    )
    reviewers, now, rows = _reviewers(), timezone.now(), []
    for document in submitted:
        # Four eyes, as in step_reviewers: whoever wrote or changed it never reviews it.
        writers = {document.created_by_id, *(r.author_id for r in document.revisions.all()),
                   *(e.actor_id for e in document.content_events)}  # fmt: skip
        holders = [u for u in reviewers
                   if u.pk not in writers and holds_step(u, document, document.step)]  # fmt: skip
        if holders and document.waiting_since >= since:
            continue
        rows.append({"document": document, "holders": [person_name(u) for u in holders],
                     "waiting_days": (now - document.waiting_since).days})  # fmt: skip
    return rows


@login_required
@require_GET
def documents_stuck(request):
    """For administrators: documents under review for longer than N days, or that nobody
    can act on now (a reviewer left, a role was never appointed)."""
    if not (request.user.is_superuser or request.user.is_staff):
        raise PermissionDenied(_("Chỉ quản trị hệ thống xem được trang này."))
    days = request.GET.get("ngay", "7")
    days = int(days) if days.isdigit() and 0 < int(days) <= 365 else 7
    rows = _stuck_rows(timezone.now() - timedelta(days=days))
    context = {"rows": paginate(request, rows), "days": days}
    return render(request, "portal/documents_stuck.html", context)
