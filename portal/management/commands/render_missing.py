"""render_missing: render the files that approved documents still lack."""

from django.core.management.base import BaseCommand

from portal.services.rendering import (
    RenderFailed,
    formats_missing,
    revision_render,
    revisions_missing_files,
)


class Command(BaseCommand):
    help = (
        "Renders here, one after the other, the missing files of every approved revision "
        "(the revision each approved or published document was approved at) that lacks a "
        "file of any stored format (PDF, Word); files already stored are kept. A failure is "
        "written on the document's history and the command goes on. Running it again "
        "renders only what is still missing."
    )

    def handle(self, *args, **options):
        revisions = list(revisions_missing_files())
        made = failed = 0
        for index, revision in enumerate(revisions, start=1):
            document = revision.document
            missing = ", ".join(formats_missing(revision.pk))
            line = f"[{index}/{len(revisions)}] {document.number or document.pk} “{document.title}”"
            try:
                revision_render(revision_id=revision.pk)
            except RenderFailed as exc:
                failed += 1
                self.stdout.write(f"{line}: không tạo được ({missing}): {exc}")
            else:
                made += 1
                self.stdout.write(f"{line}: đã tạo {missing}.")
        self.stdout.write(
            f"Đã tạo bản in cho {made} văn bản, {failed} văn bản không tạo được; "
            f"{len(revisions)} văn bản thiếu bản in trước khi chạy."
        )
