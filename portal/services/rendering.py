"""Rendering an approved revision once, off the request path, and storing its files."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.models import Revision, WorkflowEvent
from portal.rendering.documents import render_document_files


class RenderFailed(Exception):
    """The revision could not be rendered; the message is meant for the user."""


def _store(revision: Revision, field: str, data: bytes, extension: str) -> None:
    name = f"{uuid.uuid4().hex}.{extension}"  # not guessable, though never public
    getattr(revision, field).save(name, ContentFile(data), save=False)
    setattr(revision, f"{field}_etag", hashlib.sha256(data).hexdigest()[:32])


def revision_render(*, revision_id: int) -> Revision:
    """Render the PDF and DOCX of an approved revision unless they exist already."""
    revision = Revision.objects.select_related("document__issuer").get(pk=revision_id)
    if revision.pdf and revision.docx:
        return revision
    document = revision.document
    try:
        files = render_document_files(document, revision, formats=("pdf", "docx"))
    except Exception as exc:  # any failure is reported on the document, never lost
        WorkflowEvent.objects.create(
            document=document,
            action=WorkflowEvent.Action.RENDER_FAILED,
            reason=str(exc) or exc.__class__.__name__,
            revision=revision,
        )
        raise RenderFailed(str(exc)) from exc
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision_id)
        if not revision.pdf:
            for extension, data in files.items():
                _store(revision, extension, data, extension)
            revision.rendered_at = timezone.now()
            revision.save()
            WorkflowEvent.objects.create(
                document=document, action=WorkflowEvent.Action.RENDER, revision=revision
            )
    return revision
