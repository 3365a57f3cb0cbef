"""search_reindex: make every document's search entry again from its current revision."""

from django.core.management.base import BaseCommand

from portal.models import Document
from portal.services.search import search_entry_sync


class Command(BaseCommand):
    help = (
        "Re-reads every document (all kinds, all statuses) and replaces its search entry "
        "with its title, number and current revision as they are now; run it once after "
        "upgrading to a version with search, or after loading documents by other means."
    )

    def handle(self, *args, **options):
        documents = Document.objects.select_related("current_revision")
        count = 0
        for document in documents.order_by("pk").iterator(chunk_size=200):
            search_entry_sync(document=document)
            count += 1
        self.stdout.write(f"Đã lập chỉ mục tìm kiếm cho {count} văn bản.")
