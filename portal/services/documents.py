"""Creating and editing documents: every save is a new revision with a sanitised body."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.kinds import KINDS, kind_record
from portal.models import Document, Organisation, Revision, WorkflowEvent
from portal.rules import EDITABLE
from portal.sanitize import sanitize_html

SHARED_FIELDS = ("title", "recipients", "authority_line", "signer_title", "signer_name")


def audience_of(issuer: Organisation) -> Organisation:
    """The nearest committee at or above the issuer: its subtree reads what it issues."""
    node = issuer
    while node is not None:
        if node.kind == Organisation.Kind.COMMITTEE:
            return node
        node = node.parent
    return issuer


def _new_revision(*, document: Document, actor, body_html: str) -> Revision:
    last = document.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    revision = Revision.objects.create(
        document=document, number=last + 1, body_html=sanitize_html(body_html), author=actor
    )
    document.current_revision = revision
    return revision


@transaction.atomic
def document_create(
    *,
    kind: str,
    issuer: Organisation,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
    action: str = "create",
    reason: str = "",
) -> Document:
    """Create a draft with its first revision, its kind row and a 'create' event."""
    if kind not in KINDS:
        raise ValidationError(_("Loại văn bản không hợp lệ."))
    document = Document.objects.create(
        kind=kind,
        issuer=issuer,
        audience=audience_of(issuer),
        title=title.strip(),
        created_by=actor,
        **{name: value for name, value in (fields or {}).items() if name in SHARED_FIELDS},
    )
    revision = _new_revision(document=document, actor=actor, body_html=body_html)
    document.save(update_fields=["current_revision"])
    KINDS[kind].model.objects.create(document=document, **(kind_fields or {}))
    WorkflowEvent.objects.create(
        document=document,
        actor=actor,
        action=action,
        to_status=document.status,
        revision=revision,
        reason=reason,
    )
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
) -> Revision:
    """Save an edit of a draft or returned document as a new revision."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status not in EDITABLE:
        raise ValidationError(
            _(
                "Văn bản đã được trình hoặc phê duyệt nên không thể sửa; "
                "bản đã duyệt được giữ nguyên."
            )
        )
    document.title = title.strip()
    for name, value in (fields or {}).items():
        if name in SHARED_FIELDS:
            setattr(document, name, value)
    revision = _new_revision(document=document, actor=actor, body_html=body_html)
    document.save()
    record = kind_record(document)
    for name, value in (kind_fields or {}).items():
        setattr(record, name, value)
    record.save()
    WorkflowEvent.objects.create(
        document=document,
        actor=actor,
        action="edit",
        from_status=document.status,
        to_status=document.status,
        revision=revision,
    )
    return revision
