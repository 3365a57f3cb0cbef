"""sync_references: re-read the citations of every document from its current revision."""

from django.core.management.base import BaseCommand

from portal.models import CitedDocument, Document
from portal.services.references import references_sync


class Command(BaseCommand):
    help = (
        "Re-scans every document that has a revision (all kinds, all statuses) and replaces "
        "its citations of Party and State documents with those read from its current "
        "revision; also links guidance to the higher guidance it is based on."
    )

    def handle(self, *args, **options):
        documents = Document.objects.exclude(current_revision=None).select_related(
            "current_revision", "issuer"
        )
        scanned = citations = 0
        for document in documents.order_by("pk").iterator(chunk_size=200):
            citations += references_sync(document=document, revision=document.current_revision)
            scanned += 1
        self.stdout.write(
            f"Đã quét {scanned} văn bản: {citations} trích dẫn, "
            f"{CitedDocument.objects.count()} văn bản được trích dẫn."
        )
