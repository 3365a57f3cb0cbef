"""Transitions of the review workflow; each writes its append-only event in one transaction."""

from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import (
    approval_chain,
    has_two_step,
    review_chain_of,
    step_holders,
)
from portal.models import Document, Membership, WorkflowEvent
from portal.rules import (
    ACTIONS,
    EDITABLE,
    has_edited,
    last_render_event,
    render_failed,
    render_overdue,
)
from portal.services.checklist import checklist_require_clear
from portal.services.events import document_locked, event_record
from portal.services.notifications import workflow_notify
from portal.services.references import references_sync
from portal.services.register import register_issue_number, term_start_for
from portal.services.rendering import formats_missing
from portal.services.search import search_entry_sync
from portal.tasks import publish_when_due, render_revision

Status = Document.Status


TWO_STEP_REQUIRED = gettext_lazy(
    "Người phê duyệt phải đăng nhập hai bước: hãy bật ứng dụng xác thực trong mục "
    "Tài khoản → Xác thực hai bước (/tai-khoan/2fa/) rồi phê duyệt lại."
)


def _require(action: str, actor, document: Document, message: str) -> None:
    if not ACTIONS[action].test(actor, document):
        raise PermissionDenied(message)


def _event(document: Document, actor, action: str, from_status: str, reason: str = "") -> None:
    event_record(
        document=document, actor=actor, action=action, from_status=from_status, reason=reason
    )


ROLE_TITLES = {
    Membership.Role.HEAD: gettext_lazy("lãnh đạo ban"),
    Membership.Role.APPROVER: gettext_lazy("Thường trực duyệt"),
}


def step_reviewers(document: Document, role: str) -> list:
    """Who may act on a review role for the document: its holders, less anyone who wrote or
    changed it (four eyes)."""
    return [u for u in step_holders(document, role) if not has_edited(u, document)]


def chain_for(document: Document) -> tuple[list[str], list[str]]:
    """The review steps that apply to the document now, and why any step was left out.

    A step applies when someone who may act on it holds it: a holder who wrote or changed
    the document never reviews it (four eyes). Without anyone for the last step nobody could
    approve, and the submission is refused naming the role to appoint.
    """
    chain, notes = [], []
    for role in review_chain_of(document.issuer):
        if step_reviewers(document, role):
            chain.append(role)
        elif role == Membership.Role.APPROVER:
            raise ValidationError(
                _(
                    "Chưa ai có thể phê duyệt văn bản này: %(org)s chưa có Thường trực duyệt "
                    "(hoặc người giữ vai trò đó đã soạn văn bản). Hãy đề nghị quản trị hệ "
                    "thống phân công Thường trực duyệt rồi trình lại; bản nháp được giữ nguyên."
                )
                % {
                    "org": document.issuer.parent.name
                    if document.issuer.parent
                    else document.issuer.name
                }
            )
        else:
            notes.append(
                _(
                    "%(org)s chưa có %(role)s có thể duyệt văn bản này nên văn bản được chuyển "
                    "thẳng lên bước sau."
                )
                % {"org": document.issuer.name, "role": ROLE_TITLES[role]}
            )
    return chain, notes


@transaction.atomic
def document_submit(*, document: Document, actor) -> Document:
    """Send a draft or returned document to the first review step that someone holds."""
    document = document_locked(document)
    if document.status not in EDITABLE:
        raise ValidationError(_("Chỉ trình được văn bản nháp hoặc bị trả lại."))
    _require("submit", actor, document, _("Chỉ chuyên viên của ban ban hành được trình văn bản."))
    checklist_require_clear(document)
    chain, notes = chain_for(document)
    previous = document.status
    document.status, document.step, document.chain = Status.SUBMITTED, 1, ",".join(chain)
    document.save(update_fields=["status", "step", "chain", "updated_at"])
    _event(document, actor, "submit", previous, " ".join(notes))
    workflow_notify(document=document, actor=actor, action="submit")
    return document


@transaction.atomic
def document_withdraw(*, document: Document, actor) -> Document:
    """The author takes a submitted document back to edit it, until the first reviewer acts."""
    document = document_locked(document)
    if document.status != Status.SUBMITTED or document.step != 1:
        raise ValidationError(
            _("Chỉ rút lại được văn bản chưa được ai duyệt; văn bản này đã được xử lý.")
        )
    _require("withdraw", actor, document, _("Chỉ chuyên viên của ban ban hành được rút lại."))
    document.status, document.step, document.chain = Status.DRAFT, 0, ""
    document.save(update_fields=["status", "step", "chain", "updated_at"])
    _event(document, actor, WorkflowEvent.Action.WITHDRAW, Status.SUBMITTED)
    return document


@transaction.atomic
def document_forward(*, document: Document, actor) -> Document:
    """Pass a reviewed document on to the next step of its chain."""
    document = document_locked(document)
    if document.status != Status.SUBMITTED:
        raise ValidationError(_("Văn bản không ở trạng thái chờ duyệt."))
    _require("forward", actor, document, _("Bạn không thể chuyển tiếp văn bản ở bước này."))
    document.step += 1
    document.save(update_fields=["step", "updated_at"])
    _event(document, actor, "forward", Status.SUBMITTED)
    workflow_notify(document=document, actor=actor, action="forward")
    return document


@transaction.atomic
def document_return(*, document: Document, actor, reason: str) -> Document:
    """Send a document back to its editors with a required reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Phải nêu lý do trả lại văn bản."))
    document = document_locked(document)
    if document.status != Status.SUBMITTED:
        raise ValidationError(_("Văn bản không ở trạng thái chờ duyệt."))
    _require("return", actor, document, _("Bạn không thể trả lại văn bản ở bước này."))
    document.status, document.step, document.chain = Status.RETURNED, 0, ""
    document.save(update_fields=["status", "step", "chain", "updated_at"])
    _event(document, actor, "return", Status.SUBMITTED, reason)
    workflow_notify(document=document, actor=actor, action="return", reason=reason)
    return document


def _freeze_and_render(document: Document, day: date | None = None) -> None:
    """Freeze the current revision, take a number, queue the rendering of that revision."""
    day = day or timezone.localdate()
    document.approved_revision = document.current_revision
    document.number = register_issue_number(document=document, day=day)
    document.term_start = term_start_for(day)
    document.issued_on = day
    search_entry_sync(document=document)  # found by its number from now on
    # The task row is written in this transaction: a worker sees it only once approved.
    render_revision.enqueue(document.approved_revision_id)


def approval_check(*, document: Document, actor) -> None:
    """Refuse (ValidationError, PermissionDenied) what approving the document now would
    refuse; asked before the approver confirms, and again under the lock."""
    if document.status != Status.SUBMITTED or document.step != len(approval_chain(document)):
        raise ValidationError(_("Văn bản không ở bước phê duyệt cuối cùng."))
    _require("approve", actor, document, _("Bạn không thể phê duyệt văn bản này."))
    if not has_two_step(actor):
        raise ValidationError(TWO_STEP_REQUIRED)


@transaction.atomic
def document_approve(*, document: Document, actor, publish_at: datetime | None = None) -> Document:
    """Final approval: freeze the revision, number it, queue its files.

    ``publish_at``: publish at once when it is now or past, or let the task worker publish
    it then; None leaves it approved for the issuing department to publish.
    """
    document = document_locked(document)
    approval_check(document=document, actor=actor)
    now = timezone.now()
    later = publish_at is not None and publish_at > now
    document.status = Status.APPROVED
    document.publish_at = publish_at if later else None
    _freeze_and_render(document)
    document.save()
    reason = ""
    if later:
        when = timezone.localtime(publish_at).strftime("%H:%M %d/%m/%Y")
        reason = _("Hẹn ban hành lúc %(when)s.") % {"when": when}
        publish_when_due.using(run_after=publish_at).enqueue(document.pk)
    _event(document, actor, "approve", Status.SUBMITTED, reason)
    workflow_notify(document=document, actor=actor, action="approve")
    # Now numbered: guidance already based on this number can link to it.
    references_sync(document=document, revision=document.approved_revision)
    if publish_at is not None and not later:
        document.status, document.published_at = Status.PUBLISHED, now
        document.save(update_fields=["status", "published_at", "updated_at"])
        _event(document, actor, "publish", Status.APPROVED)
        workflow_notify(document=document, actor=actor, action="publish")
    return document


@transaction.atomic
def document_publish_due(*, document_id: int) -> Document | None:
    """Publish an approved document whose chosen publication time has come (task worker)."""
    document = document_locked(document_id)
    if document.status != Status.APPROVED or document.publish_at is None:
        return None  # published by hand meanwhile: nothing left to do
    if document.publish_at > timezone.now():
        return None  # a later time was chosen; its own task will come
    document.status, document.published_at = Status.PUBLISHED, timezone.now()
    document.save(update_fields=["status", "published_at", "updated_at"])
    when = timezone.localtime(document.publish_at).strftime("%H:%M %d/%m/%Y")
    _event(
        document,
        None,
        "publish",
        Status.APPROVED,
        _("Ban hành theo lịch hẹn lúc %(when)s.") % {"when": when},
    )
    workflow_notify(document=document, actor=None, action="publish")
    return document


@transaction.atomic
def document_render_again(*, document: Document, actor) -> Document:
    """Queue the rendering of the approved revision again after it failed, or when its files
    are overdue (its task was lost), once: the request is an event, and a second one waits
    for the outcome of the first, or until that one is overdue in turn."""
    document = document_locked(document)
    if document.approved_revision_id is None:
        raise ValidationError(_("Văn bản chưa được phê duyệt nên chưa có bản in."))
    stuck = render_failed(actor, document) or render_overdue(actor, document)
    if not stuck and formats_missing(document.approved_revision_id):
        if last_render_event(document) == WorkflowEvent.Action.RENDER_AGAIN:
            raise ValidationError(_("Bản in đang được tạo lại; hãy chờ trong giây lát."))
        raise ValidationError(
            _(
                "Bản in đang được tạo; hãy chờ trong giây lát. Nếu sau %(minutes)s phút kể từ "
                "khi phê duyệt vẫn chưa có, nút «Tạo lại bản in» sẽ hiện ra."
            )
            % {"minutes": settings.RENDER_STALE_MINUTES}
        )
    _require("render", actor, document, _("Chỉ cán bộ của ban ban hành được tạo lại bản in."))
    render_revision.enqueue(document.approved_revision_id)
    # The current revision is the approved one: nothing is edited after approval.
    _event(document, actor, WorkflowEvent.Action.RENDER_AGAIN, document.status)
    return document


@transaction.atomic
def document_publish(*, document: Document, actor) -> Document:
    """Make an approved document visible to the readers of its part of the tree."""
    document = document_locked(document)
    if document.status != Status.APPROVED:
        raise ValidationError(_("Chỉ văn bản đã được phê duyệt mới được ban hành."))
    _require("publish", actor, document, _("Bạn không có quyền ban hành văn bản này."))
    document.status, document.published_at = Status.PUBLISHED, timezone.now()
    document.save(update_fields=["status", "published_at", "updated_at"])
    _event(document, actor, "publish", Status.APPROVED)
    workflow_notify(document=document, actor=actor, action="publish")
    return document


@transaction.atomic
def document_publish_imported(
    *, document: Document, actor, reason: str, issued_on: date | None = None
) -> Document:
    """Record an already issued paper document as published, with an event saying so.

    ``issued_on``: the day it was issued on paper (today when unknown); its number is taken
    from the register of that day's Party term, and it counts as published that day (a 2023
    report recorded today is not today's news in the library or on the cells' page).
    """
    document = document_locked(document)
    previous = document.status
    published_at = timezone.now()
    if issued_on is not None and issued_on < timezone.localdate():
        published_at = timezone.make_aware(datetime.combine(issued_on, time(8)))
    document.status, document.published_at = Status.PUBLISHED, published_at
    _freeze_and_render(document, issued_on)
    document.save()
    _event(document, actor, "publish_imported", previous, reason)
    references_sync(document=document, revision=document.approved_revision)
    return document
