"""Rendering an approved revision once, off the request path, and storing its files; and
the reviewers' draft PDF of a revision not yet approved, made on request and kept."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from portal.models import Document, RenderedFile, Revision, WorkflowEvent
from portal.rendering.documents import draft_print_data_for, print_fingerprint
from portal.rendering.registry import RENDERERS, render_files, stored_formats
from portal.services.events import event_record

DRAFT_FORMAT = "draft"


class RenderFailed(Exception):
    """The revision could not be rendered; the message is meant for the user."""


def _formats_stored(revision_id: int) -> set[str]:
    return set(
        RenderedFile.objects.filter(revision_id=revision_id).values_list("format", flat=True)
    )


def formats_missing(revision_id: int) -> list[str]:
    """The stored formats the revision has no file of yet."""
    stored = _formats_stored(revision_id)
    return [fmt for fmt in stored_formats() if fmt not in stored]


def revisions_missing_files() -> QuerySet[Revision]:
    """The approved revisions of documents that lack a file of any stored format."""
    formats = stored_formats()
    approved = Document.objects.exclude(approved_revision=None).values("approved_revision")
    return (
        Revision.objects.filter(pk__in=approved)
        .annotate(stored=Count("rendered_files", filter=Q(rendered_files__format__in=formats)))
        .filter(stored__lt=len(formats))
        .select_related("document")
        .order_by("pk")
    )


def _store(revision: Revision, fmt: str, data: bytes, etag: str = "") -> RenderedFile:
    etag = etag or hashlib.sha256(data).hexdigest()[:32]
    stored = RenderedFile(revision=revision, format=fmt, etag=etag)
    name = f"{uuid.uuid4().hex}.{RENDERERS[fmt].extension}"  # not guessable, though never public
    stored.file.save(name, ContentFile(data), save=False)
    stored.save()
    return stored


def revision_render(*, revision_id: int) -> Revision:
    """Render and store the files of an approved revision in the formats it lacks.

    Every format registered as stored is made once; a revision that has them all is left
    alone. The render and the render-failed events are not transitions: their statuses are
    left blank.
    """
    revision = Revision.objects.select_related("document__issuer").get(pk=revision_id)
    missing = formats_missing(revision_id)
    if not missing:
        return revision
    document = revision.document
    try:
        files = render_files(document, revision, missing)
    except Exception as exc:  # any failure is reported on the document, never lost
        with transaction.atomic():
            event_record(
                document=document,
                action=WorkflowEvent.Action.RENDER_FAILED,
                from_status="",
                to_status="",
                reason=str(exc) or exc.__class__.__name__,
                revision=revision,
            )
        raise RenderFailed(str(exc)) from exc
    with transaction.atomic():
        # The lock makes a second worker on the same revision wait, then store nothing.
        revision = Revision.objects.select_for_update().get(pk=revision_id)
        stored = _formats_stored(revision_id)
        new = {fmt: data for fmt, data in files.items() if fmt not in stored}
        if new:
            for fmt, data in new.items():
                _store(revision, fmt, data)
            event_record(
                document=document,
                action=WorkflowEvent.Action.RENDER,
                from_status="",
                to_status="",
                revision=revision,
            )
    return revision


def revision_render_given_up(*, revision_id: int, reason: str) -> None:
    """Record that the revision's rendering was given up (its worker kept stopping), unless
    its files were made meanwhile: the issuing staff then see "Tạo lại bản in".

    Runs in the caller's transaction, the one that marks the task failed.
    """
    if not formats_missing(revision_id):
        return
    revision = Revision.objects.select_related("document").get(pk=revision_id)
    event_record(
        document=revision.document,
        action=WorkflowEvent.Action.RENDER_FAILED,
        from_status="",
        to_status="",
        reason=reason,
        revision=revision,
    )


def draft_pdf_for(*, document: Document) -> RenderedFile:
    """The draft PDF of the document's current revision, rendered on the first request.

    It is kept as the revision's "draft" file, whose etag is the fingerprint of what it
    prints rather than of its bytes: figures of a report's indicator table, or the names of
    the issuer, can change without a new revision, and a reviewer must see what they
    approve. A second request with nothing changed serves the kept file; a change renders
    it again in place. No event is written: the draft is a view of the revision, not an act.
    Raises RenderFailed with the user's message when the PDF cannot be made.
    """
    revision = document.current_revision
    fingerprint = print_fingerprint(draft_print_data_for(document, revision))
    kept = RenderedFile.objects.filter(revision=revision, format=DRAFT_FORMAT).first()
    if kept is not None and kept.etag == fingerprint:
        return kept
    try:
        data = render_files(document, revision, (DRAFT_FORMAT,))[DRAFT_FORMAT]
    except Exception as exc:  # the reviewer is told at once; nothing to record
        raise RenderFailed(getattr(exc, "message", "") or str(exc)) from exc
    with transaction.atomic():
        # The lock makes a second request for the same revision wait, then keep this file.
        Revision.objects.select_for_update().get(pk=revision.pk)
        kept = RenderedFile.objects.filter(revision=revision, format=DRAFT_FORMAT).first()
        if kept is not None and kept.etag == fingerprint:
            return kept
        if kept is not None:
            old_name, storage = kept.file.name, kept.file.storage
            kept.delete()
            transaction.on_commit(lambda: storage.delete(old_name))
        return _store(revision, DRAFT_FORMAT, data, etag=fingerprint)
