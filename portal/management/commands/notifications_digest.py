"""notifications_digest: the morning digest, by hand or from cron."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.services.notifications import notifications_digest_send


class Command(BaseCommand):
    help = (
        "Sends each user who chose the morning digest one e-mail with their notifications "
        "not mailed yet (the worker, manage.py render_worker, does it every day at "
        "NOTIFY_DIGEST_HOUR by itself)."
    )

    def handle(self, *args, **options):
        count = notifications_digest_send(now=timezone.now())
        self.stdout.write(f"Đã gửi {count} thư thông báo gộp.")
