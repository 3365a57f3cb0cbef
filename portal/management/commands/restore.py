"""restore: load an archive of manage.py backup into an empty instance."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.services.backup import BackupRefused
from portal.services.restore import archive_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restores an archive written by manage.py backup into an empty instance (a new "
        "database after manage.py migrate): checks the sha256 of every member first, writes "
        "the stored files under MEDIA_ROOT and PRIVATE_ROOT, then loads every row in one "
        "transaction and resets the sequences. Refuses a database that holds data, or one "
        "not at the archive's migrations. --check only reads the archive and checks it."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--check", action="store_true", help="only check the archive; write nothing"
        )

    def handle(self, *args, archive: str, check: bool = False, **options):
        path = Path(archive)
        progress = self.stdout.write if options["verbosity"] >= 1 else (lambda _line: None)
        try:
            if check:
                manifest = archive_check(path=path, progress=progress)
            else:
                result = backup_restore(path=path, progress=progress)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        if check:
            self.stdout.write(
                f"Bản sao lưu {path} nguyên vẹn: {sum(manifest['counts'].values())} bản ghi, "
                f"{len(manifest['files'])} tệp, tạo lúc {manifest['created_at']}."
            )
            return
        for name in result.missing:
            self.stderr.write(f"Tệp {name} đã thiếu từ khi sao lưu; không có trong bản sao lưu.")
        self.stdout.write(
            f"Đã khôi phục từ {path}: {result.rows} bản ghi "
            f"({result.counts.get('portal.document', 0)} văn bản, "
            f"{result.counts.get('auth.user', 0)} người dùng), {result.files} tệp."
        )
