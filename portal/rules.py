"""Object-level permissions on documents, named for what they allow."""

from datetime import timedelta

import rules
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from portal.access import approval_chain, approves_city, drafts_for, holds_step, root_id, works_for
from portal.models import Document, Membership, WorkflowEvent
from portal.services.rendering import formats_missing

EDITABLE = {Document.Status.DRAFT, Document.Status.RETURNED}
NOT_YET_APPROVED = {Document.Status.DRAFT, Document.Status.SUBMITTED, Document.Status.RETURNED}


@rules.predicate
def is_issuer_editor(user, document: Document) -> bool:
    return document.issuer_id in drafts_for(user)


@rules.predicate
def is_issuer_head(user, document: Document) -> bool:
    return document.issuer_id in works_for(user, {Membership.Role.HEAD})


@rules.predicate
def is_city_approver(user, document: Document) -> bool:
    return approves_city(user, root_id(document.issuer))


@rules.predicate
def is_editable(user, document: Document) -> bool:
    return document.status in EDITABLE


@rules.predicate
def is_approved(user, document: Document) -> bool:
    return document.status == Document.Status.APPROVED


@rules.predicate
def is_not_yet_approved(user, document: Document) -> bool:
    return document.status in NOT_YET_APPROVED and document.approved_revision_id is None


CONTENT_ACTIONS = (
    WorkflowEvent.Action.CREATE,
    WorkflowEvent.Action.IMPORT,
    WorkflowEvent.Action.EDIT,
)


@rules.predicate
def has_edited(user, document: Document) -> bool:
    """Four-eyes rule: whoever created the document, wrote a revision or changed its data
    in any other way (a report's indicator figures) never reviews it."""
    if document.created_by_id == user.pk:
        return True
    if any(revision.author_id == user.pk for revision in document.revisions.all()):
        return True
    if getattr(document, "viewer_id", None) == user.pk:  # read with the list's query
        return document.viewer_changed
    return document.events.filter(actor_id=user.pk, action__in=CONTENT_ACTIONS).exists()


@rules.predicate
def holds_current_step(user, document: Document) -> bool:
    return document.status == Document.Status.SUBMITTED and holds_step(
        user, document, document.step
    )


@rules.predicate
def is_last_step(user, document: Document) -> bool:
    return document.step == len(approval_chain(document))


@rules.predicate
def has_approved_revision(user, document: Document) -> bool:
    return document.approved_revision_id is not None


@rules.predicate
def awaits_first_reviewer(user, document: Document) -> bool:
    """Submitted, and nobody has acted on it since: every review action moves it on."""
    return document.status == Document.Status.SUBMITTED and document.step == 1


can_edit_document = is_issuer_editor & is_editable
can_withdraw_document = is_issuer_editor & awaits_first_reviewer
can_review_document = holds_current_step & ~has_edited
can_forward_document = can_review_document & ~is_last_step
can_approve_document = can_review_document & is_last_step
can_publish_document = is_approved & (is_issuer_head | is_issuer_editor | is_city_approver)
# The draft PDF is for those who write and review it, until approval issues the number.
can_see_draft_pdf = is_not_yet_approved & (
    is_issuer_editor | is_issuer_head | holds_current_step | is_city_approver
)
# The history (return reasons, import reports, who drafted) is the staff's, not the readers'.
can_see_history = is_issuer_editor | is_issuer_head | is_city_approver | rules.is_superuser


def last_render_event(document: Document) -> str | None:
    """The latest rendering event of the approved revision: rendered, failed, asked again."""
    if document.approved_revision_id is None:
        return None
    events = document.events.filter(
        revision_id=document.approved_revision_id, action__startswith="render"
    )
    return events.order_by("-pk").values_list("action", flat=True).first()


@rules.predicate
def render_failed(user, document: Document) -> bool:
    """The approved revision's files could not be made and were not made since."""
    return last_render_event(document) == WorkflowEvent.Action.RENDER_FAILED


# What starts (or restarts) the wait for the approved revision's files.
RENDER_REQUESTS = (
    WorkflowEvent.Action.APPROVE,
    WorkflowEvent.Action.PUBLISH_IMPORTED,
    WorkflowEvent.Action.RENDER_AGAIN,
    WorkflowEvent.Action.CORRECT,
)


@rules.predicate
def render_overdue(user, document: Document) -> bool:
    """The approved revision still lacks a file RENDER_STALE_MINUTES after its approval or
    the last request to render it again: its task was lost or is stuck, whatever its record."""
    if document.approved_revision_id is None or not formats_missing(document.approved_revision_id):
        return False
    requested = document.events.filter(
        revision_id=document.approved_revision_id, action__in=RENDER_REQUESTS
    ).aggregate(at=Max("created_at"))["at"]
    overdue_after = timedelta(minutes=settings.RENDER_STALE_MINUTES)
    return requested is None or requested <= timezone.now() - overdue_after


is_issuer_staff = is_issuer_editor | is_issuer_head | is_city_approver


@rules.predicate
def was_published(user, document: Document) -> bool:
    return document.status in (Document.Status.PUBLISHED, Document.Status.RECALLED)


@rules.predicate
def is_published(user, document: Document) -> bool:
    return document.status == Document.Status.PUBLISHED


@rules.predicate
def is_recalled(user, document: Document) -> bool:
    return document.status == Document.Status.RECALLED


# Which cells received a published document: the issuing department's and the city's.
can_see_receipts = is_issuer_staff & was_published
# A recalled document's text and files stay with its staff; its readers see the recall.
can_read_text = ~is_recalled | is_issuer_staff
# After publication, the city's approver corrects or recalls (with the second factor).
can_correct_document = is_published & is_city_approver
can_render_again = is_issuer_staff & (render_failed | render_overdue)
# The districts' figures behind a city report are working material of the city, not reading.
can_consolidate_document = is_issuer_editor | is_issuer_head | is_city_approver

# Checked through these predicates, never user.has_perm: a superuser must not bypass
# the four-eyes rule or the workflow.
ACTIONS: dict[str, rules.Predicate] = {
    "view": rules.always_allow,
    "edit": can_edit_document,
    "submit": can_edit_document,
    "withdraw": can_withdraw_document,
    "upload_image": can_edit_document | can_correct_document,
    "forward": can_forward_document,
    "return": can_review_document,
    "approve": can_approve_document,
    "publish": can_publish_document,
    "consolidate": can_consolidate_document,
    "history": can_see_history,
    "render": can_render_again,
    "download": has_approved_revision & can_read_text,
    "read": can_read_text,
    "draft_pdf": can_see_draft_pdf,
    "receipts": can_see_receipts,
    "correct": can_correct_document,
    "recall": can_correct_document,
}
