"""remind_waiting: remind reviewers of documents waiting too long, by hand or from cron."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.services.waiting import waiting_remind


class Command(BaseCommand):
    help = (
        "Reminds the holders of the current review step of each submitted document waiting "
        "at that step more than REVIEW_REMINDER_DAYS days (in the portal, and by e-mail as "
        "each user chose); each holder at most once a day per document."
    )

    def handle(self, *args, **options):
        reminders = waiting_remind(now=timezone.now())
        documents = len({n.document_id for n in reminders})
        self.stdout.write(f"Đã nhắc {len(reminders)} lượt về {documents} văn bản chờ quá hạn.")
