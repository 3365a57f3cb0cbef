"""Receipts of published documents by the cells (opened, downloaded, confirmed) and the
reminder to the cells that have not received a document yet."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.access import held_roles
from portal.models import Document, Membership, Notification, Receipt, WorkflowEvent
from portal.rules import ACTIONS
from portal.selectors import receiving_cells
from portal.services.events import document_locked, event_record
from portal.services.notifications import notify

Via = Receipt.Via
# A reminder goes out at most once in this time for one document.
REMIND_EVERY = timedelta(hours=20)


def receipt_record(*, document: Document, user, via: str = Via.DOWNLOADED) -> Receipt | None:
    """Record that the user's cell opened, downloaded or confirmed the document: the first
    time is kept, and an opened-only receipt becomes received when it is downloaded or
    confirmed. None for a user who reads for no cell, or a document not published."""
    cell_ids = [h.organisation_id for h in held_roles(user) if h.role == Membership.Role.READER]
    if document.status != Document.Status.PUBLISHED or not cell_ids:
        return None
    if len(cell_ids) > 1:  # a secretary of several cells: the one this document is for
        receiving = set(
            receiving_cells(document).filter(pk__in=cell_ids).values_list("pk", flat=True)
        )
        cell_ids = [pk for pk in cell_ids if pk in receiving] or cell_ids
    now = timezone.now()
    received = now if via != Via.OPENED else None
    receipt, created = Receipt.objects.get_or_create(
        document=document,
        organisation_id=cell_ids[0],
        defaults={"user": user, "via": via, "received_at": received},
    )
    if not created and receipt.received_at is None and received is not None:
        receipt.via, receipt.received_at = via, received
        receipt.save(update_fields=["via", "received_at"])
    return receipt


@transaction.atomic
def receipts_remind(*, document: Document, actor) -> int:
    """Remind the secretaries of the cells that have not received the document (opened it
    at most), once in ``REMIND_EVERY``; the number of cells reminded."""
    document = document_locked(document)
    published = document.status == Document.Status.PUBLISHED
    if not (published and ACTIONS["receipts"].test(actor, document)):
        raise PermissionDenied(_("Chỉ cán bộ của ban ban hành được nhắc các chi bộ."))
    last = document.events.filter(action=WorkflowEvent.Action.REMIND_RECEIPT).last()
    if last is not None and last.created_at > timezone.now() - REMIND_EVERY:
        when = timezone.localtime(last.created_at).strftime("%H:%M %d/%m/%Y")
        raise ValidationError(
            _("Đã nhắc các chi bộ lúc %(when)s; mỗi ngày chỉ nhắc một lần.") % {"when": when}
        )
    received = Receipt.objects.filter(document=document, received_at__isnull=False)
    cells = receiving_cells(document).exclude(pk__in=received.values("organisation_id"))
    secretaries = Membership.objects.filter(
        organisation__in=cells, role=Membership.Role.READER
    ).select_related("user")
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Chi bộ chưa nhận văn bản «%(title)s» (số %(number)s); hãy mở và tải bản PDF "
            "để sinh hoạt chi bộ."
        ) % {"title": document.title, "number": document.number}
        count = cells.count()
        reason = _("Nhắc %(count)s chi bộ chưa nhận.") % {"count": count}
    notify(
        users=[m.user for m in secretaries],
        document=document,
        kind=Notification.Kind.UNRECEIVED,
        message=message,
    )
    event_record(
        document=document,
        actor=actor,
        action=WorkflowEvent.Action.REMIND_RECEIPT,
        reason=reason,
    )
    return count
