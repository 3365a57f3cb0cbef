"""Writes of the search entries (portal.search): one per document, from its current revision."""

from portal.models import Document, SearchEntry
from portal.search import entry_fields
from portal.services.references import body_text


def search_entry_sync(*, document: Document) -> None:
    """Keep the document's search entry as its title, number and current revision read now
    (after every save, and when it is numbered at approval)."""
    revision = document.current_revision
    fields = entry_fields(
        title=document.title,
        number=document.number,
        body_text=body_text(revision.body_html) if revision is not None else "",
    )
    SearchEntry.objects.update_or_create(document=document, defaults=fields)
