"""export_document: write a document's stored PDF or DOCX (or a fresh draft rendering)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.models import Document, RenderedFile
from portal.rendering.registry import RENDERERS, render_files


class Command(BaseCommand):
    help = (
        "Writes the stored PDF or DOCX of an approved document's revision (for a draft, or a "
        "file not rendered yet, renders the current revision), the document as JSON, or the "
        "reviewers' draft PDF of the current revision (--format draft)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--format", default="pdf", choices=sorted(RENDERERS))
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, id: int, format: str, output: str, **options):
        document = (
            Document.objects.select_related("issuer", "current_revision", "approved_revision")
            .filter(pk=id)
            .first()
        )
        if document is None:
            raise CommandError(f"Không có văn bản số {id}.")
        target = _target(output)
        if not RENDERERS[format].stored:
            revision = document.approved_revision or document.current_revision
            _write(target, render_files(document, revision, (format,))[format])
            self.stdout.write(f"Đã ghi {output} ({RENDERERS[format].label}, bản vừa tạo).")
            return
        revision = document.approved_revision
        stored = (
            RenderedFile.objects.filter(revision=revision, format=format).first()
            if revision
            else None
        )
        if stored:
            with stored.file.open("rb") as handle:
                data = handle.read()
            origin = "bản đã lưu khi phê duyệt"
        else:
            revision = revision or document.current_revision
            data = render_files(document, revision, (format,))[format]
            origin = "bản vừa tạo"
        _write(target, data)
        self.stdout.write(f"Đã ghi {output} ({len(data)} byte, {origin}).")


def _target(output: str) -> Path:
    """The output path, refused before any rendering when it cannot be a new or old file."""
    target = Path(output)
    if target.is_dir():
        raise CommandError(
            f"{output} là một thư mục; hãy ghi đường dẫn tệp, ví dụ {target / 'van-ban.pdf'}."
        )
    if not target.parent.is_dir():
        raise CommandError(f"Thư mục {target.parent} không tồn tại; hãy tạo thư mục trước.")
    return target


def _write(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {target}: {exc.strerror or exc}.") from exc
