"""Writes of the search entries (portal.search): one per document, from its current revision."""

from portal.models import Document, SearchEntry
from portal.search import entry_fields
from portal.services.references import body_text


def search_entry_sync(*, document: Document) -> None:
    """Keep the document's search entry as its title, number and current revision read now
    (after every save, when it is numbered at approval, and when it is recalled)."""
    revision = document.current_revision
    # A recalled document is found by its title and number: its text is no longer read.
    readable = revision is not None and document.status != Document.Status.RECALLED
    fields = entry_fields(
        title=document.title,
        number=document.number,
        body_text=body_text(revision.body_html) if readable else "",
    )
    SearchEntry.objects.update_or_create(document=document, defaults=fields)
