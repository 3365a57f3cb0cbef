"""remind_deadlines: remind the departments whose document of a period is due soon or today."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.services.deadlines import deadline_remind


class Command(BaseCommand):
    help = (
        "Tells the editors and heads of every department that has not yet published the "
        "period's document of a kind with a deadline, on the day REMIND_DAYS before the due "
        "day and on the due day; each reminder once a day (the worker also runs it every "
        "morning)."
    )

    def handle(self, *args, **options):
        sent = deadline_remind(today=timezone.localdate())
        self.stdout.write(f"Đã gửi {len(sent)} lời nhắc hạn nộp.")
