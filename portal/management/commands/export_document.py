"""export_document: write a document's stored PDF (or a fresh draft rendering) to a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.models import Document
from portal.rendering.documents import render_document_pdf


class Command(BaseCommand):
    help = "Writes the stored PDF of an approved document, or renders the current draft."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--format", default="pdf", choices=["pdf"])
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, id: int, output: str, **options):
        document = (
            Document.objects.select_related("issuer", "current_revision", "approved_revision")
            .filter(pk=id)
            .first()
        )
        if document is None:
            raise CommandError(f"Không có văn bản số {id}.")
        if document.pdf:
            with document.pdf.open("rb") as stored:
                data = stored.read()
            origin = "bản đã lưu khi phê duyệt"
        else:
            data = render_document_pdf(document, document.current_revision)
            origin = "bản nháp vừa tạo"
        Path(output).write_bytes(data)
        self.stdout.write(f"Đã ghi {output} ({len(data)} byte, {origin}).")
