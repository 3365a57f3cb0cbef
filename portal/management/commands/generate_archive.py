"""generate_archive: a realistic ten-year archive (S, M or L) in an empty database."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.demo.archive import SIZES, ArchiveRefused, archive_generate


class Command(BaseCommand):
    help = (
        "Builds, in an EMPTY database, a ten-year archive for measuring at scale: S (1 city, "
        "5 districts, 100 cells), M (2 cities, 20 districts, 2,000 cells) or L (2 cities, "
        "45 districts, 10,000 cells), with users, documents of every kind and status, "
        "revisions, events, register numbers, citations, indicators and receipts. Every "
        "approved revision shares one rendered PDF file; every account has the demo password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")

    def handle(self, *args, size: str = "S", **options):
        started = time.monotonic()
        try:
            counts = archive_generate(size=size, progress=self.stdout.write)
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        # Fresh statistics for the planner: after a bulk load, it would otherwise plan for
        # empty tables until autovacuum (where it runs) analyses them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        totals = ", ".join(f"{number:,} {what}" for what, number in counts.items())
        self.stdout.write(
            f"Kho văn bản mẫu cỡ {size} đã tạo trong {time.monotonic() - started:.1f} s: {totals}."
        )
