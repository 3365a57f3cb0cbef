"""export_document: write a document's stored PDF or DOCX (or a fresh draft rendering)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.exports import document_as_data
from portal.models import Document
from portal.rendering.documents import render_document_files


class Command(BaseCommand):
    help = (
        "Writes the stored PDF or DOCX of an approved document's revision (for a draft, or a "
        "file not rendered yet, renders the current revision), or the document as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "json"])
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, id: int, format: str, output: str, **options):
        document = (
            Document.objects.select_related("issuer", "current_revision", "approved_revision")
            .filter(pk=id)
            .first()
        )
        if document is None:
            raise CommandError(f"Không có văn bản số {id}.")
        if format == "json":
            data = json.dumps(document_as_data(document), ensure_ascii=False, indent=2)
            Path(output).write_text(data + "\n", encoding="utf-8")
            self.stdout.write(f"Đã ghi {output} (dữ liệu có cấu trúc).")
            return
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
