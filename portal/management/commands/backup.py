"""backup: write one archive of the instance (every table's rows and the stored files)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.services.backup import BackupRefused, backup_write


class Command(BaseCommand):
    help = (
        "Writes one zip archive of the whole instance: the rows of every table, read in one "
        "transaction (REPEATABLE READ on PostgreSQL), except sessions, content types and "
        "permissions; every stored file a row refers to (body images under MEDIA_ROOT, "
        "rendered PDF and DOCX under PRIVATE_ROOT); and a manifest with the migrations, the "
        "number of rows per table and the sha256 of every file. Files referred to but missing "
        "are named. Restore with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="the archive to write (a new file; default: portal-backup-<date>-<time>.zip)",
        )

    def handle(self, *args, output: str | None = None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(output or f"portal-backup-{stamp}.zip")
        progress = self.stdout.write if options["verbosity"] >= 1 else (lambda _line: None)
        try:
            result = backup_write(target=target, progress=progress)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        for name in result.missing:
            self.stderr.write(f"Thiếu tệp {name}: có bản ghi trỏ tới nhưng không thấy tệp.")
        missing = f"; thiếu {len(result.missing)} tệp (xem trên)" if result.missing else ""
        self.stdout.write(
            f"Đã sao lưu vào {result.path}: {result.rows} bản ghi, {result.files} tệp, "
            f"{result.bytes / 1_048_576:.1f} MB{missing}."
        )
