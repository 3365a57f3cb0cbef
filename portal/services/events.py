"""The one way to lock a document for a write and to record what happened to it."""

from portal.models import Document, Revision, WorkflowEvent


def document_locked(document: Document | int) -> Document:
    """Re-read the document under a row lock so two writes cannot interleave.

    Must run inside a transaction (``select_for_update`` refuses otherwise).
    """
    pk = document if isinstance(document, int) else document.pk
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("issuer", "audience")
        .get(pk=pk)
    )


def event_record(
    *,
    document: Document,
    action: str,
    actor=None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str = "",
    revision: Revision | None = None,
) -> WorkflowEvent:
    """Append one event to the document's history, in the caller's transaction.

    Call it inside the transaction of the change it records. The status and step after the
    action default to the document's own, ``from_status`` to the same (an action that does
    not move the document), ``revision`` to the current one.
    """
    return WorkflowEvent.objects.create(
        document=document,
        actor=actor,
        action=action,
        from_status=document.status if from_status is None else from_status,
        to_status=document.status if to_status is None else to_status,
        step=document.step,
        reason=reason,
        revision=revision if revision is not None else document.current_revision,
    )
