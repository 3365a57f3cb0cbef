"""After publication: a correction (đính chính), a new approved revision that supersedes the
published one, both kept with their PDFs; and a recall (thu hồi), after which readers see
that the document was recalled and why, not its text. Both are told to those who had
received it."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import has_two_step
from portal.models import Document, Notification, Revision, WorkflowEvent
from portal.rules import ACTIONS
from portal.sanitize import xml_safe
from portal.services.documents import _new_revision, derived_data_sync
from portal.services.events import document_locked, event_record
from portal.services.notifications import distribution_notify
from portal.services.search import search_entry_sync
from portal.tasks import render_revision

Status = Document.Status
Action = WorkflowEvent.Action
TWO_STEP_REQUIRED_AFTER = gettext_lazy(
    "Người phê duyệt phải đăng nhập hai bước: hãy bật ứng dụng xác thực trong mục "
    "Tài khoản → Xác thực hai bước (/tai-khoan/2fa/) rồi đính chính hoặc thu hồi."
)
CORRECTED = gettext_lazy("Văn bản «%(title)s» (số %(number)s) đã được đính chính: %(reason)s")
RECALLED = gettext_lazy("Văn bản «%(title)s» (số %(number)s) đã bị thu hồi: %(reason)s")


def _require(action: str, actor, document: Document, reason: str) -> None:
    if document.status != Status.PUBLISHED:
        raise ValidationError(_("Chỉ văn bản đang ban hành mới được đính chính hoặc thu hồi."))
    if not ACTIONS[action].test(actor, document):
        raise PermissionDenied(_("Chỉ người phê duyệt của thành phố được đính chính hoặc thu hồi."))
    if not has_two_step(actor):
        raise ValidationError(TWO_STEP_REQUIRED_AFTER)
    if not reason.strip():
        raise ValidationError(_("Hãy ghi lý do để người đọc biết."))


def _tell(document: Document, actor, kind: str, message, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # stored text, read by everyone
        text = str(message) % {"title": document.title, "number": document.number,
                               "reason": reason.strip()}  # fmt: skip
    distribution_notify(document=document, actor=actor, kind=kind, message=text)


@transaction.atomic
def document_correct(
    *, document: Document, actor, title: str, body_html: str, reason: str,
    base_revision: int | None = None,
) -> Revision:  # fmt: skip
    """Publish a corrected text under the same number: a new revision, approved at once,
    rendered, and the one readers download from now on; the former stays with its PDF.
    ``base_revision``: the issued revision the corrector started from; refused when another
    correction was published meanwhile (it would be undone unseen)."""
    document = document_locked(document)
    _require("correct", actor, document, reason)
    if base_revision is not None and base_revision != document.approved_revision_id:
        raise ValidationError(_("Văn bản vừa được người khác đính chính; hãy mở lại bản hiện "
                                "hành rồi đính chính tiếp."))  # fmt: skip
    revision = _new_revision(document=document, actor=actor, body_html=body_html)
    document.title = xml_safe(title).strip() or document.title
    document.approved_revision = revision
    document.save()
    event_record(document=document, actor=actor, action=Action.CORRECT, reason=reason.strip())
    derived_data_sync(document=document, revision=revision)
    render_revision.enqueue(revision.pk)  # the task row is written in this transaction
    _tell(document, actor, Notification.Kind.CORRECTED, CORRECTED, reason)
    return revision


@transaction.atomic
def document_recall(*, document: Document, actor, reason: str) -> Document:
    """Recall a published document: its readers see that it was recalled and why, not its
    text or its files; its staff keep both. Search keeps its title and number only."""
    document = document_locked(document)
    _require("recall", actor, document, reason)
    document.status = Status.RECALLED
    document.save(update_fields=["status", "updated_at"])
    event_record(document=document, actor=actor, action=Action.RECALL,
                 from_status=Status.PUBLISHED, reason=reason.strip())  # fmt: skip
    search_entry_sync(document=document)
    _tell(document, actor, Notification.Kind.RECALLED, RECALLED, reason)
    return document
