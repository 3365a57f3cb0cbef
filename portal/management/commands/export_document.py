"""export_document: write a document's stored PDF or DOCX (or a fresh draft rendering)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.models import Document
from portal.rendering.documents import render_document_files


class Command(BaseCommand):
    help = (
        "Writes the stored PDF or DOCX of an approved document's revision; "
        "for a draft (or a file not rendered yet) renders the current revision."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--format", default="pdf", choices=["pdf", "docx"])
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, id: int, format: str, output: str, **options):
        document = (
            Document.objects.select_related("issuer", "current_revision", "approved_revision")
            .filter(pk=id)
            .first()
        )
        if document is None:
            raise CommandError(f"Không có văn bản số {id}.")
        revision = document.approved_revision
        stored = getattr(revision, format) if revision else None
        if stored:
            with stored.open("rb") as handle:
                data = handle.read()
            origin = "bản đã lưu khi phê duyệt"
        else:
            revision = revision or document.current_revision
            data = render_document_files(document, revision, formats=(format,))[format]
            origin = "bản vừa tạo"
        Path(output).write_bytes(data)
        self.stdout.write(f"Đã ghi {output} ({len(data)} byte, {origin}).")
